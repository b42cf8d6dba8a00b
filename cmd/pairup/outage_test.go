package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/pgcluster"
	"github.com/pairup/pairup/internal/testfactory"
)

// Phases of the outage test, as the load records them at the start and the end of each request.
const (
	outageUp       int32 = iota // the database answers
	outageStopping              // pg_ctl stop is running
	outageDown                  // the database is stopped
	outageStarting              // pg_ctl start is running
	outageBack                  // the database has started again
)

// TestOutageDatabaseStopsHard stops a private Postgres cluster with `pg_ctl -m immediate` (a
// crash, as far as the servers can tell) under two instances serving a mixed load of writes
// and reads, and starts it again. While it is down every request answers 503 problem+json with
// Retry-After (never another 5xx), the health checks report it, liveness does not; afterwards
// writes succeed again, the sockets are told to resync, and the database holds exactly what the
// clients were told: every acknowledged write, nothing that was refused, and for requests
// whose outcome the client cannot know (a 503 to a write, whose COMMIT may have reached the
// server before the crash, or no answer at all) either outcome, counted.
func TestOutageDatabaseStopsHard(t *testing.T) {
	const clients = 8
	cluster := pgcluster.Start(t)
	dbURL := cluster.URL()
	labs := outageSeed(t, dbURL, 2*clients+2, 2*clients)

	servers := []*testServer{startServer(t, dbURL, nil), startServer(t, dbURL, nil)}
	var phase atomic.Int32
	ld := &outageLoad{t: t, phase: &phase, http: &http.Client{Timeout: 10 * time.Second}}

	// Sockets: one on each instance, of students outside the load.
	var sockets []*outageSocket
	for k, s := range servers {
		tok := signIn(t, s, studentNumber(2*clients+k))
		sockets = append(sockets, ld.watch(dialWS(t, s, tok)))
	}

	// The load: client i is student 2i teaming up with 2i+1 in its own two slots, on instance i%2.
	cs := make([]*outageClient, clients)
	for i := range cs {
		s := servers[i%2]
		cs[i] = &outageClient{
			load: ld, server: s, tok: signIn(t, s, studentNumber(2*i)), id: i,
			creator: studentNumber(2 * i), partner: studentNumber(2*i + 1),
			labs: [2]int64{labs[2*i].ID, labs[2*i+1].ID}, known: true,
		}
	}
	stop, abort := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() { defer wg.Done(); c.run(stop, abort) }()
	}
	health := &outageHealth{load: ld}
	wg.Add(1)
	go func() { defer wg.Done(); health.run(servers, stop) }()
	// stopLoad asks the clients to stop once each knows its team for sure, and makes them stop
	// regardless (failing the test) if they do not within 20s.
	var stopOnce sync.Once
	stopLoad := func() {
		stopOnce.Do(func() {
			close(stop)
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Errorf("the load did not finish within 20s of being stopped")
				close(abort)
				<-done
			}
		})
	}
	defer stopLoad() // a failing test, too, stops its goroutines before the cleanups

	waitFor(t, "two acknowledged writes per client before the outage", 15*time.Second, func() bool {
		for _, c := range cs {
			if c.acked(outageUp) < 2 {
				return false
			}
		}
		return true
	})

	phase.Store(outageStopping)
	if err := cluster.Stop("immediate"); err != nil {
		t.Fatal(err)
	}
	phase.Store(outageDown)
	downSince := time.Now()

	// While it is down: a sign-in and a WebSocket handshake on each instance are 503 as well.
	for _, s := range servers {
		ld.checkSignin(s)
		ld.checkHandshake(s, cs[0].tok)
	}
	waitFor(t, "503s on every client and health check while the database is down", 15*time.Second, func() bool {
		for _, c := range cs {
			if c.unavailable.Load() < 5 {
				return false
			}
		}
		return time.Since(downSince) >= 2*time.Second && health.sawDown(len(servers))
	})

	phase.Store(outageStarting)
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	phase.Store(outageBack)
	waitFor(t, "a write acknowledged to every client and healthy instances after the restart", 20*time.Second, func() bool {
		for _, c := range cs {
			if c.acked(outageBack) < 1 {
				return false
			}
		}
		return health.sawBack(len(servers))
	})
	// Each socket hears resync once its instance listens again, or (if it was closed) opens again.
	for k, sock := range sockets {
		select {
		case <-sock.resynced:
		case <-sock.closed:
			t.Logf("socket %d was closed during the outage (%v); it opens again", k, sock.err)
			dialWS(t, servers[k], signIn(t, servers[k], studentNumber(2*clients+k)))
		case <-time.After(20 * time.Second):
			t.Errorf("socket on instance %d got no resync within 20s of the restart", k)
		}
	}
	stopLoad()

	// The instances are healthy again, and were alive throughout.
	for _, s := range servers {
		for _, path := range []string{"/api/health", "/api/health/ready", "/api/health/live"} {
			if r := s.Client.Do(t, "GET", path, nil, nil); r.Status != 200 {
				t.Errorf("GET %s after the outage: %d %s", path, r.Status, r.Body)
			}
		}
	}
	ld.report()
	outageCheckDatabase(t, dbURL, cs, labs)
}

