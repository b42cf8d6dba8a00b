package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testdb"
)

// ccTServe is `pairup serve` run by the test, which stops it itself.
type ccTServe struct {
	*testServer
	addr   string     // host:port
	cancel func()     // starts stopping the server, as SIGTERM does in main
	done   chan error // receives run's result once the server has been cancelled
}

// ccTStartServe runs `pairup serve` on 127.0.0.1:0 like startServer, but hands the test the
// means to stop it without waiting, and to watch for run returning.
func ccTStartServe(t *testing.T, dbURL string) *ccTServe {
	t.Helper()
	ts, stop := startServerWithStop(t, dbURL, nil)
	s := &ccTServe{testServer: ts, addr: strings.TrimPrefix(ts.URL, "http://"), done: make(chan error, 1)}
	var once sync.Once
	s.cancel = func() {
		once.Do(func() {
			go func() {
				s.done <- stop() // stop cancels run's context, then waits for run's result
				close(s.done)
			}()
		})
	}
	return s
}

// ccTEventually polls cond until it holds, failing the test after a deadline.
func ccTEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("%s: not within 30s", what)
		case <-tick.C:
		}
	}
}

func TestLifecycleGracefulShutdown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 1)
	s := ccTStartServe(t, f.DBURL)
	tok := signIn(t, s.testServer, studentNumber(0))
	slot := f.Labs[0].ID

	// Hold the slot's row: the booking's insert waits on it (its foreign-key check locks the row).
	holder := ccTLockRows(t, f, "SELECT id FROM lab_slots WHERE id = $1 FOR UPDATE", slot)
	result := make(chan *apitest.Response, 1)
	go func() {
		defer close(result)
		result <- s.Client.Do(ccTGoroutineTB{t}, "POST", "/api/students/"+studentNumber(0)+"/project", tok, map[string]any{
			"partnerNumber": studentNumber(1), "description": "Booked during shutdown", "lab_id": slot,
		})
	}()
	holder.waitBlocking(t, 1)

	// SIGTERM: the listener closes while the request is still in flight.
	s.cancel()
	ccTEventually(t, "the listener closes", func() bool {
		conn, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err != nil {
			return true
		}
		conn.Close()
		return false
	})
	select {
	case r := <-result:
		t.Fatalf("the blocked request finished before its lock was released: %+v", r)
	case err := <-s.done:
		t.Fatalf("run returned while a request was in flight: %v", err)
	default:
	}

	holder.release(t)
	select {
	case r := <-result:
		if r == nil {
			t.Fatal("the in-flight request failed")
		}
		if r.Status != 201 {
			t.Fatalf("in-flight request answered %d: %s", r.Status, r.Body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the in-flight request did not complete within 30s")
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("run returned %v, want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return within 30s of the last request")
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects WHERE lab_id = $1", slot); n != 1 {
		t.Fatalf("%d projects in the slot, want the in-flight one", n)
	}
}

func TestLifecycleHealth(t *testing.T) {
	t.Parallel()
	s := startServer(t, testdb.NewURL(t), nil)
	for _, path := range []string{"/api/health", "/api/health/"} {
		r := s.Client.Do(t, "GET", path, nil, nil)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		var body map[string]any
		r.JSON(t, &body)
		if len(body) != 1 || body["status"] != "ok" {
			t.Fatalf("GET %s: body %s", path, r.Body)
		}
	}
}

func TestLifecycleHealthWithoutDatabase(t *testing.T) {
	t.Parallel()
	dbURL := testdb.NewURL(t)
	s := startServer(t, dbURL, nil)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := pgx.Identifier{strings.TrimPrefix(u.Path, "/")}.Sanitize()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, testdb.AdminURL())
	if err != nil {
		t.Fatalf("connect to the maintenance database: %v", err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	allow := func(t *testing.T, ok bool) {
		t.Helper()
		if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH ALLOW_CONNECTIONS %t", name, ok)); err != nil {
			t.Fatalf("allow connections %t: %v", ok, err)
		}
	}
	health := func() int { return s.Client.Do(t, "GET", "/api/health", nil, nil).Status }
	if st := health(); st != 200 {
		t.Fatalf("health before: %d", st)
	}

	// The database goes away: no new connections, and the server's are cut.
	t.Cleanup(func() { allow(t, true) }) // runs before the database is dropped
	allow(t, false)
	ccTEventually(t, "the server's connections end", func() bool {
		var left int
		err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = $1 AND pid <> pg_backend_pid()`, strings.TrimPrefix(u.Path, "/")).Scan(&left)
		if err != nil {
			t.Fatal(err)
		}
		return left == 0
	})
	r := s.Client.Do(t, "GET", "/api/health", nil, nil)
	if r.Status != 503 {
		t.Fatalf("health without a database: %d %s", r.Status, r.Body)
	}
	if p := r.Problem(t); p.Detail == "" {
		t.Fatalf("503 without detail: %s", r.Body)
	}

	// It comes back on its own once the database does.
	allow(t, true)
	ccTEventually(t, "health recovers", func() bool { return health() == 200 })
}
