// Command bench is Pair-Up's load driver (`make bench`). It creates a throwaway database, starts
// the real server binary on it, seeds a roster, and measures through HTTP: GET /api/projects
// with 200 teams, GET /api/labs, and a burst of 100 concurrent bookings. It prints requests/s
// and latency percentiles. Then it opens 1,000 WebSocket clients on the one server, makes 100
// bookings one after another and times each booking's push to every client, then a second
// burst of 100 bookings while the clients listen, and reads the server's memory from /proc.
// Then it stops the server (timing the graceful close of the sockets). Last comes the sign-in
// burst: 500 students signing in at the same instant on two more instances, at the configured
// bcrypt cost, against the target p99 < 2 s (-scenario signin runs that alone). It drops the
// database at the end.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testfactory"
	"github.com/pairup/pairup/internal/throwaway"
)

func main() {
	binary := flag.String("bin", "bin/pairup", "the pairup binary to benchmark")
	duration := flag.Duration("d", 5*time.Second, "how long each read benchmark runs")
	workers := flag.Int("c", 32, "concurrent clients for the read benchmarks")
	var rt realtimeConfig
	flag.IntVar(&rt.clients, "ws", 1000, "WebSocket clients for the realtime benchmark")
	flag.IntVar(&rt.perStudent, "ws-per-student", 10, "WebSocket clients sharing one student's token")
	flag.IntVar(&rt.bookings, "bookings", 100, "bookings made one after another while the clients listen")
	scenario := flag.String("scenario", "all", "all: every benchmark; signin: the sign-in burst alone")
	var si signinConfig
	flag.IntVar(&si.students, "signin-students", 500, "students signing in at the same instant in the sign-in burst")
	flag.IntVar(&si.instances, "signin-instances", 2, "server instances the sign-in burst is spread over")
	flag.IntVar(&si.cost, "pin-cost", auth.DefaultPINCost, "PAIRUP_PIN_COST of the sign-in burst's servers")
	flag.IntVar(&si.storedCost, "signin-stored-cost", 0, "bcrypt cost of the burst's stored hashes (0: -pin-cost; another: every sign-in also rehashes)")
	flag.DurationVar(&si.target, "signin-target", 2*time.Second, "the sign-in burst's target p99")
	flag.IntVar(&si.addrLimit, "signin-address-limit", -1, "PAIRUP_SIGNIN_ADDRESS_LIMIT of the sign-in burst's servers (below 0: their default)")
	flag.Parse()
	if *scenario != "all" && *scenario != "signin" {
		log.Fatalf("-scenario %q: want all or signin", *scenario)
	}
	if err := run(*binary, *scenario, *duration, *workers, rt, si); err != nil {
		log.Fatal(err)
	}
}

const (
	teams    = 200
	burst    = 100
	benchPIN = "1234"
)

