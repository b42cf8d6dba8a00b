// Package throwaway gives the developer tools (tools/bench, tools/e2eserver, tools/pgdb) a
// short-lived Pair-Up to work against: an empty database made next to the one DATABASE_URL names,
// and the real `pairup serve` binary running on it on a random port.
package throwaway

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// dropTimeout bounds the drop that CreateDatabase hands back.
const dropTimeout = time.Minute

// Create makes an empty database, named prefix followed by random digits, on the server that
// adminURL connects to, and returns adminURL pointing at the new database.
func Create(ctx context.Context, adminURL, prefix string) (string, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	defer conn.Close(context.Background())
	name := fmt.Sprintf("%s%d", prefix, rand.Uint64())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Owned returns the name of the database dbURL names if it is one Create made with prefix
// (prefix followed by digits only), and false otherwise.
func Owned(dbURL, prefix string) (string, bool) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", false
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !strings.HasPrefix(name, prefix) || strings.Trim(name[len(prefix):], "0123456789") != "" {
		return name, false
	}
	return name, true
}

// Drop removes the database that dbURL names, connected through adminURL, and refuses any
// database Create did not make with prefix. WITH (FORCE) ends the connections a killed server
// may have left behind.
func Drop(ctx context.Context, adminURL, dbURL, prefix string) error {
	if _, err := url.Parse(dbURL); err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	name, ok := Owned(dbURL, prefix)
	if !ok {
		return fmt.Errorf("drop: %q was not made with the prefix %q; refusing to drop it", name, prefix)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// CreateDatabase is Create that also returns drop, which removes the database (within a minute,
// whatever becomes of ctx).
func CreateDatabase(ctx context.Context, adminURL, prefix string) (dbURL string, drop func() error, err error) {
	dbURL, err = Create(ctx, adminURL, prefix)
	if err != nil {
		return "", nil, err
	}
	drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
		defer cancel()
		return Drop(ctx, adminURL, dbURL, prefix)
	}
	return dbURL, drop, nil
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "the database"
	}
	return p.Redacted()
}

// Options are how StartServer runs the server.
type Options struct {
	// Env is added to this process's environment after DATABASE_URL and PAIRUP_ADDR.
	Env []string
	// Stdout gets the server's standard output after the line announcing its address; nil
	// discards it.
	Stdout io.Writer
	// Stderr gets the server's standard error; nil discards it.
	Stderr io.Writer
	// KillAfter is how long Stop waits after interrupting the server before it kills it; zero
	// waits for as long as the server takes.
	KillAfter time.Duration
}

// Server is a running `pairup serve`.
type Server struct {
	URL string // http://127.0.0.1:PORT
	PID int

	cmd       *exec.Cmd
	killAfter time.Duration
	stopOnce  sync.Once
	stopErr   error
}

// StartServer runs `binary serve` against dbURL on 127.0.0.1:0 and waits for the line
// "pairup: serving on URL" on its standard output.
func StartServer(binary, dbURL string, opts Options) (*Server, error) {
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PAIRUP_ADDR=127.0.0.1:0")
	cmd.Env = append(cmd.Env, opts.Env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	rest := opts.Stdout
	if rest == nil {
		rest = io.Discard
	}
	logs := &tail{}
	cmd.Stderr = logs
	if opts.Stderr != nil {
		cmd.Stderr = io.MultiWriter(logs, opts.Stderr)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	s := &Server{PID: cmd.Process.Pid, cmd: cmd, killAfter: opts.KillAfter}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "pairup: serving on "); ok {
			go func() { _, _ = io.Copy(rest, out) }()
			s.URL = addr
			return s, nil
		}
	}
	_ = s.Stop()
	return nil, fmt.Errorf("server did not start: %s", logs.String())
}

// Stop interrupts the server (as Ctrl-C would) and waits for it to exit, killing it if
// Options.KillAfter passes first. It returns what waiting for the process returned; only the
// first call does anything.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		if s.killAfter <= 0 {
			s.stopErr = s.cmd.Wait()
			return
		}
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case s.stopErr = <-done:
		case <-time.After(s.killAfter):
			_ = s.cmd.Process.Kill()
			s.stopErr = <-done
		}
	})
	return s.stopErr
}

// tail keeps the last lines written to it, for the error when a server fails to start.
type tail struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
}

const tailLines = 20

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, p...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, string(t.partial[:i]))
		t.partial = t.partial[i+1:]
		if len(t.lines) > tailLines {
			t.lines = t.lines[len(t.lines)-tailLines:]
		}
	}
	return len(p), nil
}

// String is the last lines, and any unfinished one.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := t.lines
	if len(t.partial) > 0 {
		lines = append(lines[:len(lines):len(lines)], string(t.partial))
	}
	return strings.Join(lines, "\n")
}
