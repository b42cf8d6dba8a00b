package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// Waitlists with holds across two server instances on one database: the races of issue 10,
// section 5. The unit "wl" has solo teams (so student i is team i) and slots of one place.

type wlEnv struct {
	f    *fixture
	s    [2]*testServer
	n    []string // students
	labs []pairup.LabSlot
	tok  map[string]apitest.Bearer
}

type wlWaitlist struct {
	Entries []struct {
		LabID    int64 `json:"lab_id"`
		Pid      int64
		Position int
	}
	Holds []struct {
		ID        int64
		LabID     int64 `json:"lab_id"`
		Pid       int64
		ExpiresAt time.Time `json:"expires_at"`
	}
}

// wlNewEnv makes the unit with students and slots, and starts two instances with env.
func wlNewEnv(t *testing.T, students, slots int, env map[string]string) *wlEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &wlEnv{f: f}
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "wl", TeamMin: 1, TeamMax: 1, HoldMinutes: 10}); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.n, err = f.Make.Students(ctx, "wl", 33100000, students, "Wl"); err != nil {
		t.Fatal(err)
	}
	if e.labs, err = f.Make.Session(ctx, "wl", "Lab", slotDay(), slots, 15*time.Minute, 1); err != nil {
		t.Fatal(err)
	}
	e.s = [2]*testServer{startServer(t, f.DBURL, env), startServer(t, f.DBURL, env)}
	e.tok = ccTSignIn(t, e.s, e.n...)
	return e
}

