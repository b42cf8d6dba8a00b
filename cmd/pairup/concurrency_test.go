package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
)

// The rules that must hold under concurrency, proved through the HTTP API with two server
// instances on one database: every burst of requests is released at once by a start barrier and
// split across both instances, so only the database can decide the races.

// ccTGoroutineTB lets a goroutine use the spec-validating client: t.FailNow must not be called
// off the test goroutine, so a fatal failure is recorded with Errorf and ends only the goroutine.
type ccTGoroutineTB struct{ testing.TB }

func (g ccTGoroutineTB) Fatalf(format string, args ...any) {
	g.TB.Helper()
	g.TB.Errorf(format, args...)
	runtime.Goexit()
}

func (g ccTGoroutineTB) Fatal(args ...any) {
	g.TB.Helper()
	g.TB.Error(args...)
	runtime.Goexit()
}

func (g ccTGoroutineTB) FailNow() {
	g.TB.Fail()
	runtime.Goexit()
}

// ccTRequest is one request of a burst.
type ccTRequest struct {
	s      *testServer
	method string
	path   string
	auth   apitest.Auth
	body   any
}

// ccTBurst sends every request at the same instant (a closed channel releases them all) and
// returns the responses in request order. No response may be a 5xx.
func ccTBurst(t *testing.T, reqs []ccTRequest) []*apitest.Response {
	t.Helper()
	return ccTBurstWhile(t, reqs, func() {})
}

// ccTBurstWhile is ccTBurst that runs during on the test goroutine while the requests are in
// flight.
func ccTBurstWhile(t *testing.T, reqs []ccTRequest, during func()) []*apitest.Response {
	t.Helper()
	out := make([]*apitest.Response, len(reqs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			<-start
			out[i] = r.s.Client.Do(ccTGoroutineTB{t}, r.method, r.path, r.auth, r.body)
		})
	}
	close(start)
	during()
	wg.Wait()
	for i, r := range out {
		if r == nil {
			t.Fatalf("request %d (%s %s) did not complete", i, reqs[i].method, reqs[i].path)
		}
		if r.Status >= 500 {
			t.Fatalf("request %d (%s %s) answered %d: %s", i, reqs[i].method, reqs[i].path, r.Status, r.Body)
		}
	}
	return out
}

// ccTServers starts two instances of the program on the fixture's database.
func ccTServers(t *testing.T, f *fixture) [2]*testServer {
	t.Helper()
	return [2]*testServer{startServer(t, f.DBURL, nil), startServer(t, f.DBURL, nil)}
}

// ccTSignIn signs each student in, alternating between the instances.
func ccTSignIn(t *testing.T, servers [2]*testServer, numbers ...string) map[string]apitest.Bearer {
	t.Helper()
	toks := map[string]apitest.Bearer{}
	for i, n := range numbers {
		toks[n] = signIn(t, servers[i%2], n)
	}
	return toks
}

// ccTCreate is the request that student creator forms a team with partner in slot lab. Every
// third one sends lab_id as a string of digits, as the 2019 client does.
func ccTCreate(s *testServer, tok apitest.Bearer, creator, partner string, lab int64, i int) ccTRequest {
	var labID any = lab
	if i%3 == 0 {
		labID = strconv.FormatInt(lab, 10)
	}
	return ccTRequest{s: s, method: "POST", path: "/api/students/" + creator + "/project", auth: tok, body: map[string]any{
		"partnerNumber": partner, "description": fmt.Sprintf("Team of %s and %s", creator, partner), "lab_id": labID,
	}}
}

// ccTCount returns how many responses have each status.
func ccTCount(rs []*apitest.Response) map[int]int {
	n := map[int]int{}
	for _, r := range rs {
		n[r.Status]++
	}
	return n
}

// ccTWantConflict checks that r is a 409 problem naming one of the fields.
func ccTWantConflict(t *testing.T, r *apitest.Response, fields ...string) {
	t.Helper()
	if r.Status != 409 {
		t.Fatalf("status %d, want 409: %s", r.Status, r.Body)
	}
	p := r.Problem(t)
	for _, f := range fields {
		if slices.Contains(p.Fields(), f) {
			return
		}
	}
	t.Fatalf("409 names fields %v, want one of %v: %s", p.Fields(), fields, r.Body)
}

// ccTAvailable returns the ids of the slots GET /api/labs offers.
func ccTAvailable(t *testing.T, s *testServer, tok apitest.Bearer) map[int64]bool {
	t.Helper()
	r := s.Client.Do(t, "GET", "/api/labs", tok, nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/labs: %d %s", r.Status, r.Body)
	}
	var body struct {
		AvailableLabs []struct {
			LabID int64 `json:"lab_id"`
		} `json:"available_labs"`
	}
	r.JSON(t, &body)
	ids := map[int64]bool{}
	for _, l := range body.AvailableLabs {
		ids[l.LabID] = true
	}
	return ids
}