func run(binary, scenario string, duration time.Duration, workers int, rt realtimeConfig, si signinConfig) error {
	if rt.clients < 1 || rt.perStudent < 1 || rt.bookings < 1 {
		return fmt.Errorf("-ws, -ws-per-student and -bookings must be positive")
	}
	if si.students < 1 || si.instances < 1 {
		return fmt.Errorf("-signin-students and -signin-instances must be positive")
	}
	fdLimit, err := raiseFileLimit()
	if err != nil {
		return err
	}
	ctx := context.Background()
	admin := os.Getenv("DATABASE_URL")
	if admin == "" {
		admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	dbURL, drop, err := throwaway.CreateDatabase(ctx, admin, "pairup_bench_")
	if err != nil {
		return err
	}
	defer func() {
		if err := drop(); err != nil {
			log.Print(err)
		}
	}()

	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	if scenario == "all" {
		if err := apiBenchmarks(ctx, binary, dbURL, st, duration, workers, rt, fdLimit); err != nil {
			return err
		}
		fmt.Println()
	}
	return signinBurst(ctx, binary, dbURL, st, si)
}

// apiBenchmarks runs the read, booking and realtime benchmarks on one server.
func apiBenchmarks(ctx context.Context, binary, dbURL string, st *store.Store, duration time.Duration, workers int,
	rt realtimeConfig, fdLimit uint64) error {
	// The seeded hashes are of the cheapest cost and so is the server's: these benchmarks
	// measure the API, not PIN hashing (the sign-in burst does that). The realtime clients share
	// tokens, -ws-per-student sockets each, which the server must allow one person.
	srv, err := startServer(binary, dbURL, fmt.Sprintf("PAIRUP_PIN_COST=%d", bcrypt.MinCost),
		fmt.Sprintf("PAIRUP_MAX_SOCKETS_PER_PERSON=%d", max(rt.perStudent, 8)))
	if err != nil {
		return err
	}
	defer srv.Stop()
	base := srv.URL
	// Pairs for the seeded teams, the burst, and the bookings made while the sockets listen (one
	// by one, then a second burst); the slots for the last come later, so the read tests see the
	// same free slots as before.
	students := 2*teams + 2*burst + 2*(rt.bookings+burst)
	if err := seed(ctx, st, students, teams+burst); err != nil {
		return err
	}
	labs, err := st.BookableLabs(ctx, pairup.DefaultUnitCode, time.Now())
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
		status, _, err := book(base, tokens[2*i], number(2*i), number(2*i+1), labs[i].ID)
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

	// One socket listens through the burst, so that the realtime benchmark can start once the
	// server has pushed all of it.
	probe, err := dialClient(base, tokens[0])
	if err != nil {
		return err
	}
	probed := newDeliveries(1)
	go probe.listen(probed)

	// The burst: 100 new pairs book 100 free slots at the same instant.
	var (
		wg      sync.WaitGroup
		start   = make(chan struct{})
		mu      sync.Mutex
		latency []time.Duration
		pids    []int64
		failed  int
	)
	for i := range burst {
		a, b := 2*teams+2*i, 2*teams+2*i+1
		wg.Go(func() {
			<-start
			t0 := time.Now()
			status, pid, err := book(base, tokens[a], number(a), number(b), labs[teams+i].ID)
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			latency = append(latency, d)
			if err != nil || status != http.StatusCreated {
				failed++
			} else {
				pids = append(pids, pid)
			}
		})
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	res := result{n: len(latency), elapsed: time.Since(t0), latency: latency, errors: failed}
	res.print(fmt.Sprintf("burst of %d concurrent bookings", burst))
	if err := probed.await(pids, 30*time.Second); err != nil {
		return fmt.Errorf("the burst's pushes: %w", err)
	}
	probe.conn.Close(websocket.StatusNormalClosure, "")

	// The realtime benchmark: the first students' tokens, shared by several sockets each, and
	// pairs after the burst's for the bookings.
	students = (rt.clients + rt.perStudent - 1) / rt.perStudent
	if students > len(tokens) {
		return fmt.Errorf("%d clients with %d per student need %d signed-in students; there are %d",
			rt.clients, rt.perStudent, students, len(tokens))
	}
	fmt.Printf("\nRealtime: %d WebSocket clients on the one instance (%d students, up to %d sockets each); "+
		"%d bookings one after another, then a burst of %d; open files limit %d (the server inherits it)\n\n",
		rt.clients, students, rt.perStudent, rt.bookings, burst, fdLimit)
	if err := seedSlots(ctx, st, teams+burst, rt.bookings+burst); err != nil {
		return err
	}
	if labs, err = st.BookableLabs(ctx, pairup.DefaultUnitCode, time.Now()); err != nil {
		return err
	}
	if len(labs) < rt.bookings+burst {
		return fmt.Errorf("%d free slots for %d bookings", len(labs), rt.bookings+burst)
	}
	pairs := make([]booking, rt.bookings+burst)
	for i := range pairs {
		a := 2*teams + 2*burst + 2*i
		pairs[i] = booking{token: tokens[a], creator: number(a), partner: number(a + 1), lab: labs[i].ID}
	}
	return realtime(srv, tokens[:students], pairs[:rt.bookings], pairs[rt.bookings:], rt)
}

type result struct {
	n       int
	errors  int
	elapsed time.Duration
	latency []time.Duration
}

func (r result) print(name string) {
	slices.Sort(r.latency)
	fmt.Printf("%-34s %10d %9.0f %9s %9s", name, r.n, float64(r.n)/r.elapsed.Seconds(),
		percentile(r.latency, 0.50).Round(10*time.Microsecond), percentile(r.latency, 0.99).Round(10*time.Microsecond))
	if r.errors > 0 {
		fmt.Printf("  (%d failed)", r.errors)
	}
	fmt.Println()
}

// percentile reads the p-th percentile (0..1) from sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
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
	hash, err := auth.PINs{Cost: bcrypt.MinCost}.Hash(benchPIN)
	if err != nil {
		return err
	}
	f := testfactory.New(st, service.New(st, time.Now), hash)
	if _, err := f.Students(ctx, pairup.DefaultUnitCode, 40000000, students, "Bench Student"); err != nil {
		return fmt.Errorf("seed roster: %w", err)
	}
	return seedSlots(ctx, st, 0, slots)
}

// seedSlots adds n one-pair slots, numbered from first, four rooms every five minutes, from a
// week after today.
func seedSlots(ctx context.Context, st *store.Store, first, n int) error {
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month(), now.Day()+7, 9, 0, 0, 0, time.UTC)
	slots := make([]pairup.LabSlot, n)
	for j := range slots {
		i := first + j
		slots[j] = pairup.LabSlot{Room: fmt.Sprintf("Room %d", i%4), StartsAt: start.Add(time.Duration(i/4) * 5 * time.Minute), Capacity: 1}
	}
	f := testfactory.New(st, service.New(st, time.Now), "")
	if _, err := f.Slots(ctx, pairup.DefaultUnitCode, slots...); err != nil {
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

// book creates a project and returns the status and, on 201, the project's id.
func book(base, token, creator, partner string, labID int64) (int, int64, error) {
	resp, err := client.Do(bookingRequest(base, token, creator, partner, labID))
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	var p struct{ Pid int64 }
	if resp.StatusCode == http.StatusCreated {
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			return resp.StatusCode, 0, fmt.Errorf("decode the project: %w", err)
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, p.Pid, nil
}

func bookingRequest(base, token, creator, partner string, labID int64) *http.Request {
	body, _ := json.Marshal(map[string]any{"partnerNumber": partner, "description": "Benchmark project", "lab_id": labID})
	req, _ := http.NewRequest(http.MethodPost, base+"/api/students/"+creator+"/project", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// server is the pairup process under test.
type server struct {
	*throwaway.Server
	logs *serverLog
}

// startServer runs the real binary on a random port and waits for its address. The Go runtime
// traces every garbage collection to its stderr (GODEBUG=gctrace=1), which serverLog reads for
// the live heap and goroutine stacks.
func startServer(binary, dbURL string, env ...string) (*server, error) {
	godebug := "gctrace=1"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + "," + godebug
	}
	logs := &serverLog{}
	s, err := throwaway.StartServer(binary, dbURL, throwaway.Options{Env: append([]string{"GODEBUG=" + godebug}, env...), Stderr: logs})
	if err != nil {
		return nil, err
	}
	return &server{Server: s, logs: logs}, nil
}

// serverLog takes the server's stderr: it keeps the latest GC trace, and the warnings and errors
// the server logged.
type serverLog struct {
	mu       sync.Mutex
	partial  []byte
	gc       gcTrace
	problems []string // level=WARN and level=ERROR lines, the first few
	nProblem int
}

// gcTrace is one line of GODEBUG=gctrace=1 output.
type gcTrace struct {
	n        int // how many collections so far
	liveMB   int // heap live after the collection
	stacksMB int // goroutine stacks scanned
	seen     bool
}

var gcLine = regexp.MustCompile(`^gc (\d+) @.* \d+->\d+->(\d+) MB, \d+ MB goal, (\d+) MB stacks`)

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	return len(p), nil
}

func (l *serverLog) line(line string) {
	if m := gcLine.FindStringSubmatch(line); m != nil {
		atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
		l.gc = gcTrace{n: atoi(m[1]), liveMB: atoi(m[2]), stacksMB: atoi(m[3]), seen: true}
		return
	}
	if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
		l.nProblem++
		if len(l.problems) < 10 {
			l.problems = append(l.problems, line)
		}
	}
}

func (l *serverLog) lastGC() gcTrace {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gc
}

// resetProblems forgets the warnings and errors logged so far.
func (l *serverLog) resetProblems() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nProblem, l.problems = 0, nil
}

func (l *serverLog) problemLines() (int, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nProblem, slices.Clone(l.problems)
}

// raiseFileLimit lifts the soft limit on open files to the hard one: 1,000 sockets need 1,000
// descriptors here and as many in the server. Calling Setrlimit explicitly also makes Go pass
// the raised limit on to the server process it starts (it otherwise restores the original soft
// limit for children).
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("read the open files limit: %w", err)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("raise the open files limit: %w", err)
	}
	return lim.Cur, nil
}