// team books student i's solo team into the slot.
func (e *wlEnv) team(t *testing.T, i int, lab int64) pairup.Project {
	t.Helper()
	p, err := e.f.Make.Team(context.Background(), "wl", e.n[i], nil, lab, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// on is student i's server (they alternate).
func (e *wlEnv) on(i int) *testServer { return e.s[i%2] }

func (e *wlEnv) queue(t *testing.T, i int, lab int64) {
	t.Helper()
	r := e.on(i).Client.Do(t, "POST", fmt.Sprintf("/api/units/wl/labs/%d/queue", lab), e.tok[e.n[i]], nil)
	if r.Status != 201 {
		t.Fatalf("student %d queues for %d: %d %s", i, lab, r.Status, r.Body)
	}
}

func (e *wlEnv) waitlist(t *testing.T, i int) wlWaitlist {
	t.Helper()
	r := e.on(i).Client.Do(t, "GET", "/api/units/wl/queue", e.tok[e.n[i]], nil)
	if r.Status != 200 {
		t.Fatalf("waitlist of %d: %d %s", i, r.Status, r.Body)
	}
	var w wlWaitlist
	r.JSON(t, &w)
	return w
}

func (e *wlEnv) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	return ccTQueryInt(t, e.f, sql, args...)
}

// labOf is the slot student i's team is booked in.
func (e *wlEnv) labOf(t *testing.T, i int) int64 {
	t.Helper()
	return int64(e.count(t, "SELECT coalesce(p.lab_id, 0)::int FROM projects p JOIN project_members m ON m.project_id = p.id WHERE m.unit = 'wl' AND m.student_number = $1", e.n[i]))
}

// wlCheckSlots checks the database's counts against the rows: booked and held are the slot's
// bookings and holds, and within its capacity.
func wlCheckSlots(t *testing.T, e *wlEnv) {
	t.Helper()
	if n := e.count(t, `SELECT count(*)::int FROM lab_slots l WHERE l.unit = 'wl' AND (
		l.booked <> (SELECT count(*) FROM projects p WHERE p.lab_id = l.id) OR
		l.held <> (SELECT count(*) FROM holds h WHERE h.lab_id = l.id) OR l.booked + l.held > l.capacity + l.forced)`); n != 0 {
		t.Fatalf("%d slots whose counts disagree with their bookings and holds", n)
	}
}

// TestWaitlistRaceForFreedPlace: slot 0 is full (team 0); team 1 is first in its line and team
// 2 second. Team 0 dissolves on one instance while teams 1, 2 and 3 (not in line) try to book
// slot 0 directly on both: every direct booking is refused (the slot is full, then held), the
// place is held for team 1 alone, and taking it moves team 1 there, which frees slot 1 for team
// 2, first in that slot's line (the accept chain).
func TestWaitlistRaceForFreedPlace(t *testing.T) {
	t.Parallel()
	for round := range 2 {
		wlRound(t, round, func(t *testing.T) { wlRaceForFreedPlace(t, round) })
	}
}

// wlRaceForFreedPlace is one round of TestWaitlistRaceForFreedPlace.
func wlRaceForFreedPlace(t *testing.T, round int) {
	e := wlNewEnv(t, 4, 5, nil) // slot 4 stays free
	a := e.team(t, 0, e.labs[0].ID)
	e.team(t, 1, e.labs[1].ID)
	e.team(t, 2, e.labs[2].ID)
	e.team(t, 3, e.labs[3].ID)
	e.queue(t, 1, e.labs[0].ID)
	e.queue(t, 2, e.labs[0].ID)
	e.queue(t, 2, e.labs[1].ID)
	reqs := []ccTRequest{{s: e.s[round%2], method: "DELETE", path: "/api/units/wl/students/" + e.n[0] + "/project", auth: e.tok[e.n[0]]}}
	for i := 1; i <= 3; i++ {
		for _, s := range e.s {
			reqs = append(reqs, ccTRequest{s: s, method: "PUT", path: "/api/units/wl/students/" + e.n[i] + "/project", auth: e.tok[e.n[i]],
				body: map[string]any{"description": "Jump the line", "lab_id": e.labs[0].ID}})
		}
	}
	rs := ccTBurst(t, reqs)
	if rs[0].Status != 204 {
		t.Fatalf("round %d: team 0 dissolves: %d %s", round, rs[0].Status, rs[0].Body)
	}
	for _, r := range rs[1:] {
		ccTWantConflict(t, r, "lab_id")
	}
	w1, w2 := e.waitlist(t, 1), e.waitlist(t, 2)
	if len(w1.Holds) != 1 || w1.Holds[0].LabID != e.labs[0].ID || len(w2.Holds) != 0 {
		t.Fatalf("round %d: holds of team 1 %+v, of team 2 %+v", round, w1.Holds, w2.Holds)
	}
	if len(w2.Entries) != 2 || w2.Entries[0].Position != 1 {
		t.Fatalf("round %d: team 2 moves up in slot 0's line: %+v", round, w2.Entries)
	}
	// The notice reached team 1 alone.
	if n := e.count(t, "SELECT count(*)::int FROM notices WHERE kind LIKE 'hold.%' AND student_number <> $1", e.n[1]); n != 0 {
		t.Fatalf("round %d: %d hold notices for students of other teams", round, n)
	}
	// The held place is not offered to anyone.
	if wlAvailable(t, e, 3)[e.labs[0].ID] {
		t.Fatalf("round %d: the held slot is offered as available", round)
	}
	wlCheckSlots(t, e)
	// Team 2 may not take team 1's hold; team 1 takes it on the other instance.
	hold := fmt.Sprintf("/api/units/wl/holds/%d/accept", w1.Holds[0].ID)
	if r := e.on(2).Client.Do(t, "POST", hold, e.tok[e.n[2]], nil); r.Status != 403 {
		t.Fatalf("team 2 takes team 1's hold: %d", r.Status)
	}
	r := e.s[(round+1)%2].Client.Do(t, "POST", hold, e.tok[e.n[1]], nil)
	var moved struct {
		LabID *int64 `json:"lab_id"`
	}
	r.JSON(t, &moved)
	if r.Status != 200 || moved.LabID == nil || *moved.LabID != e.labs[0].ID {
		t.Fatalf("round %d: team 1 takes its hold: %d %s", round, r.Status, r.Body)
	}
	w2 = e.waitlist(t, 2)
	if len(w2.Holds) != 1 || w2.Holds[0].LabID != e.labs[1].ID || len(w2.Entries) != 1 || w2.Entries[0].LabID != e.labs[0].ID {
		t.Fatalf("round %d: team 2 after team 1 moved: %+v", round, w2)
	}
	wlCheckSlots(t, e)
	if n := e.count(t, "SELECT count(*)::int FROM notices WHERE kind = 'hold.offered' AND student_number = $1", e.n[1]); n != 1 {
		t.Fatalf("team 1 has %d hold.offered notices", n)
	}
	if n := e.count(t, "SELECT count(*)::int FROM projects WHERE id = $1", a.ID); n != 0 {
		t.Fatalf("team 0 still exists")
	}
}

// wlExpire makes the hold lapse at the database's clock plus offset.
func wlExpire(t *testing.T, e *wlEnv, hid int64, offset time.Duration) {
	t.Helper()
	if _, err := e.f.Store.Pool().Exec(context.Background(),
		"UPDATE holds SET offered_at = clock_timestamp() - interval '1 hour', expires_at = clock_timestamp() + make_interval(secs => $2) WHERE id = $1",
		hid, offset.Seconds()); err != nil {
		t.Fatal(err)
	}
}

// TestWaitlistTwoSweepersReleaseOnce: three holds lapse at once while both instances sweep
// every few milliseconds and four more sweepers (services of their own on the same database)
// run at that moment: each hold is released exactly once: one hold.lapsed entry and notice, and
// one new hold for the next team in line.
func TestWaitlistTwoSweepersReleaseOnce(t *testing.T) {
	t.Parallel()
	e := wlNewEnv(t, 9, 9, map[string]string{"PAIRUP_SWEEP_INTERVAL": "5ms"})
	ctx := context.Background()
	cli, err := e.f.Service.Access(ctx, service.CommandLine, "wl")
	if err != nil {
		t.Fatal(err)
	}
	var teams []pairup.Project
	for i := range 9 {
		teams = append(teams, e.team(t, i, e.labs[i].ID))
	}
	// Slots 0..2 are full; teams 3..5 are first in their lines, teams 6..8 second.
	for k := range 3 {
		e.queue(t, 3+k, e.labs[k].ID)
		e.queue(t, 6+k, e.labs[k].ID)
	}
	for k := range 3 {
		if err := e.f.Service.DissolveProject(ctx, cli, teams[k].ID, service.Intervention{Reason: "sweep test"}); err != nil {
			t.Fatal(err)
		}
	}
	var holds []int64
	for k := range 3 {
		w := e.waitlist(t, 3+k)
		if len(w.Holds) != 1 {
			t.Fatalf("team %d holds %+v", 3+k, w.Holds)
		}
		holds = append(holds, w.Holds[0].ID)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 4 {
		svc := service.New(store.New(e.f.Store.Pool()), time.Now)
		wg.Go(func() {
			<-start
			if _, err := svc.SweepHolds(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	for _, h := range holds {
		wlExpire(t, e, h, -time.Second)
	}
	close(start)
	wg.Wait()
	wlPoll(t, "the lapsed holds pass on", func() bool {
		return e.count(t, "SELECT count(*)::int FROM holds WHERE unit = 'wl' AND project_id = ANY($1)", []int64{teams[6].ID, teams[7].ID, teams[8].ID}) == 3
	})
	// Every sweeper has had its chance; the counts must not move on.
	for range 3 {
		svc := service.New(store.New(e.f.Store.Pool()), time.Now)
		if n, err := svc.SweepHolds(ctx); n != 0 || err != nil {
			t.Fatalf("a later sweep released %d: %v", n, err)
		}
	}
	for k := range 3 {
		first, second := e.n[3+k], e.n[6+k]
		if n := e.count(t, "SELECT count(*)::int FROM notices WHERE kind = 'hold.lapsed' AND student_number = $1", first); n != 1 {
			t.Errorf("team %d has %d hold.lapsed notices, want 1", 3+k, n)
		}
		if n := e.count(t, "SELECT count(*)::int FROM notices WHERE kind = 'hold.offered' AND student_number = $1", second); n != 1 {
			t.Errorf("team %d has %d hold.offered notices, want 1", 6+k, n)
		}
		if w := e.waitlist(t, 3+k); len(w.Holds)+len(w.Entries) != 0 {
			t.Errorf("team %d still waits: %+v", 3+k, w)
		}
	}
	if n := e.count(t, "SELECT count(*)::int FROM audit_log WHERE unit = 'wl' AND action = 'hold.lapsed'"); n != 3 {
		t.Errorf("%d hold.lapsed entries, want 3", n)
	}
	if n := e.count(t, "SELECT count(*)::int FROM audit_log WHERE unit = 'wl' AND action = 'hold.offered'"); n != 6 {
		t.Errorf("%d hold.offered entries, want 6", n)
	}
	wlCheckSlots(t, e)
}

// TestWaitlistAcceptWhileLapsing: a hold lapses (on the database's clock) just as its team's
// accept arrives, while both instances sweep: exactly one outcome each round: accepted (the team
// is in the slot, the next in line still waits), or lapsed and passed on (a 409 naming hid, the
// next in line holds the place). Never both, never a place lost.
func TestWaitlistAcceptWhileLapsing(t *testing.T) {
	t.Parallel()
	outcomes := map[int]int{}
	for round, offset := range []time.Duration{0, 10 * time.Millisecond, 25 * time.Millisecond, 60 * time.Millisecond} {
		wlRound(t, round, func(t *testing.T) { outcomes[wlAcceptWhileLapsing(t, round, offset)]++ })
	}
	t.Logf("outcomes by status: %v", outcomes)
}

// wlAcceptWhileLapsing is one round of TestWaitlistAcceptWhileLapsing; it returns the accept's status.
func wlAcceptWhileLapsing(t *testing.T, round int, offset time.Duration) int {
	e := wlNewEnv(t, 3, 3, map[string]string{"PAIRUP_SWEEP_INTERVAL": "2ms"})
	ctx := context.Background()
	zero := e.team(t, 0, e.labs[0].ID)
	e.team(t, 1, e.labs[1].ID)
	e.team(t, 2, e.labs[2].ID)
	e.queue(t, 1, e.labs[0].ID)
	e.queue(t, 2, e.labs[0].ID)
	cli, _ := e.f.Service.Access(ctx, service.CommandLine, "wl")
	if err := e.f.Service.DissolveProject(ctx, cli, zero.ID, service.Intervention{Reason: "race"}); err != nil {
		t.Fatal(err)
	}
	h := e.waitlist(t, 1).Holds[0].ID
	// The accept arrives at about the expiry: a little before or after, as the round goes.
	wlExpire(t, e, h, offset)
	r := e.on(round).Client.Do(t, "POST", "/api/units/wl/holds/"+strconv.FormatInt(h, 10)+"/accept", e.tok[e.n[1]], nil)
	switch r.Status {
	case 200:
		if e.labOf(t, 1) != e.labs[0].ID {
			t.Fatalf("round %d: accepted, but team 1 is in %d", round, e.labOf(t, 1))
		}
	case 409, 404:
		// 409: the accept found the hold lapsed and released it; 404: a sweeper had released
		// it (and its row) just before the accept read it.
		if r.Status == 409 {
			ccTWantConflict(t, r, "hid")
		} else if !strings.Contains(string(r.Body), "no such hold") {
			t.Fatalf("round %d: accept: 404 %s, want no such hold", round, r.Body)
		}
		wlPoll(t, "the lapsed place passes to team 2", func() bool { return len(e.waitlist(t, 2).Holds) == 1 })
		if e.labOf(t, 1) != e.labs[1].ID {
			t.Fatalf("round %d: refused, but team 1 moved", round)
		}
	default:
		t.Fatalf("round %d: accept: %d %s", round, r.Status, r.Body)
	}
	accepted := e.count(t, "SELECT count(*)::int FROM audit_log WHERE unit = 'wl' AND action = 'hold.accepted'")
	lapsed := e.count(t, "SELECT count(*)::int FROM audit_log WHERE unit = 'wl' AND action = 'hold.lapsed'")
	if accepted+lapsed != 1 || (accepted == 1) != (r.Status == 200) {
		t.Fatalf("round %d: %d accepted and %d lapsed for one hold (status %d)", round, accepted, lapsed, r.Status)
	}
	if n := e.count(t, "SELECT (booked + held)::int FROM lab_slots WHERE id = $1", e.labs[0].ID); n != 1 {
		t.Fatalf("round %d: slot 0 has %d places taken, want 1", round, n)
	}
	wlCheckSlots(t, e)
	return r.Status
}

// wlRound runs one round as a subtest of its own, so that its servers and database go (and
// give back their connections) before the next round starts.
func wlRound(t *testing.T, round int, f func(t *testing.T)) {
	t.Helper()
	if !t.Run(fmt.Sprintf("round_%d", round), f) {
		t.FailNow()
	}
}

// wlPoll waits, up to 10 seconds, for the instances' sweepers to bring about cond.
func wlPoll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitFor(t, what, 10*time.Second, cond)
}

// wlAvailable returns the ids of the slots GET /api/units/wl/labs offers student i.
func wlAvailable(t *testing.T, e *wlEnv, i int) map[int64]bool {
	t.Helper()
	r := e.on(i).Client.Do(t, "GET", "/api/units/wl/labs", e.tok[e.n[i]], nil)
	if r.Status != 200 {
		t.Fatalf("available labs: %d %s", r.Status, r.Body)
	}
	var body struct {
		Labs []struct {
			LabID int64 `json:"lab_id"`
		} `json:"available_labs"`
	}
	r.JSON(t, &body)
	out := map[int64]bool{}
	for _, l := range body.Labs {
		out[l.LabID] = true
	}
	if len(out) == 0 {
		t.Fatalf("no slot available at all: %s", r.Body)
	}
	return out
}