// ccTProjectOf returns the student's project, or ok=false when GET answers 404.
func ccTProjectOf(t *testing.T, s *testServer, tok apitest.Bearer, number string) (p project, ok bool) {
	t.Helper()
	r := s.Client.Do(t, "GET", "/api/students/"+number+"/project", tok, nil)
	switch r.Status {
	case 200:
		r.JSON(t, &p)
		return p, true
	case 404:
		r.Problem(t)
		return project{}, false
	}
	t.Fatalf("GET project of %s: %d %s", number, r.Status, r.Body)
	return project{}, false
}

// ccTLock is a transaction of the test's own that holds row locks, to stall requests.
type ccTLock struct {
	f    *fixture
	conn *pgx.Conn
	tx   pgx.Tx
	pid  int
}

// ccTLockRows opens a connection of its own and takes the row locks query takes, until release
// (or the end of the test).
func ccTLockRows(t *testing.T, f *fixture, query string, args ...any) *ccTLock {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, f.DBURL)
	if err != nil {
		t.Fatalf("connect lock holder: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	l := &ccTLock{f: f, conn: conn}
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&l.pid); err != nil {
		t.Fatal(err)
	}
	if l.tx, err = conn.Begin(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := l.tx.Exec(ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return l
}

// waitBlocking waits until at least n other backends wait on this transaction's locks.
func (l *ccTLock) waitBlocking(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		blocked := ccTQueryInt(t, l.f, "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))", l.pid)
		if blocked >= n {
			return
		}
		select {
		case <-deadline:
			t.Fatalf("only %d backends waited on the test's lock within 30s, want %d", blocked, n)
		case <-tick.C:
		}
	}
}

// release ends the transaction, freeing its locks.
func (l *ccTLock) release(t *testing.T) {
	t.Helper()
	if err := l.tx.Rollback(context.Background()); err != nil {
		t.Fatalf("release lock: %v", err)
	}
}

// ccTQueryInt runs a query returning one integer.
func ccTQueryInt(t *testing.T, f *fixture, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.Store.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestConcTwentyPairsBookOneSlot(t *testing.T) {
	t.Parallel()
	const pairs = 20
	f := newFixture(t, 2*pairs, pairs)
	servers := ccTServers(t, f)
	var numbers []string
	for i := range 2 * pairs {
		numbers = append(numbers, studentNumber(i))
	}
	toks := ccTSignIn(t, servers, numbers...)
	creator := func(k int) string { return studentNumber(2 * k) }
	partner := func(k int) string { return studentNumber(2*k + 1) }
	target := f.Labs[0].ID

	var reqs []ccTRequest
	for k := range pairs {
		reqs = append(reqs, ccTCreate(servers[k%2], toks[creator(k)], creator(k), partner(k), target, k))
	}
	rs := ccTBurst(t, reqs)
	if n := ccTCount(rs); n[201] != 1 || n[409] != pairs-1 {
		t.Fatalf("statuses %v, want one 201 and %d 409", n, pairs-1)
	}
	winner := -1
	for k, r := range rs {
		if r.Status == 201 {
			winner = k
			var p project
			r.JSON(t, &p)
			if p.LabID != target || len(p.Members) != 2 || p.Members[0].ID != creator(k) || p.Members[1].ID != partner(k) {
				t.Fatalf("winning project %+v", p)
			}
			continue
		}
		ccTWantConflict(t, r, "lab_id")
	}

	// Exactly the winner's rows exist; the slot is full and offered by neither instance.
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects"); n != 1 {
		t.Fatalf("%d projects in the database, want 1", n)
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM project_members"); n != 2 {
		t.Fatalf("%d project members in the database, want 2", n)
	}
	if n := ccTQueryInt(t, f, "SELECT booked FROM lab_slots WHERE id = $1", target); n != 1 {
		t.Fatalf("slot booked %d times, want 1", n)
	}
	for i, s := range servers {
		avail := ccTAvailable(t, s, toks[creator(winner)])
		if avail[target] {
			t.Fatalf("instance %d still offers the booked slot %d", i, target)
		}
		if len(avail) != pairs-1 {
			t.Fatalf("instance %d offers %d slots, want %d", i, len(avail), pairs-1)
		}
	}

	// Losers left nothing behind: neither member has a project, and both are free to form one
	// (the partner now creates it, naming the creator).
	lab := 1
	for k := range pairs {
		if k == winner {
			continue
		}
		s := servers[k%2]
		for _, n := range []string{creator(k), partner(k)} {
			if p, ok := ccTProjectOf(t, s, toks[n], n); ok {
				t.Fatalf("loser %s has project %+v", n, p)
			}
		}
		p := createProject(t, servers[(k+1)%2], toks[partner(k)], partner(k), creator(k), f.Labs[lab].ID)
		if p.LabID != f.Labs[lab].ID {
			t.Fatalf("project in slot %d, want %d", p.LabID, f.Labs[lab].ID)
		}
		lab++
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects"); n != pairs {
		t.Fatalf("%d projects, want %d", n, pairs)
	}
}

func TestConcTenClaimOnePartner(t *testing.T) {
	t.Parallel()
	const claimants = 10
	f := newFixture(t, claimants+1, claimants)
	servers := ccTServers(t, f)
	partner := studentNumber(claimants)
	var numbers []string
	for i := range claimants {
		numbers = append(numbers, studentNumber(i))
	}
	toks := ccTSignIn(t, servers, numbers...)

	var reqs []ccTRequest
	for i := range claimants {
		reqs = append(reqs, ccTCreate(servers[i%2], toks[studentNumber(i)], studentNumber(i), partner, f.Labs[i].ID, i))
	}
	rs := ccTBurst(t, reqs)
	if n := ccTCount(rs); n[201] != 1 || n[409] != claimants-1 {
		t.Fatalf("statuses %v, want one 201 and %d 409", n, claimants-1)
	}
	winner := -1
	for i, r := range rs {
		if r.Status == 201 {
			winner = i
			continue
		}
		ccTWantConflict(t, r, "partnerNumber")
	}

	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects"); n != 1 {
		t.Fatalf("%d projects in the database, want 1", n)
	}
	// Every loser's slot is still free, on both instances; only the winner's is taken.
	for si, s := range servers {
		avail := ccTAvailable(t, s, toks[studentNumber(winner)])
		for i := range claimants {
			if want := i != winner; avail[f.Labs[i].ID] != want {
				t.Fatalf("instance %d: slot %d (claimant %d) offered = %v, want %v", si, f.Labs[i].ID, i, !want, want)
			}
		}
	}
	for i := range claimants {
		if i == winner {
			continue
		}
		if p, ok := ccTProjectOf(t, servers[i%2], toks[studentNumber(i)], studentNumber(i)); ok {
			t.Fatalf("loser %d has project %+v", i, p)
		}
	}
}

