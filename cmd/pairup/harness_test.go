package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testdb"
)

// testSecret signs tokens in tests that forge or expire them by hand.
const testSecret = "test-secret-that-is-at-least-32-bytes-long"

// testServer is the whole program serving on a random port.
type testServer struct {
	URL    string
	Client *apitest.Client
}

// startServer runs `pairup serve` on 127.0.0.1:0 against dbURL until the test ends, then stops
// it as SIGTERM would and checks that it shut down cleanly.
func startServer(t *testing.T, dbURL string, env map[string]string) *testServer {
	t.Helper()
	s, _ := startServerWithStop(t, dbURL, env)
	return s
}

// startServerWithStop is startServer that also returns stop, which shuts the server down as
// SIGTERM would (cancelling run's context) and returns what run returned. Stopping twice returns
// the same result. Whether or not the test stops it, the server is stopped when the test ends and
// the test fails if it did not shut down cleanly.
func startServerWithStop(t *testing.T, dbURL string, env map[string]string) (*testServer, func() error) {
	t.Helper()
	getenv := func(k string) string {
		switch k {
		case "DATABASE_URL":
			return dbURL
		case "PAIRUP_ADDR":
			return "127.0.0.1:0"
		}
		return env[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve"}, getenv, stdoutW, testLogWriter{t})
		stdoutW.CloseWithError(fmt.Errorf("server stopped: %v", err))
		done <- err
	}()
	var (
		once   sync.Once
		runErr error
	)
	stop := func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "pairup: serving on "); ok {
				addr <- u
			}
		}
		close(addr)
	}()
	var base string
	select {
	case u, ok := <-addr:
		if !ok {
			t.Fatalf("server did not start: %v", stop())
		}
		base = u
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("server did not report its address within 30s")
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("server shut down with error: %v", err)
		}
	})
	return &testServer{URL: base, Client: apitest.New(t, base)}, stop
}

// testLogWriter sends the server's log lines to the test log, shown only on failure or -v.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// fixture is a database with a roster and lab slots, for one test.
type fixture struct {
	DBURL string
	Store *store.Store
	Labs  []pairup.LabSlot // in time order
}

// The PIN every test student has.
const testPIN = "2468"

var (
	hashOnce sync.Once
	pinHash  string
)

// newFixture makes a database with students s0..s(n-1) (numbers 30000000+i), one admin
// (39999999) and the given lab slots (capacity 1 each unless caps says otherwise).
func newFixture(t *testing.T, students, slots int) *fixture {
	t.Helper()
	pool, url := testdb.New(t)
	st := store.New(pool)
	hashOnce.Do(func() {
		// The cheapest cost keeps seeding fast; the server checks whatever cost is stored.
		h, err := auth.HashPIN(testPIN, bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		pinHash = h
	})
	roster := []pairup.RosterEntry{{Line: 1, PINHash: pinHash, Student: pairup.Student{Number: adminNumber, Name: "Coordinator", Role: pairup.RoleAdmin}}}
	for i := range students {
		roster = append(roster, pairup.RosterEntry{Line: i + 2, PINHash: pinHash, Student: pairup.Student{
			Number: studentNumber(i), Name: fmt.Sprintf("Student %d", i), Role: pairup.RoleStudent,
		}})
	}
	ctx := context.Background()
	if err := st.ImportRoster(ctx, roster); err != nil {
		t.Fatalf("seed roster: %v", err)
	}
	var entries []pairup.SlotEntry
	start := time.Date(2027, 5, 17, 17, 15, 0, 0, time.UTC)
	for i := range slots {
		entries = append(entries, pairup.SlotEntry{Line: i + 1, Slot: pairup.LabSlot{
			Room: "CSSE 2.01", StartsAt: start.Add(time.Duration(i) * 5 * time.Minute), Capacity: 1,
		}})
	}
	if err := st.ImportSlots(ctx, entries); err != nil {
		t.Fatalf("seed slots: %v", err)
	}
	labs, err := st.AvailableLabs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{DBURL: url, Store: st, Labs: labs}
}

const adminNumber = "39999999"

func studentNumber(i int) string { return fmt.Sprintf("%08d", 30000000+i) }

// signIn gets a token for the student through the API.
func signIn(t *testing.T, s *testServer, number string) apitest.Bearer {
	t.Helper()
	r := s.Client.Do(t, "POST", "/api/tokens", apitest.Basic{User: number, Password: testPIN}, nil)
	if r.Status != 200 {
		t.Fatalf("sign in %s: %d %s", number, r.Status, r.Body)
	}
	var tok struct{ Token string }
	r.JSON(t, &tok)
	return apitest.Bearer(tok.Token)
}

// project is the API's project as tests read it.
type project struct {
	Pid         int64  `json:"pid"`
	Team        string `json:"team"`
	Description string `json:"description"`
	LabID       int64  `json:"lab_id"`
	Lab         string `json:"lab"`
	Members     []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"members"`
}

// createProject creates a project through the API and fails the test unless it answers 201.
func createProject(t *testing.T, s *testServer, tok apitest.Bearer, creator, partner string, labID int64) project {
	t.Helper()
	r := s.Client.Do(t, "POST", "/api/students/"+creator+"/project", tok, map[string]any{
		"partnerNumber": partner, "description": "Project of " + creator, "lab_id": labID,
	})
	if r.Status != 201 {
		t.Fatalf("create project: %d %s", r.Status, r.Body)
	}
	var p project
	r.JSON(t, &p)
	return p
}
