// Command bench is Pair-Up's load driver (`make bench`). It creates a throwaway database, starts
// the real server binary on it, seeds a roster, and measures through HTTP: GET /api/projects
// with 200 teams, GET /api/labs, and a burst of 100 concurrent bookings. It prints requests/s
// and latency percentiles, then stops the server and drops the database.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

func main() {
	binary := flag.String("bin", "bin/pairup", "the pairup binary to benchmark")
	duration := flag.Duration("d", 5*time.Second, "how long each read benchmark runs")
	workers := flag.Int("c", 32, "concurrent clients for the read benchmarks")
	flag.Parse()
	if err := run(*binary, *duration, *workers); err != nil {
		log.Fatal(err)
	}
}

const (
	teams    = 200
	burst    = 100
	benchPIN = "1234"
)

func run(binary string, duration time.Duration, workers int) error {
	ctx := context.Background()
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dbURL, drop, err := createDatabase(ctx, admin)
	if err != nil {
		return err
	}
	defer drop()

	base, stop, err := startServer(binary, dbURL)
	if err != nil {
		return err
	}
	defer stop()

	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	students := 2*teams + 2*burst
	if err := seed(ctx, st, students, teams+burst); err != nil {
		return err
	}
	labs, err := st.AvailableLabs(ctx)
	if err != nil {
		return err
	}

	tokens := make([]string, students)
	for i := range tokens {
		if tokens[i], err = signIn(base, number(i)); err != nil {
			return err
		}
	}
	for i := range teams {
		status, err := book(base, tokens[2*i], number(2*i), number(2*i+1), labs[i].ID)
		if err != nil || status != http.StatusCreated {
			return fmt.Errorf("seed team %d: status %d: %v", i, status, err)
		}
	}

	fmt.Printf("Pair-Up benchmark: %d teams, %d free slots, %d clients, %s per read test\n\n", teams, burst, workers, duration)
	fmt.Printf("%-34s %10s %9s %9s %9s\n", "test", "requests", "req/s", "p50", "p99")
	for _, path := range []string{"/api/projects", "/api/labs"} {
		res := readLoad(base+path, tokens[0], duration, workers)
		res.print("GET " + path)
	}

	// The burst: 100 new pairs book 100 free slots at the same instant.
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		mu      sync.Mutex
		latency []time.Duration
		failed  int
	)
	for i := range burst {
		a, b := 2*teams+2*i, 2*teams+2*i+1
		wg.Go(func() {
			<-start
			t0 := time.Now()
			status, err := book(base, tokens[a], number(a), number(b), labs[teams+i].ID)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			latency = append(latency, d)
			if err != nil || status != http.StatusCreated {
				failed++
			}
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	res := result{n: len(latency), elapsed: time.Since(t0), latency: latency, errors: failed}
	res.print(fmt.Sprintf("burst of %d concurrent bookings", burst))
	return nil
}

type result struct {
	n       int
	errors  int
	elapsed time.Duration
	latency []time.Duration
}

func (r result) print(name string) {
	slices.Sort(r.latency)
	pct := func(p float64) time.Duration {
		if len(r.latency) == 0 {
			return 0
		}
		return r.latency[min(len(r.latency)-1, int(p*float64(len(r.latency))))]
	}
	fmt.Printf("%-34s %10d %9.0f %9s %9s", name, r.n, float64(r.n)/r.elapsed.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
	if r.errors > 0 {
		fmt.Printf("  (%d failed)", r.errors)
	}
	fmt.Println()
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}

func readLoad(target, token string, duration time.Duration, workers int) result {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		res      result
		deadline = time.Now().Add(duration)
	)
	t0 := time.Now()
	for range workers {
		wg.Go(func() {
			var local []time.Duration
			errs := 0
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				s := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				local = append(local, time.Since(s))
				if err != nil || resp.StatusCode != http.StatusOK {
					errs++
				}
			}
			mu.Lock()
			res.latency = append(res.latency, local...)
			res.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(t0)
	res.n = len(res.latency)
	return res
}

func number(i int) string { return fmt.Sprintf("%08d", 40000000+i) }

func seed(ctx context.Context, st *store.Store, students, slots int) error {
	// The cheapest bcrypt cost: the benchmark measures the API, not PIN hashing.
	hash, err := auth.HashPIN(benchPIN, bcrypt.MinCost)
	if err != nil {
		return err
	}
	roster := make([]pairup.RosterEntry, students)
	for i := range roster {
		roster[i] = pairup.RosterEntry{Line: i + 1, PINHash: hash, Student: pairup.Student{
			Number: number(i), Name: fmt.Sprintf("Bench Student %d", i), Role: pairup.RoleStudent,
		}}
	}
	if err := st.ImportRoster(ctx, roster); err != nil {
		return fmt.Errorf("seed roster: %w", err)
	}
	start := time.Date(2027, 5, 17, 9, 0, 0, 0, time.UTC)
	entries := make([]pairup.SlotEntry, slots)
	for i := range entries {
		entries[i] = pairup.SlotEntry{Line: i + 1, Slot: pairup.LabSlot{
			Room: fmt.Sprintf("Room %d", i%4), StartsAt: start.Add(time.Duration(i/4) * 5 * time.Minute), Capacity: 1,
		}}
	}
	if err := st.ImportSlots(ctx, entries); err != nil {
		return fmt.Errorf("seed slots: %w", err)
	}
	return nil
}

func signIn(base, number string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, base+"/api/tokens", nil)
	req.SetBasicAuth(number, benchPIN)
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		return "", fmt.Errorf("sign in %s: status %d", number, resp.StatusCode)
	}
	return tok.Token, nil
}

func book(base, token, creator, partner string, labID int64) (int, error) {
	body, _ := json.Marshal(map[string]any{"partnerNumber": partner, "description": "Benchmark project", "lab_id": labID})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/students/"+creator+"/project", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// createDatabase makes a throwaway database next to the one adminURL names.
func createDatabase(ctx context.Context, adminURL string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect to %s: %w", redact(adminURL), err)
	}
	name := fmt.Sprintf("pairup_bench_%d", rand.Uint32())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	drop := func() {
		_, err := conn.Exec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)")
		if err != nil {
			log.Printf("drop %s: %v", name, err)
		}
		conn.Close(context.Background())
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

// startServer runs the real binary on a random port and waits for its address.
func startServer(binary, dbURL string) (string, func(), error) {
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "PAIRUP_ADDR=127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start %s: %w", binary, err)
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "pairup: serving on "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return addr, stop, nil
		}
	}
	stop()
	return "", nil, fmt.Errorf("server did not start: %s", logs.String())
}