func TestConcCapacityThreeTenPairs(t *testing.T) {
	t.Parallel()
	const pairs, capacity = 10, 3
	f := newFixture(t, 2*pairs, 0)
	ctx := context.Background()
	labs, err := f.Make.Slots(ctx, pairup.DefaultUnitCode, pairup.LabSlot{Room: "Big Lab", StartsAt: slotDay(), Capacity: capacity})
	if err != nil || len(labs) != 1 || labs[0].Capacity != capacity {
		t.Fatalf("labs %+v, %v", labs, err)
	}
	big := labs[0].ID
	servers := ccTServers(t, f)
	var numbers []string
	for i := range pairs {
		numbers = append(numbers, studentNumber(2*i))
	}
	toks := ccTSignIn(t, servers, numbers...)

	var reqs []ccTRequest
	for k := range pairs {
		reqs = append(reqs, ccTCreate(servers[k%2], toks[studentNumber(2*k)], studentNumber(2*k), studentNumber(2*k+1), big, k))
	}
	rs := ccTBurst(t, reqs)
	if n := ccTCount(rs); n[201] != capacity || n[409] != pairs-capacity {
		t.Fatalf("statuses %v, want %d 201 and %d 409", n, capacity, pairs-capacity)
	}
	for _, r := range rs {
		if r.Status == 409 {
			ccTWantConflict(t, r, "lab_id")
		}
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects WHERE lab_id = $1", big); n != capacity {
		t.Fatalf("%d projects in the slot, want %d", n, capacity)
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM project_members"); n != 2*capacity {
		t.Fatalf("%d members, want %d", n, 2*capacity)
	}
	if ccTAvailable(t, servers[1], toks[studentNumber(0)])[big] {
		t.Fatal("a full slot is still offered")
	}
}