// realtimeConfig sizes the realtime benchmark.
type realtimeConfig struct {
	clients    int // WebSocket clients on the one instance
	perStudent int // clients sharing one student's token
	bookings   int // bookings made one after another
}

// booking is one pair that books a slot during the realtime benchmark.
type booking struct {
	token, creator, partner string
	lab                     int64
}

// deliveries records when each project.changed push arrived, per project, at every client.
type deliveries struct {
	mu    sync.Mutex
	open  int // clients still connected
	byPid map[int64]*delivery
}

type delivery struct {
	at   []time.Time
	done chan struct{} // closed once every client still connected has the push
}

func newDeliveries(clients int) *deliveries {
	return &deliveries{open: clients, byPid: map[int64]*delivery{}}
}

func (d *deliveries) get(pid int64) *delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.getLocked(pid)
}

func (d *deliveries) getLocked(pid int64) *delivery {
	e, ok := d.byPid[pid]
	if !ok {
		e = &delivery{done: make(chan struct{})}
		d.byPid[pid] = e
		d.check(e)
	}
	return e
}

// check closes done once the push has reached every client still connected.
func (d *deliveries) check(e *delivery) {
	select {
	case <-e.done:
	default:
		if len(e.at) >= d.open {
			close(e.done)
		}
	}
}

