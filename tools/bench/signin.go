package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testfactory"
)

// signinConfig sizes the sign-in burst: a class signing in at 9:00 sharp.
type signinConfig struct {
	students   int           // signing in at the same instant
	instances  int           // servers they are spread over, round robin
	cost       int           // the servers' PAIRUP_PIN_COST
	storedCost int           // the stored hashes' bcrypt cost; 0: cost
	target     time.Duration // what p99 should stay under
	addrLimit  int           // the servers' PAIRUP_SIGNIN_ADDRESS_LIMIT; below 0: their default
}

// firstBurstStudent numbers the burst's students apart from the other benchmarks'.
const firstBurstStudent = 41000000

// signinBurst starts the instances on the database at the configured cost, seeds the students
// with hashes of the stored cost, and has every student post Basic credentials to
// /api/tokens at once (each waits on one start channel, closed when all are ready). Every
// request comes from 127.0.0.1, as a class behind one school NAT would (with the servers'
// default address limit unless told otherwise). It prints the latency percentiles and the total against the target.
func signinBurst(ctx context.Context, binary, dbURL string, st *store.Store, cfg signinConfig) error {
	stored := cfg.storedCost
	if stored == 0 {
		stored = cfg.cost
	}
	// The first server to start migrates the database; the students are seeded after.
	env := []string{fmt.Sprintf("PAIRUP_PIN_COST=%d", cfg.cost)}
	limitNote := "the default address limit"
	if cfg.addrLimit >= 0 {
		env = append(env, fmt.Sprintf("PAIRUP_SIGNIN_ADDRESS_LIMIT=%d", cfg.addrLimit))
		limitNote = fmt.Sprintf("PAIRUP_SIGNIN_ADDRESS_LIMIT=%d", cfg.addrLimit)
	}
	servers := make([]*server, cfg.instances)
	for i := range servers {
		var err error
		if servers[i], err = startServer(binary, dbURL, env...); err != nil {
			return err
		}
		defer servers[i].Stop()
	}
	hash, err := auth.PINs{Cost: stored}.Hash(benchPIN)
	if err != nil {
		return err
	}
	numbers, err := testfactory.New(st, service.New(st, time.Now), hash).
		Students(ctx, pairup.DefaultUnitCode, firstBurstStudent, cfg.students, "Burst Student")
	if err != nil {
		return fmt.Errorf("seed the burst's students: %w", err)
	}
	// Each student its own connection, as each browser would have.
	burstClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.students}}
	defer burstClient.CloseIdleConnections()

	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		latency  = make([]time.Duration, len(numbers))
		statuses = make([]int, len(numbers)) // 0: no answer
	)
	for i, number := range numbers {
		req, _ := http.NewRequest(http.MethodPost, servers[i%len(servers)].URL+"/api/tokens", nil)
		req.SetBasicAuth(number, benchPIN)
		wg.Go(func() {
			<-start
			t0 := time.Now()
			status, err := tokenRequest(burstClient, req)
			latency[i] = time.Since(t0)
			if err == nil {
				statuses[i] = status
			}
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	total := time.Since(t0)

	failed := map[string]int{}
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
		case 0:
			failed["no answer (or a 200 without a token)"]++
		default:
			failed[fmt.Sprint(s)]++
		}
	}
	slices.Sort(latency)
	p50, p99, worst := percentile(latency, 0.50), percentile(latency, 0.99), percentile(latency, 1)
	verdict := "met"
	if p99 >= cfg.target || len(failed) > 0 {
		verdict = "NOT MET"
	}
	storedNote := fmt.Sprintf("hashes stored at cost %d", stored)
	if stored != cfg.cost {
		storedNote += " (so each sign-in also rehashes)"
	}
	fmt.Printf("Sign-in burst: %d students at the same instant from one address (%s), round robin over %d instances; "+
		"PAIRUP_PIN_COST=%d, %s; %d CPUs on this machine for every instance\n\n",
		cfg.students, limitNote, cfg.instances, cfg.cost, storedNote, runtime.NumCPU())
	fmt.Printf("%-34s %8s %7s %9s %9s %9s %9s %12s %8s\n", "test", "sign-ins", "failed", "total", "p50", "p99", "max", "target", "result")
	nFailed := 0
	for _, n := range failed {
		nFailed += n
	}
	round := func(d time.Duration) string { return d.Round(time.Millisecond).String() }
	fmt.Printf("%-34s %8d %7d %9s %9s %9s %9s %12s %8s\n", fmt.Sprintf("sign-in burst, %d on %d instances", cfg.students, cfg.instances),
		len(numbers), nFailed, round(total), round(p50), round(p99), round(worst), "p99 < "+cfg.target.String(), verdict)
	if len(failed) > 0 {
		var parts []string
		for s, n := range failed {
			parts = append(parts, fmt.Sprintf("%d × %s", n, s))
		}
		slices.Sort(parts)
		fmt.Printf("failed sign-ins: %s\n", strings.Join(parts, ", "))
	}
	for i, s := range servers {
		if n, lines := s.logs.problemLines(); n > 0 {
			fmt.Printf("instance %d logged %d warnings or errors; the first:\n", i+1, n)
			for _, l := range lines {
				fmt.Println("  " + l)
			}
		}
	}
	return nil
}

// tokenRequest posts one sign-in and reads the answer: the status, and an error unless a 200
// carried a token.
func tokenRequest(c *http.Client, req *http.Request) (int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	var tok struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.Token == "" {
		return resp.StatusCode, fmt.Errorf("a 200 without a token: %v", err)
	}
	return resp.StatusCode, nil
}