// outageSeed migrates the private cluster's database and enrols the students and a coordinator
// in the default unit with slots of capacity 1, as newFixture does on the shared server.
func outageSeed(t *testing.T, dbURL string, students, slots int) []pairup.LabSlot {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	mk := testfactory.New(st, service.New(st, time.Now), testPINHash())
	people := []testfactory.Person{{Number: adminNumber, Name: "Coordinator", Role: pairup.RoleCoordinator}}
	for i := range students {
		people = append(people, testfactory.Person{Number: studentNumber(i), Name: fmt.Sprintf("Student %d", i)})
	}
	if err := mk.Enrol(ctx, pairup.DefaultUnitCode, people...); err != nil {
		t.Fatalf("seed roster: %v", err)
	}
	labs, err := mk.Session(ctx, pairup.DefaultUnitCode, "CSSE 2.01", slotDay(), slots, 5*time.Minute, 1)
	if err != nil {
		t.Fatalf("seed slots: %v", err)
	}
	return labs
}

// outageLoad is what the load's goroutines share: the phase, the HTTP client, and the checks
// every answer gets.
type outageLoad struct {
	t     *testing.T
	phase *atomic.Int32
	http  *http.Client

	mu       sync.Mutex
	statuses map[string]int // "phase status" → answers, for the log
	failures int            // answers >= 500 other than 503, and malformed 503s
	seen503  int
}

// outageAnswer is one request's outcome: status 0 when no answer came.
type outageAnswer struct {
	status      int
	body        []byte
	err         error
	begin, end  int32
	unavailable bool // a proper 503
}