func (d *deliveries) record(pid int64, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.getLocked(pid)
	e.at = append(e.at, at)
	d.check(e)
}

// gone counts a client out: pushes it never got no longer wait for it.
func (d *deliveries) gone() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.open--
	for _, e := range d.byPid {
		d.check(e)
	}
}

func (d *deliveries) times(pid int64) []time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.getLocked(pid).at)
}

// await waits until every client still connected has each project's push.
func (d *deliveries) await(pids []int64, timeout time.Duration) error {
	deadline := time.After(timeout)
	for _, pid := range pids {
		select {
		case <-d.get(pid).done:
		case <-deadline:
			d.mu.Lock()
			defer d.mu.Unlock()
			return fmt.Errorf("pid %d: %d of %d connected clients had its push after %s",
				pid, len(d.getLocked(pid).at), d.open, timeout)
		}
	}
	return nil
}

// wsClient is one benchmark socket; it reads until the server closes it.
type wsClient struct {
	conn   *websocket.Conn
	closed chan struct{}
	err    error // why reading stopped, set before closed is closed
}

// listen reads every frame, noting when each project.changed push arrives. The clock is read
// first, before any decoding.
func (c *wsClient) listen(d *deliveries) {
	defer close(c.closed)
	defer d.gone()
	marker := []byte(`"project.changed"`)
	for {
		_, data, err := c.conn.Read(context.Background())
		at := time.Now()
		if err != nil {
			c.err = err
			return
		}
		if !bytes.Contains(data, marker) {
			continue
		}
		var f struct {
			Type    string `json:"type"`
			Project struct {
				Pid int64 `json:"pid"`
			} `json:"project"`
		}
		if json.Unmarshal(data, &f) == nil && f.Type == "project.changed" {
			d.record(f.Project.Pid, at)
		}
	}
}

