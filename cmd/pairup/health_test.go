package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testdb"
)

// opsTAdmin is a connection to the server's maintenance database, closed when the test ends.
func opsTAdmin(t *testing.T) *pgx.Conn {
	t.Helper()
	admin, err := pgx.Connect(context.Background(), testdb.AdminURL())
	if err != nil {
		t.Fatalf("connect to the maintenance database: %v", err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	return admin
}

// opsTDatabase is the name of the database a URL names.
func opsTDatabase(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// opsTListeners counts the event listener connections on the database.
func opsTListeners(t *testing.T, admin *pgx.Conn, db string) int {
	t.Helper()
	var n int
	if err := admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = $1 AND application_name = $2`, db, store.ListenerApplicationName).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// opsTHealth runs `pairup health` with args against the server at base (or with PAIRUP_ADDR
// unset when base is ""), returning what it printed and its error: nil is exit 0.
func opsTHealth(t *testing.T, addr string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := map[string]string{"PAIRUP_ADDR": addr}
	err := run(context.Background(), append([]string{"health"}, args...), func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func TestHealthReadyFollowsTheEventFeed(t *testing.T) {
	t.Parallel()
	dbURL := testdb.NewURL(t)
	s := startServer(t, dbURL, nil)
	admin := opsTAdmin(t)
	db := opsTDatabase(t, dbURL)
	status := func(path string) int { return s.Client.Do(t, "GET", path, nil, nil).Status }
	if live, ready := status("/api/health/live"), status("/api/health/ready"); live != 200 || ready != 200 {
		t.Fatalf("live %d, ready %d; want 200 and 200", live, ready)
	}
	if n := opsTListeners(t, admin, db); n != 1 {
		t.Fatalf("%d event listener connections named %s, want 1", n, store.ListenerApplicationName)
	}

	// Cut the listener's connection as often as it comes back (it reconnects within 100 ms), so
	// the feed stays down long enough for the test to see it, whatever the machine's load.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			_, _ = admin.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				WHERE datname = $1 AND application_name = $2`, db, store.ListenerApplicationName)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	halt := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		<-stopped
	}
	t.Cleanup(halt) // before admin closes: cleanups run last-in first-out
	ccTEventually(t, "ready answers 503 while the event feed is down", func() bool {
		r := s.Client.Do(t, "GET", "/api/health/ready", nil, nil)
		if r.Status != 503 {
			return false
		}
		if p := r.Problem(t); !strings.Contains(p.Detail, "event feed") {
			t.Errorf("503 detail %q does not say the event feed is down", p.Detail)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("503 without Retry-After: %v", r.Header)
		}
		return true
	})
	// The process still serves, and the database answers: only readiness reports the feed.
	if live := status("/api/health/live"); live != 200 {
		t.Errorf("live while the feed is down: %d", live)
	}
	if h := status("/api/health"); h != 200 {
		t.Errorf("/api/health (the database) while the feed is down: %d", h)
	}
	halt()
	// admin is free again (the killer is done with it).
	ccTEventually(t, "ready answers 200 once the listener is back", func() bool { return status("/api/health/ready") == 200 })
	if n := opsTListeners(t, admin, db); n != 1 {
		t.Errorf("ready, with %d event listener connections", n)
	}
	if live := status("/api/health/live"); live != 200 {
		t.Errorf("live after: %d", live)
	}
}

func TestHealthWithoutDatabase(t *testing.T) {
	t.Parallel()
	dbURL := testdb.NewURL(t)
	s := startServer(t, dbURL, nil)
	addr := strings.TrimPrefix(s.URL, "http://")
	admin := opsTAdmin(t)
	db := opsTDatabase(t, dbURL)
	ctx := context.Background()
	allow := func(ok bool) {
		t.Helper()
		if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH ALLOW_CONNECTIONS %t", pgx.Identifier{db}.Sanitize(), ok)); err != nil {
			t.Fatalf("allow connections %t: %v", ok, err)
		}
	}
	if out, err := opsTHealth(t, addr); err != nil || strings.TrimSpace(out) != "ready" {
		t.Fatalf("pairup health before: %v %q", err, out)
	}

	t.Cleanup(func() { allow(true) }) // runs before the database is dropped
	allow(false)
	ccTEventually(t, "the server's connections end", func() bool {
		var left int
		if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid()`, db).Scan(&left); err != nil {
			t.Fatal(err)
		}
		return left == 0
	})
	r := s.Client.Do(t, "GET", "/api/health/ready", nil, nil)
	if r.Status != 503 {
		t.Fatalf("ready without a database: %d %s", r.Status, r.Body)
	}
	if p := r.Problem(t); !strings.Contains(p.Detail, "database") {
		t.Errorf("503 detail %q does not name the database", p.Detail)
	}
	if ra := r.Header.Get("Retry-After"); ra == "" {
		t.Errorf("503 without Retry-After: %v", r.Header)
	}
	if live := s.Client.Do(t, "GET", "/api/health/live", nil, nil); live.Status != 200 {
		t.Errorf("live without a database: %d %s", live.Status, live.Body)
	}
	out, err := opsTHealth(t, addr)
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "database") {
		t.Errorf("pairup health without a database: %v (output %q), want a failure naming the 503 and the database", err, out)
	}
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Errorf("pairup health's reason is not one line: %q", err)
	}

	allow(true)
	ccTEventually(t, "ready recovers", func() bool {
		return s.Client.Do(t, "GET", "/api/health/ready", nil, nil).Status == 200
	})
	if _, err := opsTHealth(t, addr); err != nil {
		t.Errorf("pairup health after: %v", err)
	}
}

func TestHealthCommand(t *testing.T) {
	t.Parallel()
	s := startServer(t, testdb.NewURL(t), nil)
	addr := strings.TrimPrefix(s.URL, "http://")
	_, port, _ := net.SplitHostPort(addr)

	// PAIRUP_ADDR as the server has it: every address, then the loopback one.
	for _, a := range []string{":" + port, addr} {
		if out, err := opsTHealth(t, a); err != nil || strings.TrimSpace(out) != "ready" {
			t.Errorf("PAIRUP_ADDR=%s: %v, printed %q; want exit 0 and ready", a, err, out)
		}
	}
	if _, err := opsTHealth(t, "", "--url", s.URL+"/api/health/ready"); err != nil {
		t.Errorf("--url: %v", err)
	}
	// Another route's answer is not readiness.
	if _, err := opsTHealth(t, "", "--url", s.URL+"/api/no-such-route"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a 404: %v, want a failure naming it", err)
	}

	// Nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	if _, err := opsTHealth(t, closed); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("a closed port: %v, want connection refused", err)
	}
	for _, bad := range [][]string{{"--url", "ftp://x/"}, {"--timeout", "0s"}, {"extra"}} {
		if _, err := opsTHealth(t, addr, bad...); err == nil {
			t.Errorf("pairup health %v succeeded", bad)
		}
	}
	if _, err := opsTHealth(t, ":0"); err == nil || !strings.Contains(err.Error(), "PAIRUP_ADDR") {
		t.Errorf("PAIRUP_ADDR=:0: %v, want a failure naming PAIRUP_ADDR", err)
	}
}

func TestHealthReadyURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		":8080":           "http://127.0.0.1:8080/api/health/ready",
		"0.0.0.0:9000":    "http://127.0.0.1:9000/api/health/ready",
		"[::]:8080":       "http://127.0.0.1:8080/api/health/ready",
		"10.0.0.5:8080":   "http://10.0.0.5:8080/api/health/ready",
		"[::1]:8080":      "http://[::1]:8080/api/health/ready",
		"localhost:18080": "http://localhost:18080/api/health/ready",
	} {
		if got, err := readyURL(addr); err != nil || got != want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
	for _, addr := range []string{"", "8080", ":0"} {
		if got, err := readyURL(addr); err == nil {
			t.Errorf("readyURL(%q) = %q, want an error", addr, got)
		}
	}
}