// do sends one request and checks its answer: never a 5xx but 503, and a 503 with Retry-After:
// 2 and a problem+json body saying so.
func (l *outageLoad) do(method, url string, auth apitest.Auth, body any) outageAnswer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		panic(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != nil {
		if b, ok := auth.(apitest.Bearer); ok {
			req.Header.Set("Authorization", "Bearer "+string(b))
		} else if b, ok := auth.(apitest.Basic); ok {
			req.SetBasicAuth(b.User, b.Password)
		}
	}
	a := outageAnswer{begin: l.phase.Load()}
	resp, err := l.http.Do(req)
	if err == nil {
		a.body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	a.end = l.phase.Load()
	if err != nil {
		a.err = err
		l.count(a, "no answer")
		return a
	}
	a.status = resp.StatusCode
	a.unavailable = l.check(method+" "+req.URL.Path, resp.StatusCode, resp.Header, a.body)
	l.count(a, fmt.Sprint(a.status))
	return a
}

// check fails the test for any 5xx but a well-formed 503, and reports whether it was one.
func (l *outageLoad) check(what string, status int, h http.Header, body []byte) bool {
	if status < 500 {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if status != http.StatusServiceUnavailable {
		l.failures++
		l.t.Errorf("%s answered %d: %s", what, status, body)
		return false
	}
	var p apitest.Problem
	switch {
	case h.Get("Retry-After") != "2":
		l.t.Errorf("%s: 503 with Retry-After %q, want 2", what, h.Get("Retry-After"))
	case h.Get("Content-Type") != "application/problem+json":
		l.t.Errorf("%s: 503 with Content-Type %q", what, h.Get("Content-Type"))
	case json.Unmarshal(body, &p) != nil || p.Status != 503 || p.Title != "Service Unavailable" || p.Detail == "":
		l.t.Errorf("%s: 503 body %s is not its problem", what, body)
	default:
		l.seen503++
		return true
	}
	l.failures++
	return false
}

func (l *outageLoad) count(a outageAnswer, outcome string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.statuses == nil {
		l.statuses = map[string]int{}
	}
	l.statuses[fmt.Sprintf("phase %d→%d: %s", a.begin, a.end, outcome)]++
}

// checkSignin signs in while the database is down: 503, not a 401 or a 500.
func (l *outageLoad) checkSignin(s *testServer) {
	a := l.do("POST", s.URL+"/api/tokens", apitest.Basic{User: studentNumber(0), Password: testPIN}, nil)
	if !a.unavailable {
		l.t.Errorf("sign-in while the database is down: %d %s %v", a.status, a.body, a.err)
	}
}

// checkHandshake opens a socket while the database is down: the handshake is refused with 503.
func (l *outageLoad) checkHandshake(s *testServer, tok apitest.Bearer) {
	c, resp, err := dialWSRaw(s, []string{"pairup.v1", "bearer." + string(tok)})
	if err == nil {
		c.CloseNow()
		l.t.Errorf("WebSocket handshake while the database is down: accepted")
		return
	}
	if resp == nil {
		l.t.Errorf("WebSocket handshake while the database is down: no answer: %v", err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	if !l.check("GET /api/ws", resp.StatusCode, resp.Header, body) {
		l.t.Errorf("WebSocket handshake while the database is down: %d %s", resp.StatusCode, body)
	}
}

// report logs the answers by phase.
func (l *outageLoad) report() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, n := range l.statuses {
		l.t.Logf("%s: %d", k, n)
	}
	if l.seen503 == 0 {
		l.t.Errorf("no request answered 503 while the database was down")
	}
}

// outageTeam is a team as a client was told of it.
type outageTeam struct {
	pid  int64
	desc string
	lab  int64
}

// outageOp is one write and what the client learnt from it.
type outageOp struct {
	kind    string // create, update, delete
	outcome string // acked, refused, unknown
	team    outageTeam
	begin   int32
}

// outageClient is one student writing and reading in a loop, keeping what it was told.
type outageClient struct {
	load    *outageLoad
	server  *testServer
	tok     apitest.Bearer
	id      int
	creator string
	partner string
	labs    [2]int64

	// What the client believes: known says whether the last word it had was certain.
	known bool
	team  *outageTeam
	ops   []outageOp
	n     int

	ackedIn     [outageBack + 1]atomic.Int32 // acknowledged writes, by the phase they began in
	unavailable atomic.Int32                 // 503s while the database was down
}

func (c *outageClient) acked(phase int32) int32 { return c.ackedIn[phase].Load() }

// run alternates writes and reads until stop, then goes on until it knows its team for sure.
func (c *outageClient) run(stop, abort <-chan struct{}) {
	base := c.server.URL + "/api/students/" + c.creator + "/project"
	reads := []string{c.server.URL + "/api/projects", c.server.URL + "/api/labs", base}
	for {
		select {
		case <-abort:
			return
		case <-stop:
			if c.known {
				return
			}
		default:
		}
		c.write(base)
		r := reads[c.n%len(reads)]
		a := c.load.do("GET", r, c.tok, nil)
		c.tally(a)
		if r == base {
			c.learn(a)
		} else if a.status != 200 && !a.unavailable {
			c.load.t.Errorf("client %d: GET %s: %d %s %v", c.id, r, a.status, a.body, a.err)
		}
	}
}

// write creates, changes or dissolves the team, by what the client believes.
func (c *outageClient) write(base string) {
	c.n++
	desc := fmt.Sprintf("Client %d, write %d", c.id, c.n)
	op := outageOp{begin: c.load.phase.Load()}
	var a outageAnswer
	switch {
	case c.team == nil:
		op.kind = "create"
		op.team = outageTeam{desc: desc, lab: c.labs[c.n%2]}
		a = c.load.do("POST", base, c.tok, map[string]any{"partnerNumber": c.partner, "description": desc, "lab_id": op.team.lab})
	case c.n%3 == 0:
		op.kind = "delete"
		op.team = *c.team // the team it means to dissolve, if it knows it
		a = c.load.do("DELETE", base, c.tok, nil)
	default:
		op.kind = "update"
		lab := c.labs[0]
		if c.team.lab == lab {
			lab = c.labs[1]
		}
		op.team = outageTeam{pid: c.team.pid, desc: desc, lab: lab}
		a = c.load.do("PUT", base, c.tok, map[string]any{"description": desc, "lab_id": lab})
	}
	c.tally(a)
	switch {
	case a.status == 201 && op.kind == "create", a.status == 200 && op.kind == "update":
		var p project
		if err := json.Unmarshal(a.body, &p); err != nil {
			c.load.t.Errorf("client %d: %s answered %s", c.id, op.kind, a.body)
			return
		}
		if p.Description != op.team.desc || p.LabID != op.team.lab || len(p.Members) != 2 || op.kind == "update" && p.Pid != op.team.pid && c.known {
			c.load.t.Errorf("client %d: %s answered %s, want %+v", c.id, op.kind, a.body, op.team)
		}
		op.team.pid = p.Pid
		op.outcome = "acked"
		c.known, c.team = true, &outageTeam{pid: p.Pid, desc: p.Description, lab: p.LabID}
	case a.status == 204 && op.kind == "delete":
		op.outcome = "acked"
		if !c.known {
			op.team = outageTeam{} // it dissolved whichever team it was in
		}
		c.known, c.team = true, nil
	case a.status == 409 && op.kind == "create":
		// Already in a team: an earlier create it got no word of went through.
		op.outcome = "refused"
		c.known, c.team = false, &outageTeam{}
	case a.status == 404 && op.kind != "create":
		// No team: an earlier dissolve it got no word of went through.
		op.outcome = "refused"
		c.known, c.team = true, nil
	case a.unavailable, a.status == 0:
		op.outcome = "unknown"
		c.known = false
	default:
		c.load.t.Errorf("client %d: %s answered %d %s", c.id, op.kind, a.status, a.body)
		op.outcome = "refused"
	}
	if op.outcome == "acked" {
		c.ackedIn[op.begin].Add(1)
	}
	c.ops = append(c.ops, op)
}

// learn takes the answer to GET of the client's own project as the truth about its team.
func (c *outageClient) learn(a outageAnswer) {
	switch a.status {
	case 200:
		var p project
		if err := json.Unmarshal(a.body, &p); err != nil {
			c.load.t.Errorf("client %d: project %s", c.id, a.body)
			return
		}
		c.known, c.team = true, &outageTeam{pid: p.Pid, desc: p.Description, lab: p.LabID}
	case 404:
		c.known, c.team = true, nil
	default:
		if !a.unavailable {
			c.load.t.Errorf("client %d: GET own project: %d %s %v", c.id, a.status, a.body, a.err)
		}
	}
}

func (c *outageClient) tally(a outageAnswer) {
	if a.unavailable && a.begin == outageDown {
		c.unavailable.Add(1)
	}
}

// outageHealth polls the health checks of every instance for the whole test.
type outageHealth struct {
	load *outageLoad

	mu   sync.Mutex
	down map[string]int // "instance path" → 503s while the database was down
	back map[string]int // "instance path" → 200s after the restart
}

func (h *outageHealth) run(servers []*testServer, stop <-chan struct{}) {
	h.down, h.back = map[string]int{}, map[string]int{}
	for {
		select {
		case <-stop:
			return
		default:
		}
		for k, s := range servers {
			for _, path := range []string{"/api/health", "/api/health/ready", "/api/health/live"} {
				a := h.load.do("GET", s.URL+path, nil, nil)
				key := fmt.Sprintf("%d %s", k, path)
				strict := a.begin == a.end // the database did not change state meanwhile
				switch {
				case path == "/api/health/live" && a.status != 200:
					h.load.t.Errorf("%s answered %d in phase %d: liveness must not depend on the database", key, a.status, a.begin)
				case path == "/api/health/live":
				case strict && a.begin == outageDown && !a.unavailable:
					h.load.t.Errorf("%s answered %d %s while the database was down", key, a.status, a.body)
				case strict && a.begin == outageUp && a.status != 200:
					h.load.t.Errorf("%s answered %d %s before the outage", key, a.status, a.body)
				}
				h.mu.Lock()
				if strict && a.begin == outageDown && a.unavailable {
					h.down[key]++
				}
				if strict && a.begin == outageBack && a.status == 200 {
					h.back[key]++
				}
				h.mu.Unlock()
			}
		}
	}
}

// sawDown reports whether health and readiness answered 503 on every instance while down.
func (h *outageHealth) sawDown(servers int) bool { return h.saw(h.down, servers) }

// sawBack reports whether health and readiness answered 200 on every instance after the restart.
func (h *outageHealth) sawBack(servers int) bool { return h.saw(h.back, servers) }

func (h *outageHealth) saw(m map[string]int, servers int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k := range servers {
		for _, path := range []string{"/api/health", "/api/health/ready"} {
			if m[fmt.Sprintf("%d %s", k, path)] == 0 {
				return false
			}
		}
	}
	return true
}

// outageSocket reads a socket for the whole test: every frame must match the spec, and a resync
// after the database stopped is what the test waits for.
type outageSocket struct {
	resynced chan struct{}
	closed   chan struct{}
	err      error
}

func (l *outageLoad) watch(ws *wsConn) *outageSocket {
	s := &outageSocket{resynced: make(chan struct{}), closed: make(chan struct{})}
	go func() {
		defer close(s.closed)
		resynced := false
		for {
			_, data, err := ws.conn.Read(context.Background())
			if err != nil {
				s.err = err
				return
			}
			if err := wsTValidate(data); err != nil {
				l.t.Errorf("frame %s does not match openapi.yaml: %v", data, err)
			}
			var f struct {
				Type string  `json:"type"`
				Unit *string `json:"unit"`
			}
			_ = json.Unmarshal(data, &f)
			// The hub's own resync (no unit) once its listener is back.
			if f.Type == "resync" && f.Unit == nil && l.phase.Load() >= outageDown && !resynced {
				resynced = true
				close(s.resynced)
			}
		}
	}()
	return s
}

// outageCheckDatabase compares the database with what each client was told.
func outageCheckDatabase(t *testing.T, dbURL string, cs []*outageClient, labs []pairup.LabSlot) {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	type entry struct {
		action, student string
		pid, lab        int64
		desc            string
	}
	rows, err := pool.Query(ctx, `
		SELECT action, coalesce(student, ''), coalesce(pid, 0), coalesce(lab_id, 0),
		       coalesce(CASE action WHEN 'project.updated' THEN details->'description'->>'to' ELSE details->>'description' END, '')
		FROM audit_log WHERE unit = $1 AND action LIKE 'project.%' ORDER BY id`, pairup.DefaultUnitCode)
	if err != nil {
		t.Fatal(err)
	}
	byStudent := map[string][]entry{}
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.action, &e.student, &e.pid, &e.lab, &e.desc); err != nil {
			t.Fatal(err)
		}
		byStudent[e.student] = append(byStudent[e.student], e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	type team struct {
		desc    string
		lab     int64
		members []string
	}
	teams := map[int64]*team{}
	rows, err = pool.Query(ctx, `
		SELECT p.id, p.description, coalesce(p.lab_id, 0), m.student_number
		FROM projects p JOIN project_members m ON m.unit = p.unit AND m.project_id = p.id
		WHERE p.unit = $1 ORDER BY m.student_number`, pairup.DefaultUnitCode)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var (
			pid    int64
			tm     team
			member string
		)
		if err := rows.Scan(&pid, &tm.desc, &tm.lab, &member); err != nil {
			t.Fatal(err)
		}
		if teams[pid] == nil {
			teams[pid] = &tm
		}
		teams[pid].members = append(teams[pid].members, member)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	var unknown, appliedUnknown int
	claimed := map[int64]bool{}
	for _, c := range cs {
		entries := byStudent[c.creator]
		// Every acknowledged write has its audit entry, written in its transaction; every entry
		// beyond those belongs to a write whose outcome the client could not know.
		for _, kind := range []string{"create", "update", "delete"} {
			action := map[string]string{"create": pairup.AuditProjectCreated, "update": pairup.AuditProjectUpdated, "delete": pairup.AuditProjectDeleted}[kind]
			var inDB []entry
			for _, e := range entries {
				if e.action == action {
					inDB = append(inDB, e)
				}
			}
			acked, unknowns := 0, 0
			for _, op := range c.ops {
				if op.kind != kind {
					continue
				}
				switch op.outcome {
				case "unknown":
					unknowns++
				case "acked":
					acked++
					found := false
					for _, e := range inDB {
						if (op.team.pid == 0 || e.pid == op.team.pid) && (kind == "delete" || e.desc == op.team.desc && e.lab == op.team.lab) {
							found = true
						}
					}
					if !found {
						t.Errorf("client %d: the acknowledged %s %+v is not in the audit log: %+v", c.id, kind, op.team, inDB)
					}
				}
			}
			if len(inDB) < acked || len(inDB) > acked+unknowns {
				t.Errorf("client %d: %d %s entries in the audit log for %d acknowledged and %d unknown", c.id, len(inDB), kind, acked, unknowns)
			}
			unknown += unknowns
			appliedUnknown += len(inDB) - acked
		}
		// Its team now is the one it was last told of, and no other holds it or its partner.
		var mine []int64
		for pid, tm := range teams {
			for _, m := range tm.members {
				if m == c.creator || m == c.partner {
					mine = append(mine, pid)
					break
				}
			}
		}
		switch {
		case !c.known:
			t.Errorf("client %d stopped without knowing its team", c.id)
		case c.team == nil && len(mine) != 0:
			t.Errorf("client %d was last told it has no team, but the database has %v", c.id, mine)
		case c.team != nil && (len(mine) != 1 || mine[0] != c.team.pid):
			t.Errorf("client %d was last told of team %+v, but the database has %v", c.id, *c.team, mine)
		case c.team != nil:
			tm := teams[c.team.pid]
			want := []string{c.creator, c.partner}
			if tm.desc != c.team.desc || tm.lab != c.team.lab || strings.Join(tm.members, ",") != strings.Join(want, ",") {
				t.Errorf("client %d: team %d is %+v in the database, the client was told %+v with %v", c.id, c.team.pid, *tm, *c.team, want)
			}
			claimed[c.team.pid] = true
		}
	}
	for pid, tm := range teams {
		if !claimed[pid] {
			t.Errorf("team %d (%+v) is in the database, but no client was told of it", pid, *tm)
		}
	}
	t.Logf("writes of unknown outcome (503 or no answer): %d, of which went through: %d", unknown, appliedUnknown)

	// Every slot's booked count is the number of teams in it.
	rows, err = pool.Query(ctx, `
		SELECT l.id, l.booked, (SELECT count(*) FROM projects p WHERE p.unit = l.unit AND p.lab_id = l.id)
		FROM lab_slots l WHERE l.unit = $1`, pairup.DefaultUnitCode)
	if err != nil {
		t.Fatal(err)
	}
	slots := 0
	for rows.Next() {
		var id, booked, count int64
		if err := rows.Scan(&id, &booked, &count); err != nil {
			t.Fatal(err)
		}
		slots++
		if booked != count {
			t.Errorf("slot %d: booked %d, but %d teams are in it", id, booked, count)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if slots != len(labs) {
		t.Errorf("%d slots in the database, want %d", slots, len(labs))
	}
}
