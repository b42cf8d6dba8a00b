package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testdb"
	"github.com/pairup/pairup/internal/testfactory"
)

// testSecret signs tokens in tests that forge or expire them by hand.
const testSecret = "test-secret-that-is-at-least-32-bytes-long"

// testServer is the whole program serving on a random port.
type testServer struct {
	URL    string
	Client *apitest.Client
	// MetricsURL is http://host:port of the metrics listener, when the test set
	// PAIRUP_METRICS_ADDR.
	MetricsURL string
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
			// Many servers run at once in the suite: a small pool each keeps them all within
			// the Postgres server's connection limit.
			if !strings.Contains(dbURL, "pool_max_conns") {
				sep := "?"
				if strings.Contains(dbURL, "?") {
					sep = "&"
				}
				return dbURL + sep + "pool_max_conns=8"
			}
			return dbURL
		case "PAIRUP_ADDR":
			return "127.0.0.1:0"
		case "PAIRUP_PIN_COST":
			// The fixtures' hashes are of bcrypt's cheapest cost (testPINHash): a server at that
			// cost, unless the test says otherwise, does not rehash them at every first sign-in.
			if v, ok := env[k]; ok {
				return v
			}
			return strconv.Itoa(bcrypt.MinCost)
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
	addr, metrics := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "pairup: serving on "); ok {
				addr <- u
			}
			if u, ok := strings.CutPrefix(sc.Text(), "pairup: metrics on "); ok {
				metrics <- u
			}
		}
		close(addr)
		close(metrics)
	}()
	var base, metricsURL string
	deadline := time.After(30 * time.Second)
	addrC, metricsC := addr, metrics // each set to nil once read, so the select waits for the other
	for base == "" || env["PAIRUP_METRICS_ADDR"] != "" && metricsURL == "" {
		select {
		case u, ok := <-addrC:
			if !ok {
				t.Fatalf("server did not start: %v", stop())
			}
			base, addrC = u, nil
		case u, ok := <-metricsC:
			if !ok {
				t.Fatalf("server did not start: %v", stop())
			}
			metricsURL, metricsC = u, nil
		case <-deadline:
			cancel()
			t.Fatalf("server did not report its addresses within 30s: API %q, metrics %q", base, metricsURL)
		}
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("server shut down with error: %v", err)
		}
	})
	return &testServer{URL: base, Client: apitest.New(t, base), MetricsURL: metricsURL}, stop
}

// testLogWriter sends the server's log lines to the test log, shown only on failure or -v.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// fixture is a database with a roster and lab slots in the default unit, for one test.
type fixture struct {
	DBURL   string
	Store   *store.Store
	Service *service.Service
	Make    *testfactory.Factory
	Labs    []pairup.LabSlot // in time order
}

// The PIN every test student has.
const testPIN = "2468"

var (
	hashOnce sync.Once
	pinHash  string
)

// testPINHash is testPIN hashed at bcrypt's cheapest cost: it keeps seeding fast, and the server
// checks whatever cost is stored.
func testPINHash() string {
	hashOnce.Do(func() {
		h, err := auth.PINs{Cost: bcrypt.MinCost}.Hash(testPIN)
		if err != nil {
			panic(err)
		}
		pinHash = h
	})
	return pinHash
}

// slotDay is the first day of the fixtures' slots: a week after today, so they are never in the
// past (the server's clock is the real one).
func slotDay() time.Time {
	now := time.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day()+7, 17, 15, 0, 0, time.UTC)
}

// newFixture makes a database with students s0..s(n-1) (numbers 30000000+i) and one
// coordinator (39999999) in the default unit (pairs, always open, UTC), and the given number of
// lab slots of capacity 1, five minutes apart from slotDay.
func newFixture(t *testing.T, students, slots int) *fixture {
	t.Helper()
	pool, url := testdb.New(t)
	st := store.New(pool)
	svc := service.New(st, time.Now)
	f := &fixture{DBURL: url, Store: st, Service: svc, Make: testfactory.New(st, svc, testPINHash())}
	ctx := context.Background()
	people := []testfactory.Person{{Number: adminNumber, Name: "Coordinator", Role: pairup.RoleCoordinator}}
	for i := range students {
		people = append(people, testfactory.Person{Number: studentNumber(i), Name: fmt.Sprintf("Student %d", i)})
	}
	if err := f.Make.Enrol(ctx, pairup.DefaultUnitCode, people...); err != nil {
		t.Fatalf("seed roster: %v", err)
	}
	labs, err := f.Make.Session(ctx, pairup.DefaultUnitCode, "CSSE 2.01", slotDay(), slots, 5*time.Minute, 1)
	if err != nil {
		t.Fatalf("seed slots: %v", err)
	}
	f.Labs = labs
	return f
}

// team forms a team in the default unit through the use case, as the command line would.
func (f *fixture) team(t *testing.T, creator string, partners []string, lab int64) pairup.Project {
	t.Helper()
	p, err := f.Make.Team(context.Background(), pairup.DefaultUnitCode, creator, partners, lab, "")
	if err != nil {
		t.Fatalf("form team of %s with %v: %v", creator, partners, err)
	}
	return p
}

// cli is the command line's standing in the default unit.
func (f *fixture) cli(t *testing.T) service.Access {
	t.Helper()
	acc, err := f.Service.Access(context.Background(), service.CommandLine, "")
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// projectOf reads the student's team in the default unit (ENOTFOUND when none).
func (f *fixture) projectOf(t *testing.T, number string) (pairup.Project, error) {
	t.Helper()
	return f.Service.ProjectOf(context.Background(), f.cli(t), number)
}

// bookable lists the default unit's free slots.
func (f *fixture) bookable(t *testing.T) []pairup.LabSlot {
	t.Helper()
	labs, err := f.Service.BookableLabs(context.Background(), f.cli(t))
	if err != nil {
		t.Fatal(err)
	}
	return labs
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