func TestConcTwoTeamsMoveIntoOneSlot(t *testing.T) {
	t.Parallel()
	const rounds = 4
	f := newFixture(t, 4, 2+rounds)
	servers := ccTServers(t, f)
	toks := ccTSignIn(t, servers, studentNumber(0), studentNumber(1), studentNumber(2), studentNumber(3))
	createProject(t, servers[0], toks[studentNumber(0)], studentNumber(0), studentNumber(1), f.Labs[0].ID)
	createProject(t, servers[1], toks[studentNumber(2)], studentNumber(2), studentNumber(3), f.Labs[1].ID)
	// Each team is driven by a different member in each round, through a different instance.
	teams := [2][2]string{{studentNumber(0), studentNumber(1)}, {studentNumber(2), studentNumber(3)}}
	current := [2]int64{f.Labs[0].ID, f.Labs[1].ID}

	for round := range rounds {
		target := f.Labs[2+round].ID
		var reqs []ccTRequest
		for ti, team := range teams {
			member := team[round%2]
			var body any = map[string]any{"description": fmt.Sprintf("round %d team %d", round, ti), "lab_id": target}
			if ti == 1 {
				// The 2019 client PUTs back the whole project it got, lab_id as a string.
				p, ok := ccTProjectOf(t, servers[ti], toks[member], member)
				if !ok {
					t.Fatalf("team %d has no project", ti)
				}
				body = map[string]any{
					"pid": p.Pid, "team": p.Team, "lab": p.Lab, "members": p.Members,
					"description": fmt.Sprintf("round %d team %d", round, ti), "lab_id": strconv.FormatInt(target, 10),
				}
			}
			reqs = append(reqs, ccTRequest{s: servers[(ti+round)%2], method: "PUT", path: "/api/students/" + member + "/project", auth: toks[member], body: body})
		}
		rs := ccTBurst(t, reqs)
		if n := ccTCount(rs); n[200] != 1 || n[409] != 1 {
			t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, n)
		}
		for ti, r := range rs {
			member := teams[ti][(round+1)%2] // the other member reads it back
			p, ok := ccTProjectOf(t, servers[ti], toks[member], member)
			if !ok {
				t.Fatalf("round %d: team %d lost its project", round, ti)
			}
			if r.Status == 409 {
				ccTWantConflict(t, r, "lab_id")
				if p.LabID != current[ti] {
					t.Fatalf("round %d: losing team %d is in slot %d, want its old slot %d", round, ti, p.LabID, current[ti])
				}
				continue
			}
			var got project
			r.JSON(t, &got)
			if got.LabID != target || p.LabID != target {
				t.Fatalf("round %d: winning team %d answered slot %d, reads back %d, want %d", round, ti, got.LabID, p.LabID, target)
			}
			current[ti] = target
		}
		avail := ccTAvailable(t, servers[round%2], toks[studentNumber(0)])
		for _, l := range f.Labs {
			taken := l.ID == current[0] || l.ID == current[1]
			if avail[l.ID] == taken {
				t.Fatalf("round %d: slot %d offered = %v, but taken = %v (teams in %v)", round, l.ID, avail[l.ID], taken, current)
			}
		}
		if n := ccTQueryInt(t, f, "SELECT count(*) FROM lab_slots WHERE booked <> (SELECT count(*) FROM projects p WHERE p.lab_id = lab_slots.id)"); n != 0 {
			t.Fatalf("round %d: %d slots have a booked count that disagrees with their projects", round, n)
		}
	}
}

func TestConcMutualClaims(t *testing.T) {
	t.Parallel()
	const pairs = 10
	f := newFixture(t, 2*pairs, 2*pairs)
	servers := ccTServers(t, f)
	var numbers []string
	for i := range 2 * pairs {
		numbers = append(numbers, studentNumber(i))
	}
	toks := ccTSignIn(t, servers, numbers...)

	// A (2k) names B (2k+1) while B names A, each in their own slot, through different instances.
	var reqs []ccTRequest
	for k := range pairs {
		a, b := studentNumber(2*k), studentNumber(2*k+1)
		reqs = append(reqs,
			ccTCreate(servers[0], toks[a], a, b, f.Labs[2*k].ID, 2*k),
			ccTCreate(servers[1], toks[b], b, a, f.Labs[2*k+1].ID, 2*k+1))
	}
	rs := ccTBurst(t, reqs)
	avail := ccTAvailable(t, servers[0], toks[studentNumber(0)])
	for k := range pairs {
		ra, rb := rs[2*k], rs[2*k+1]
		statuses := []int{ra.Status, rb.Status}
		slices.Sort(statuses)
		if !slices.Equal(statuses, []int{201, 409}) {
			t.Fatalf("pair %d: statuses %v, want one 201 and one 409\n%s\n%s", k, statuses, ra.Body, rb.Body)
		}
		win, lose, winLab, loseLab := ra, rb, f.Labs[2*k].ID, f.Labs[2*k+1].ID
		if rb.Status == 201 {
			win, lose, winLab, loseLab = rb, ra, loseLab, winLab
		}
		ccTWantConflict(t, lose, "id", "partnerNumber")
		var p project
		win.JSON(t, &p)
		ids := []string{p.Members[0].ID, p.Members[1].ID}
		slices.Sort(ids)
		if p.LabID != winLab || !slices.Equal(ids, []string{studentNumber(2 * k), studentNumber(2*k + 1)}) {
			t.Fatalf("pair %d: project %+v", k, p)
		}
		if avail[winLab] || !avail[loseLab] {
			t.Fatalf("pair %d: winner's slot offered = %v, loser's slot offered = %v", k, avail[winLab], avail[loseLab])
		}
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects"); n != pairs {
		t.Fatalf("%d projects, want %d", n, pairs)
	}
}