// closeReason says how a client's socket ended, or "" while it is open.
func (c *wsClient) closeReason() string {
	select {
	case <-c.closed:
	default:
		return ""
	}
	var ce websocket.CloseError
	if errors.As(c.err, &ce) {
		return fmt.Sprintf("%d %q", int(ce.Code), ce.Reason)
	}
	return "no close frame"
}

// dialClient opens /api/ws with the token in the subprotocol list and waits for "ready", which
// the protocol sends first; after it the server pushes every change to the client.
func dialClient(base, token string) (*wsClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u := "ws" + strings.TrimPrefix(base, "http") + "/api/ws"
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{Subprotocols: []string{"pairup.v1", "bearer." + token}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		return nil, fmt.Errorf("dial /api/ws: status %d: %w", status, err)
	}
	_, data, err := conn.Read(ctx)
	if err != nil {
		conn.CloseNow()
		return nil, fmt.Errorf("wait for ready: %w", err)
	}
	var f struct{ Type string }
	if json.Unmarshal(data, &f) != nil || f.Type != "ready" {
		conn.CloseNow()
		return nil, fmt.Errorf("first frame %s, want ready", data)
	}
	return &wsClient{conn: conn, closed: make(chan struct{})}, nil
}

// closures tallies the clients whose sockets have closed, by code and reason.
func closures(clients []*wsClient) string {
	counts := map[string]int{}
	for _, c := range clients {
		if r := c.closeReason(); r != "" {
			counts[r]++
		}
	}
	if len(counts) == 0 {
		return "none"
	}
	var out []string
	for r, n := range counts {
		out = append(out, fmt.Sprintf("%d with %s", n, r))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// realtime connects the clients and measures two things: bookings made one after another, each
// waiting until its push has reached every client; then a burst of concurrent bookings. It
// reports latencies, the server's memory and how the server shuts down with the sockets open.
func realtime(srv *server, tokens []string, pairs, burstPairs []booking, rt realtimeConfig) error {
	memBefore, err := readMemory(srv)
	if err != nil {
		return err
	}
	srv.logs.resetProblems()

	// Connect, at most 64 handshakes in flight.
	d := newDeliveries(rt.clients)
	clients := make([]*wsClient, rt.clients)
	connect := make([]time.Duration, rt.clients)
	errs := make([]error, rt.clients)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.conn.CloseNow()
			}
		}
	}()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	t0 := time.Now()
	for i := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			s := time.Now()
			c, err := dialClient(srv.URL, tokens[i/rt.perStudent])
			connect[i], clients[i], errs[i] = time.Since(s), c, err
		})
	}
	wg.Wait()
	connectElapsed := time.Since(t0)
	if err := errors.Join(errs...); err != nil {
		n := 0
		for _, e := range errs {
			if e != nil {
				n++
			}
		}
		return fmt.Errorf("%d of %d clients failed to connect; first: %w", n, rt.clients, firstError(errs))
	}
	for _, c := range clients {
		go c.listen(d)
	}
	memReady, err := readMemory(srv)
	if err != nil {
		return err
	}

	// Book one after another; each waits until its push has reached every client.
	var (
		replied, last, lastSent []time.Duration
		all, allSent            []time.Duration
		early                   int
		problems                []string
	)
	for i, b := range pairs {
		req := bookingRequest(srv.URL, b.token, b.creator, b.partner, b.lab)
		tSend := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("booking %d: %w", i, err)
		}
		t201 := time.Now()
		pid, err := createdPid(resp)
		if err != nil {
			return fmt.Errorf("booking %d: %w", i, err)
		}
		replied = append(replied, t201.Sub(tSend))
		if err := d.await([]int64{pid}, 15*time.Second); err != nil {
			problems = append(problems, fmt.Sprintf("booking %d: %v; stopped there", i, err))
			break
		}
		var latest time.Time
		for _, at := range d.times(pid) {
			all = append(all, at.Sub(t201))
			allSent = append(allSent, at.Sub(tSend))
			if at.Before(t201) {
				early++
			}
			if at.After(latest) {
				latest = at
			}
		}
		last = append(last, latest.Sub(t201))
		lastSent = append(lastSent, latest.Sub(tSend))
	}
	closedSequential := closures(clients)
	memAfter, err := readMemory(srv)
	if err != nil {
		return err
	}

	// A burst of concurrent bookings while every client listens: the sign-up rush.
	var (
		start      = make(chan struct{})
		mu         sync.Mutex
		burstReply []time.Duration
		burstPids  []int64
		burstFail  int
		burstAll   []time.Duration
		burstLast  []time.Duration
		reply201   = map[int64]time.Time{}
	)
	for _, b := range burstPairs {
		wg.Go(func() {
			req := bookingRequest(srv.URL, b.token, b.creator, b.partner, b.lab)
			<-start
			tSend := time.Now()
			resp, err := client.Do(req)
			t201 := time.Now()
			var pid int64
			if err == nil {
				pid, err = createdPid(resp)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				burstFail++
				return
			}
			burstReply = append(burstReply, t201.Sub(tSend))
			burstPids = append(burstPids, pid)
			reply201[pid] = t201
		})
	}
	tBurst := time.Now()
	close(start)
	wg.Wait()
	burstErr := d.await(burstPids, 30*time.Second)
	for _, pid := range burstPids {
		var latest time.Time
		for _, at := range d.times(pid) {
			burstAll = append(burstAll, at.Sub(reply201[pid]))
			if at.After(latest) {
				latest = at
			}
		}
		if !latest.IsZero() {
			burstLast = append(burstLast, latest.Sub(tBurst))
		}
	}
	if burstFail > 0 {
		problems = append(problems, fmt.Sprintf("%d of the burst's %d bookings failed", burstFail, len(burstPairs)))
	}
	if burstErr != nil {
		problems = append(problems, "burst: "+burstErr.Error())
	}
	closedBurst := closures(clients)
	if closedBurst != "none" {
		problems = append(problems, "the server closed sockets of clients that were reading all along: "+closedBurst)
	}
	memBurst, err := readMemory(srv)
	if err != nil {
		return err
	}

	row := func(name string, ds []time.Duration) {
		slices.Sort(ds)
		fmt.Printf("%-46s %8d %10s %10s %10s\n", name, len(ds),
			percentile(ds, 0.50).Round(10*time.Microsecond), percentile(ds, 0.99).Round(10*time.Microsecond),
			percentile(ds, 1).Round(10*time.Microsecond))
	}
	fmt.Printf("%-46s %8s %10s %10s %10s\n", "realtime", "samples", "p50", "p99", "max")
	row(fmt.Sprintf("connect: dial → ready (%.1f s for all)", connectElapsed.Seconds()), connect)
	row("one by one: POST sent → 201 received", replied)
	row("one by one, every client: POST sent → push", allSent)
	row("one by one, every client: 201 received → push", all)
	row("one by one, last client: POST sent → push", lastSent)
	row("one by one, last client: 201 received → push", last)
	row(fmt.Sprintf("burst of %d: POST sent → 201 received", len(burstPairs)), burstReply)
	row("burst, every client: 201 received → push", burstAll)
	row("burst, last client: burst start → push", burstLast)
	fmt.Printf("(a booking has committed when its 201 arrives; a push can beat the 201: %d of %d did, counting as negative)\n",
		early, len(all))
	fmt.Printf("sockets closed by the server: %s during the bookings one by one; %s by the end of the burst\n",
		closedSequential, closedBurst)

	fmt.Printf("\n%-34s %10s %10s %16s %12s %8s\n", "server process", "VmRSS", "VmHWM", "heap live (GC)", "GC stacks", "threads")
	memBefore.print("before the clients")
	memReady.print(fmt.Sprintf("%d clients ready", rt.clients))
	memAfter.print(fmt.Sprintf("after %d bookings one by one", len(last)))
	memBurst.print(fmt.Sprintf("after the burst of %d", len(burstPairs)))
	fmt.Printf("(VmRSS and VmHWM from /proc/<pid>/status; heap and stacks from the runtime's last GC trace before the reading, in whole MB)\n")
	perClient := func(m memory) float64 { return float64(m.rssKB-memBefore.rssKB) / float64(rt.clients) }
	fmt.Printf("resident memory per client: %.1f KiB once connected, %.1f KiB after the pushes\n", perClient(memReady), perClient(memAfter))

	// Stop the server with the sockets open: each should be closed with 1001 (going away).
	t0 = time.Now()
	exitErr := srv.Stop()
	shutdown := time.Since(t0)
	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stillOpen := 0
	for _, c := range clients {
		select {
		case <-c.closed:
		case <-wait.Done():
			stillOpen++
		}
	}
	exit := "exit status 0"
	if exitErr != nil {
		exit = exitErr.Error()
	}
	fmt.Printf("\nshutdown with the sockets open: %s, %s; sockets closed, all told: %s", shutdown.Round(time.Millisecond), exit, closures(clients))
	if stillOpen > 0 {
		fmt.Printf("; %d still open 10 s later", stillOpen)
	}
	fmt.Println()

	for _, p := range problems {
		fmt.Println("PROBLEM:", p)
	}
	if n, lines := srv.logs.problemLines(); n > 0 {
		fmt.Printf("the server logged %d warnings or errors during the realtime benchmark; the first:\n", n)
		for _, l := range lines {
			fmt.Println("  " + l)
		}
	}
	return nil
}

