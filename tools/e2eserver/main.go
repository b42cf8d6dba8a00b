// Command e2eserver runs Pair-Up for the SPA's end-to-end tests (frontend/e2e). It creates a
// throwaway database next to the one DATABASE_URL names, migrates it, seeds a known roster and
// timetable, starts the real `pairup serve` binary on a random port with the built SPA, and
// prints one line `E2E_URL=http://127.0.0.1:PORT` on stdout. On SIGINT, SIGTERM or the end of
// its standard input (the test runner went away) it stops the server and drops the database.
//
// The seeded data, which frontend/e2e/fixtures.ts mirrors:
//   - students 31000001..31000030, all with PIN 1357 (bcrypt at its cheapest cost);
//   - 12 lab slots of capacity 1: rooms "CSSE 2.01" and "EZONE 1.24", on Thursday 20 and
//     Friday 21 May 2027, at 10:00, 10:15 and 10:30.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

const (
	firstNumber = 31000001
	pin         = "1357"
)

// names of the seeded students, in student-number order.
var names = []string{
	"Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
	"Barbara Liskov", "Donald Knuth", "Frances Allen", "John Backus", "Margaret Hamilton",
	"Ken Thompson", "Dennis Ritchie", "Niklaus Wirth", "Radia Perlman", "Tony Hoare",
	"Leslie Lamport", "Shafi Goldwasser", "Robin Milner", "Adele Goldberg", "Alan Kay",
	"John McCarthy", "Sophie Wilson", "Butler Lampson", "Jean Sammet", "Fran Bilas",
	"Kathleen Booth", "Peter Naur", "Mary Shaw", "Ivan Sutherland", "Karen Spärck Jones",
}

func main() {
	binary := flag.String("bin", "bin/pairup", "the pairup binary to run")
	webDir := flag.String("web", "frontend/dist", "the built SPA to serve (PAIRUP_WEB_DIR)")
	watchStdin := flag.Bool("stdin", true, "also stop when standard input ends")
	flag.Parse()
	if err := run(*binary, *webDir, *watchStdin); err != nil {
		log.Fatalf("e2eserver: %v", err)
	}
}

func run(binary, webDir string, watchStdin bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// When the test runner dies, writing a log line to its closed pipe must not kill this program
	// (Go's default for SIGPIPE on stdout and stderr) before it has dropped the database.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)

	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dbURL, drop, err := createDatabase(ctx, admin)
	if err != nil {
		return err
	}
	defer drop()

	if err := seed(ctx, dbURL); err != nil {
		return err
	}

	base, shutdown, err := startServer(binary, dbURL, webDir)
	if err != nil {
		return err
	}
	defer shutdown()

	fmt.Printf("E2E_URL=%s\n", base)

	if watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	<-ctx.Done()
	return nil
}

// seed migrates the new database and loads the roster and the timetable.
func seed(ctx context.Context, dbURL string) error {
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := store.Migrate(ctx, st.Pool(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	hash, err := auth.HashPIN(pin, bcrypt.MinCost)
	if err != nil {
		return err
	}
	roster := make([]pairup.RosterEntry, len(names))
	for i, name := range names {
		roster[i] = pairup.RosterEntry{Line: i + 1, PINHash: hash, Student: pairup.Student{
			Number: fmt.Sprintf("%08d", firstNumber+i), Name: name, Role: pairup.RoleStudent,
		}}
	}
	if err := st.ImportRoster(ctx, roster); err != nil {
		return fmt.Errorf("seed roster: %w", err)
	}
	var slots []pairup.SlotEntry
	for _, day := range []int{20, 21} {
		for _, room := range []string{"CSSE 2.01", "EZONE 1.24"} {
			for _, minute := range []int{0, 15, 30} {
				slots = append(slots, pairup.SlotEntry{Line: len(slots) + 1, Slot: pairup.LabSlot{
					Room: room, StartsAt: time.Date(2027, 5, day, 10, minute, 0, 0, time.UTC), Capacity: 1,
				}})
			}
		}
	}
	if err := st.ImportSlots(ctx, slots); err != nil {
		return fmt.Errorf("seed slots: %w", err)
	}
	return nil
}

// createDatabase makes a throwaway database next to the one adminURL names; drop removes it.
func createDatabase(ctx context.Context, adminURL string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	name := fmt.Sprintf("pairup_e2e_%d", rand.Uint32())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			log.Printf("e2eserver: drop %s: %v", name, err)
		}
		conn.Close(ctx)
	}
	return u.String(), drop, nil
}

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "the database"
	}
	return p.Redacted()
}

// startServer runs the real binary on a random port and waits for its address. Its logs go to
// this program's standard error.
func startServer(binary, dbURL, webDir string) (string, func(), error) {
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PAIRUP_ADDR=127.0.0.1:0", "PAIRUP_WEB_DIR="+webDir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	var logs bytes.Buffer
	cmd.Stderr = io.MultiWriter(&logs, tolerant{os.Stderr})
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start %s: %w", binary, err)
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "pairup: serving on "); ok {
			go func() { _, _ = io.Copy(tolerant{os.Stderr}, out) }()
			return addr, stop, nil
		}
	}
	stop()
	return "", nil, errors.New("server did not start: " + logs.String())
}

// tolerant passes writes on and ignores their failure: a server's log lines must keep flowing
// (or the server would block or die) even when whoever read them has gone.
type tolerant struct{ w io.Writer }

func (t tolerant) Write(p []byte) (int, error) {
	_, _ = t.w.Write(p)
	return len(p), nil
}
