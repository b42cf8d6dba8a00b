package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// rkEnv is a database with ranked units of pairs, two server instances on it and a coordinator.
type rkEnv struct {
	f     *fixture
	s     [2]*testServer
	coord string
	next  int
}

// rkNewEnv starts two instances whose own allocation tickers run every interval.
func rkNewEnv(t *testing.T, interval time.Duration) *rkEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	env := map[string]string{"PAIRUP_ALLOCATE_INTERVAL": interval.String()}
	e := &rkEnv{f: f, coord: "34000999", next: 34000000}
	e.s = [2]*testServer{startServer(t, f.DBURL, env), startServer(t, f.DBURL, env)}
	return e
}

// rkUnit is one ranked unit of pairs, open until closes, with its slots and teams.
type rkUnit struct {
	code  string
	labs  []pairup.LabSlot
	teams []pairup.Project
}

// unit makes a ranked unit with n slots of the capacity and the given number of slot-less
// teams of two, formed by the command line.
func (e *rkEnv) unit(t *testing.T, code string, booking string, slots, capacity, teams int) rkUnit {
	t.Helper()
	ctx := context.Background()
	closes := time.Now().Add(24 * time.Hour)
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: code, Booking: booking, ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	if err := e.f.Make.Enrol(ctx, code, testfactory.Person{Number: e.coord, Name: "Coordinator", Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	u := rkUnit{code: code}
	var err error
	if u.labs, err = e.f.Make.Session(ctx, code, "Lab", slotDay(), slots, 15*time.Minute, capacity); err != nil {
		t.Fatal(err)
	}
	lab := int64(0)
	if booking != pairup.BookingRanked {
		lab = u.labs[0].ID
	}
	for range teams {
		numbers, err := e.f.Make.Students(ctx, code, e.next, 2, "Rk")
		if err != nil {
			t.Fatal(err)
		}
		e.next += 2
		p, err := e.f.Make.Team(ctx, code, numbers[0], numbers[1:], lab, "")
		if err != nil {
			t.Fatal(err)
		}
		u.teams = append(u.teams, p)
	}
	return u
}

// close sets the unit's closes_at to the past.
func (e *rkEnv) close(t *testing.T, code string) {
	t.Helper()
	closed := time.Now().Add(-time.Minute)
	if _, err := e.f.Make.Unit(context.Background(), testfactory.UnitSpec{Code: code, Booking: pairup.BookingRanked, ClosesAt: &closed}); err != nil {
		t.Fatal(err)
	}
}

func (e *rkEnv) rank(t *testing.T, s *testServer, tok apitest.Auth, code string, pid int64, labs ...int64) *apitest.Response {
	t.Helper()
	return s.Client.Do(t, "PUT", fmt.Sprintf("/api/units/%s/projects/%d/ranking", code, pid), tok, map[string]any{"labs": labs})
}

type rkAllocation struct {
	Seed         int64
	By           string
	Automatic    bool
	Distribution []struct {
		Rank   *int
		Placed bool
		Teams  int
	}
	Teams []struct {
		Pid   int64
		LabID *int64 `json:"lab_id"`
		Rank  *int
	}
}

func (e *rkEnv) allocationRuns(t *testing.T, code string) int {
	t.Helper()
	return ccTQueryInt(t, e.f, "SELECT count(*) FROM allocation_runs WHERE unit = $1", code)
}

// checkBookedOnce checks that the unit's teams have the slots its allocation results say, that
// every slot's booked count matches its teams and stays within capacity, and that the one
// allocation.ran audit entry and every member's notice are there.
func (e *rkEnv) checkBookedOnce(t *testing.T, u rkUnit) {
	t.Helper()
	if n := e.allocationRuns(t, u.code); n != 1 {
		t.Fatalf("unit %s: %d allocation runs, want 1", u.code, n)
	}
	if n := ccTQueryInt(t, e.f, "SELECT count(*) FROM audit_log WHERE unit = $1 AND action = 'allocation.ran'", u.code); n != 1 {
		t.Fatalf("unit %s: %d allocation.ran entries, want 1", u.code, n)
	}
	if n := ccTQueryInt(t, e.f, `SELECT count(*) FROM allocation_results r JOIN projects p ON p.unit = r.unit AND p.id = r.project_id
		WHERE r.unit = $1 AND p.lab_id IS NOT DISTINCT FROM r.lab_id`, u.code); n != len(u.teams) {
		t.Fatalf("unit %s: %d of %d teams have the slot the allocation gave them", u.code, n, len(u.teams))
	}
	if n := ccTQueryInt(t, e.f, `SELECT count(*) FROM lab_slots l WHERE l.unit = $1
		AND (l.booked <> (SELECT count(*) FROM projects p WHERE p.unit = l.unit AND p.lab_id = l.id) OR l.booked > l.capacity)`, u.code); n != 0 {
		t.Fatalf("unit %s: %d slots with a wrong booked count or over capacity", u.code, n)
	}
	if n := ccTQueryInt(t, e.f, "SELECT count(*) FROM notices WHERE unit = $1 AND kind = 'slot.allocated'", u.code); n != 2*len(u.teams) {
		t.Fatalf("unit %s: %d allocation notices, want one per member (%d)", u.code, n, 2*len(u.teams))
	}
}

// TestRankedAllocateDueRunsOnceAcrossInstances: three ranked units close; two instances (each
// its own pool) call AllocateDue at the same moment, repeatedly: each unit is allocated exactly
// once, with one audit entry, each team booked once, within capacity.
func TestRankedAllocateDueRunsOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	e := rkNewEnv(t, time.Hour)
	var units []rkUnit
	for i := range 3 {
		u := e.unit(t, fmt.Sprintf("rk-due-%d", i), pairup.BookingRanked, 3, 2, 5) // 6 places, 5 teams
		for j, p := range u.teams {
			tok := signIn(t, e.s[j%2], p.Members[0].Number)
			if r := e.rank(t, e.s[j%2], tok, u.code, p.ID, u.labs[j%3].ID, u.labs[(j+1)%3].ID); r.Status != 200 {
				t.Fatalf("rank: %d %s", r.Status, r.Body)
			}
		}
		units = append(units, u)
	}
	ctx := context.Background()
	other, err := store.Open(ctx, e.f.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	instances := []*service.Service{e.f.Service, service.New(other, time.Now)}
	// Not due yet: nothing runs.
	if n, err := instances[1].AllocateDue(ctx); err != nil || n != 0 {
		t.Fatalf("before closes_at: %d, %v", n, err)
	}
	for _, u := range units {
		e.close(t, u.code)
	}
	total := 0
	for range 3 {
		var wg sync.WaitGroup
		ran := make([]int, len(instances))
		errs := make([]error, len(instances))
		start := make(chan struct{})
		for i, svc := range instances {
			wg.Go(func() {
				<-start
				ran[i], errs[i] = svc.AllocateDue(ctx)
			})
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		total += ran[0] + ran[1]
	}
	if total != len(units) {
		t.Fatalf("the instances ran %d allocations for %d units", total, len(units))
	}
	for _, u := range units {
		e.checkBookedOnce(t, u)
		r := e.s[0].Client.Do(t, "GET", "/api/units/"+u.code+"/allocation", signIn(t, e.s[0], e.coord), nil)
		var a rkAllocation
		r.JSON(t, &a)
		if r.Status != 200 || !a.Automatic || a.By != service.AllocationServer.Person.Name || len(a.Teams) != 5 {
			t.Fatalf("allocation of %s: %d %s", u.code, r.Status, r.Body)
		}
		// Two teams rank each slot first and there are two places in each: everyone gets a
		// first choice.
		if a.Distribution[0].Rank == nil || *a.Distribution[0].Rank != 1 || a.Distribution[0].Teams != 5 {
			t.Fatalf("distribution of %s: %s", u.code, r.Body)
		}
	}
}

// TestRankedTickerAllocatesAtClose: both instances' own tickers notice the closed unit; exactly
// one allocates it, and the students see their slots.
func TestRankedTickerAllocatesAtClose(t *testing.T) {
	t.Parallel()
	e := rkNewEnv(t, 20*time.Millisecond)
	u := e.unit(t, "rk-tick", pairup.BookingRanked, 2, 1, 2)
	tok := signIn(t, e.s[1], u.teams[0].Members[1].Number)
	if r := e.rank(t, e.s[1], tok, u.code, u.teams[0].ID, u.labs[1].ID); r.Status != 200 {
		t.Fatalf("rank: %d %s", r.Status, r.Body)
	}
	// The member's socket hears the allocation's notice, whichever instance's ticker ran it.
	ws := dialWS(t, e.s[0], tok)
	e.close(t, u.code)
	for {
		if n := ntPushed(t, ws.expect("notice")); n.Kind == pairup.NoticeAllocated {
			break
		}
	}
	if n := e.allocationRuns(t, u.code); n != 1 {
		t.Fatalf("%d allocation runs, want 1", n)
	}
	e.checkBookedOnce(t, u)
	r := e.s[0].Client.Do(t, "GET", fmt.Sprintf("/api/units/%s/projects/%d/ranking", u.code, u.teams[0].ID), tok, nil)
	var rk struct {
		Result struct {
			Ran   bool
			LabID *int64 `json:"lab_id"`
			Rank  *int
		}
	}
	r.JSON(t, &rk)
	if r.Status != 200 || !rk.Result.Ran || rk.Result.LabID == nil || *rk.Result.LabID != u.labs[1].ID || rk.Result.Rank == nil || *rk.Result.Rank != 1 {
		t.Fatalf("the team's ranking after the allocation: %d %s", r.Status, r.Body)
	}
}

// TestRankedRules: rankings only in ranked units, by members and coordinators, validated by
// index; students cannot book in a ranked unit; a closed unit takes coordinators' rankings only;
// a coordinator's allocation runs once with its seed, and each student sees their own team.
func TestRankedRules(t *testing.T) {
	t.Parallel()
	e := rkNewEnv(t, time.Hour)
	fc := e.unit(t, "rk-fc", pairup.BookingFirstCome, 2, 1, 1)
	u := e.unit(t, "rk-rules", pairup.BookingRanked, 4, 1, 3)
	s := e.s[0]
	coord := signIn(t, s, e.coord)
	member := signIn(t, s, u.teams[0].Members[0].Number)
	outsider := signIn(t, s, u.teams[1].Members[0].Number)
	fcMember := signIn(t, s, fc.teams[0].Members[0].Number)

	wantField := func(r *apitest.Response, status int, field string) {
		t.Helper()
		if r.Status != status || !slices.Contains(r.Problem(t).Fields(), field) {
			t.Fatalf("status %d naming %v, want %d naming %s: %s", r.Status, r.Problem(t).Fields(), status, field, r.Body)
		}
	}
	// A first-come unit has no rankings and no allocation.
	wantField(e.rank(t, s, fcMember, fc.code, fc.teams[0].ID, fc.labs[1].ID), 409, "booking")
	wantField(s.Client.Do(t, "GET", fmt.Sprintf("/api/units/%s/projects/%d/ranking", fc.code, fc.teams[0].ID), fcMember, nil), 409, "booking")
	wantField(s.Client.Do(t, "POST", "/api/units/"+fc.code+"/allocation", signIn(t, s, e.coord), map[string]any{}), 409, "booking")

	// Students of a ranked unit cannot book themselves; coordinators can.
	path := fmt.Sprintf("/api/units/%s/students/%s/project", u.code, u.teams[0].Members[0].Number)
	wantField(s.Client.Do(t, "PUT", path, member, map[string]any{"description": "x", "lab_id": u.labs[0].ID}), 409, "lab_id")

	// Validation, by index.
	pid := u.teams[0].ID
	wantField(e.rank(t, s, member, u.code, pid), 400, "labs")
	wantField(e.rank(t, s, member, u.code, pid, u.labs[0].ID, u.labs[0].ID), 400, "labs[1]")
	wantField(e.rank(t, s, member, u.code, pid, u.labs[1].ID, fc.labs[0].ID), 400, "labs[1]")
	wantField(e.rank(t, s, member, u.code, pid, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 400, "labs")
	if r := e.rank(t, s, outsider, u.code, pid, u.labs[0].ID); r.Status != 403 {
		t.Fatalf("another team's student ranks: %d %s", r.Status, r.Body)
	}
	r := e.rank(t, s, member, u.code, pid, u.labs[2].ID, u.labs[0].ID)
	var rk struct {
		Labs []struct {
			LabID int64 `json:"lab_id"`
			Rank  int
		}
		UpdatedAt *time.Time `json:"updated_at"`
	}
	r.JSON(t, &rk)
	if r.Status != 200 || len(rk.Labs) != 2 || rk.Labs[0].LabID != u.labs[2].ID || rk.Labs[1].Rank != 2 || rk.UpdatedAt == nil {
		t.Fatalf("rank: %d %s", r.Status, r.Body)
	}
	if r := s.Client.Do(t, "GET", "/api/units/"+u.code+"/allocation", member, nil); r.Status != 404 {
		t.Fatalf("the allocation before it ran: %d %s", r.Status, r.Body)
	}

	// Closed: students no longer rank, coordinators still do (until the allocation).
	e.close(t, u.code)
	if r := e.rank(t, s, member, u.code, pid, u.labs[1].ID); r.Status != 409 {
		t.Fatalf("a student ranks after close: %d %s", r.Status, r.Body)
	}
	if r := e.rank(t, s, coord, u.code, u.teams[1].ID, u.labs[2].ID, u.labs[3].ID); r.Status != 200 {
		t.Fatalf("a coordinator ranks after close: %d %s", r.Status, r.Body)
	}

	// A coordinator allocates now, with a seed: both teams wanted slot 2 first, one place.
	alloc := "/api/units/" + u.code + "/allocation"
	if r := s.Client.Do(t, "POST", alloc, member, map[string]any{}); r.Status != 403 {
		t.Fatalf("a student allocates: %d", r.Status)
	}
	wantField(s.Client.Do(t, "POST", alloc, coord, map[string]any{"seed": -1}), 400, "seed")
	r = e.s[1].Client.Do(t, "POST", alloc, signIn(t, e.s[1], e.coord), map[string]any{"seed": 42})
	var a rkAllocation
	r.JSON(t, &a)
	if r.Status != 200 || a.Seed != 42 || a.Automatic || a.By != "Coordinator" || len(a.Teams) != 3 {
		t.Fatalf("allocate: %d %s", r.Status, r.Body)
	}
	wantField(s.Client.Do(t, "POST", alloc, coord, map[string]any{}), 409, "allocation")
	wantField(e.rank(t, s, coord, u.code, pid, u.labs[1].ID), 409, "allocation")
	e.checkBookedOnce(t, u)
	var seed int64
	if err := e.f.Store.Pool().QueryRow(context.Background(),
		"SELECT (details->>'seed')::bigint FROM audit_log WHERE unit = $1 AND action = 'allocation.ran'", u.code).Scan(&seed); err != nil || seed != 42 {
		t.Fatalf("the audit entry's seed: %d, %v", seed, err)
	}
	// Slot 2 went to one of the two teams that ranked it first; the other got its second choice.
	ranks := map[int64]int{}
	for _, row := range a.Teams {
		if row.LabID == nil {
			t.Fatalf("a team without a slot though places sufficed: %s", r.Body)
		}
		if row.Rank != nil {
			ranks[row.Pid] = *row.Rank
		}
	}
	if ranks[u.teams[0].ID]+ranks[u.teams[1].ID] != 3 {
		t.Fatalf("ranks %v, want a first and a second choice between the two teams: %s", ranks, r.Body)
	}
	// A student sees their own team's row only.
	r = s.Client.Do(t, "GET", alloc, member, nil)
	var mine rkAllocation
	r.JSON(t, &mine)
	if r.Status != 200 || len(mine.Teams) != 1 || mine.Teams[0].Pid != pid || mine.Seed != 42 {
		t.Fatalf("a student's view of the allocation: %d %s", r.Status, r.Body)
	}
	// The notice says what the team got.
	var text string
	if err := e.f.Store.Pool().QueryRow(context.Background(),
		"SELECT text FROM notices WHERE unit = $1 AND student_number = $2 AND kind = 'slot.allocated'", u.code, u.teams[0].Members[0].Number).Scan(&text); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "your 1st choice", 2: "your 2nd choice"}[ranks[pid]]
	if !slices.Contains([]string{want}, text[len(text)-len(want)-1:len(text)-1]) {
		t.Fatalf("notice %q, want it to end with %q", text, want)
	}
}

// TestRankedAllocationRaces: coordinators start the allocation on both instances while every
// team saves a new ranking: exactly one run; each ranking save either came first (and the
// allocation used it: the rank it recorded is the slot's place in the saved ranking) or was
// refused with 409 naming allocation and changed nothing.
func TestRankedAllocationRaces(t *testing.T) {
	t.Parallel()
	e := rkNewEnv(t, time.Hour)
	for round := range 3 {
		u := e.unit(t, fmt.Sprintf("rk-race-%d", round), pairup.BookingRanked, 4, 2, 6)
		coords := [2]apitest.Bearer{signIn(t, e.s[0], e.coord), signIn(t, e.s[1], e.coord)}
		var reqs []ccTRequest
		for i, p := range u.teams {
			s := e.s[i%2]
			tok := signIn(t, s, p.Members[0].Number)
			// A first ranking, then the racing one (reversed).
			first := []int64{u.labs[i%4].ID, u.labs[(i+1)%4].ID, u.labs[(i+2)%4].ID}
			if r := e.rank(t, s, tok, u.code, p.ID, first...); r.Status != 200 {
				t.Fatalf("rank: %d %s", r.Status, r.Body)
			}
			reqs = append(reqs, ccTRequest{s: s, method: "PUT", path: fmt.Sprintf("/api/units/%s/projects/%d/ranking", u.code, p.ID), auth: tok,
				body: map[string]any{"labs": []int64{first[2], first[1], first[0]}}})
		}
		for i := range 4 {
			reqs = append(reqs, ccTRequest{s: e.s[i%2], method: "POST", path: "/api/units/" + u.code + "/allocation", auth: coords[i%2], body: map[string]any{}})
		}
		rs := ccTBurst(t, reqs)
		ran := 0
		for i, r := range rs {
			switch {
			case i >= len(u.teams) && r.Status == 200:
				ran++
			case r.Status == 409:
				ccTWantConflict(t, r, "allocation")
			case r.Status != 200:
				t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
			}
		}
		if ran != 1 {
			t.Fatalf("round %d: %d allocations succeeded, want 1", round, ran)
		}
		e.checkBookedOnce(t, u)
		// The rank each team got is its slot's place in the ranking as it stands.
		if n := ccTQueryInt(t, e.f, `SELECT count(*) FROM allocation_results a
			WHERE a.unit = $1 AND a.rank IS DISTINCT FROM (SELECT r.rank FROM rankings r WHERE r.unit = a.unit AND r.project_id = a.project_id AND r.lab_id = a.lab_id)`, u.code); n != 0 {
			t.Fatalf("round %d: %d teams' recorded ranks disagree with their saved rankings", round, n)
		}
		for i, r := range rs[:len(u.teams)] {
			want := reqs[i].body.(map[string]any)["labs"].([]int64)
			if r.Status == 409 {
				want = []int64{want[2], want[1], want[0]} // refused: the first ranking stands
			}
			got := ccTQueryInt(t, e.f, "SELECT lab_id FROM rankings WHERE unit = $1 AND project_id = $2 AND rank = 1", u.code, u.teams[i].ID)
			if int64(got) != want[0] {
				t.Fatalf("round %d: team %d's first choice is %d, want %d (status %d)", round, u.teams[i].ID, got, want[0], r.Status)
			}
		}
	}
}