// createdPid reads the project id from a 201 response and closes it.
func createdPid(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	var p struct{ Pid int64 }
	err := json.NewDecoder(resp.Body).Decode(&p)
	if resp.StatusCode != http.StatusCreated || err != nil || p.Pid == 0 {
		return 0, fmt.Errorf("status %d, %v", resp.StatusCode, err)
	}
	return p.Pid, nil
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// memory is a reading of the server process's /proc status and last GC trace.
type memory struct {
	rssKB, hwmKB, threads int
	gc                    gcTrace
}

func readMemory(srv *server) (memory, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.PID))
	if err != nil {
		return memory{}, fmt.Errorf("read the server's memory: %w", err)
	}
	m := memory{gc: srv.logs.lastGC()}
	for _, line := range strings.Split(string(data), "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(value), " kB"))
		switch key {
		case "VmRSS":
			m.rssKB = n
		case "VmHWM":
			m.hwmKB = n
		case "Threads":
			m.threads = n
		}
	}
	return m, nil
}

func (m memory) print(name string) {
	mb := func(kb int) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }
	heap, stacks := "-", "-"
	if m.gc.seen {
		heap = fmt.Sprintf("%d MB (#%d)", m.gc.liveMB, m.gc.n)
		stacks = fmt.Sprintf("%d MB", m.gc.stacksMB)
	}
	fmt.Printf("%-34s %10s %10s %16s %12s %8d\n", name, mb(m.rssKB), mb(m.hwmKB), heap, stacks, m.threads)
}