// TestConcMutualClaimsDeadlock forces the deadlock a mutual claim can cause: each request has
// inserted its creator's membership and waits (in the membership's foreign-key check) on a lock
// the test holds on both students' rows; once released, each tries to insert the other's
// membership and waits on the other's transaction. Postgres aborts one; its retry must see the
// winner's team and answer 409, not 500.
func TestConcMutualClaimsDeadlock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 2)
	servers := ccTServers(t, f)
	a, b := studentNumber(0), studentNumber(1)
	toks := ccTSignIn(t, servers, a, b)
	holder := ccTLockRows(t, f, "SELECT 1 FROM enrolments WHERE unit = 'default' AND student_number IN ($1, $2) FOR UPDATE", a, b)

	rs := ccTBurstWhile(t, []ccTRequest{
		ccTCreate(servers[0], toks[a], a, b, f.Labs[0].ID, 1),
		ccTCreate(servers[1], toks[b], b, a, f.Labs[1].ID, 1),
	}, func() {
		holder.waitBlocking(t, 2)
		holder.release(t)
	})
	statuses := []int{rs[0].Status, rs[1].Status}
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{201, 409}) {
		t.Fatalf("statuses %v, want one 201 and one 409\n%s\n%s", statuses, rs[0].Body, rs[1].Body)
	}
	for _, r := range rs {
		if r.Status == 409 {
			ccTWantConflict(t, r, "id", "partnerNumber")
		}
	}
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects"); n != 1 {
		t.Fatalf("%d projects, want 1", n)
	}
	if n := ccTQueryInt(t, f, "SELECT sum(booked)::int FROM lab_slots"); n != 1 {
		t.Fatalf("%d bookings, want 1", n)
	}
}

func TestConcDeleteFreesSlotAndMembers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 2)
	servers := ccTServers(t, f)
	a, b, c, d := studentNumber(0), studentNumber(1), studentNumber(2), studentNumber(3)
	toks := ccTSignIn(t, servers, a, b, c, d)
	slot := f.Labs[0].ID

	createProject(t, servers[0], toks[a], a, b, slot)
	if ccTAvailable(t, servers[1], toks[c])[slot] {
		t.Fatal("a booked slot is offered")
	}
	// Both members dissolve the team at once: one succeeds, the other finds nothing left.
	rs := ccTBurst(t, []ccTRequest{
		{s: servers[0], method: "DELETE", path: "/api/students/" + a + "/project", auth: toks[a]},
		{s: servers[1], method: "DELETE", path: "/api/students/" + b + "/project", auth: toks[b]},
	})
	if n := ccTCount(rs); n[204] != 1 || n[404] != 1 {
		t.Fatalf("statuses %v, want one 204 and one 404", n)
	}
	for _, s := range servers {
		if !ccTAvailable(t, s, toks[c])[slot] {
			t.Fatal("the freed slot is not offered again")
		}
	}
	if n := ccTQueryInt(t, f, "SELECT booked FROM lab_slots WHERE id = $1", slot); n != 0 {
		t.Fatalf("freed slot booked %d, want 0", n)
	}
	for _, n := range []string{a, b} {
		if p, ok := ccTProjectOf(t, servers[1], toks[n], n); ok {
			t.Fatalf("%s still has project %+v", n, p)
		}
	}
	// Both former members join new teams, one of them in the freed slot.
	createProject(t, servers[1], toks[a], a, c, slot)
	createProject(t, servers[0], toks[d], d, b, f.Labs[1].ID)
	if n := ccTQueryInt(t, f, "SELECT count(*) FROM projects"); n != 2 {
		t.Fatalf("%d projects, want 2", n)
	}
}
