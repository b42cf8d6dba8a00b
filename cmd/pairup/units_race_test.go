package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// urTrio makes a unit "trio" of teams of exactly three with n students (numbers 37000000+i) and
// the slots, served by two instances.
func urTrio(t *testing.T, students, slots, capacity int) (*fixture, [2]*testServer, []string, []int64) {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "trio", TeamMin: 3, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	numbers, err := f.Make.Students(ctx, "trio", 37000000, students, "Trio")
	if err != nil {
		t.Fatal(err)
	}
	labs, err := f.Make.Session(ctx, "trio", "T 1", slotDay(), slots, 5*time.Minute, capacity)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(labs))
	for i, l := range labs {
		ids[i] = l.ID
	}
	return f, ccTServers(t, f), numbers, ids
}

func urCreate(s *testServer, tok apitest.Bearer, creator string, partners []string, lab int64) ccTRequest {
	return ccTRequest{s: s, method: "POST", path: "/api/units/trio/students/" + creator + "/project", auth: tok, body: map[string]any{
		"partnerNumbers": partners, "description": "Team of " + creator, "lab_id": lab,
	}}
}

// TestUnitsTenTeamsOfThreeOverlap: ten creators, each naming two of the same five partners, on
// two instances at once. Whoever wins, no student ends up in two teams, and every refusal is a
// 409 naming partnerNumbers.
func TestUnitsTenTeamsOfThreeOverlap(t *testing.T) {
	t.Parallel()
	f, servers, n, labs := urTrio(t, 15, 10, 1)
	toks := ccTSignIn(t, servers, n[:10]...)
	var reqs []ccTRequest
	for i := range 10 {
		partners := []string{n[10+i%5], n[10+(i+1)%5]}
		reqs = append(reqs, urCreate(servers[i%2], toks[n[i]], n[i], partners, labs[i]))
	}
	rs := ccTBurst(t, reqs)
	count := ccTCount(rs)
	if count[201] < 1 || count[201] > 2 || count[201]+count[409] != 10 {
		t.Fatalf("statuses %v: want 1 or 2 teams (five partners make at most two), the rest 409", count)
	}
	seen := map[string]int{}
	for i, r := range rs {
		if r.Status == 409 {
			ccTWantConflict(t, r, "partnerNumbers")
			continue
		}
		var p project
		r.JSON(t, &p)
		if len(p.Members) != 3 || p.Members[0].ID != n[i] {
			t.Fatalf("team %d: %+v", i, p)
		}
		for _, m := range p.Members {
			seen[m.ID]++
		}
	}
	for number, k := range seen {
		if k > 1 {
			t.Errorf("student %s is in %d teams", number, k)
		}
	}
	if got := ccTQueryInt(t, f, "SELECT count(*) FROM project_members WHERE unit = 'trio'"); got != 3*count[201] {
		t.Errorf("%d members in the database for %d teams", got, count[201])
	}
	if got := ccTQueryInt(t, f, "SELECT count(*) FROM projects WHERE unit = 'trio'"); got != count[201] {
		t.Errorf("%d teams in the database, %d created", got, count[201])
	}
}

// TestUnitsTwentyTeamsOfThreeOneSlot: twenty teams of three, sixty different students, race for
// one slot on two instances: exactly one wins, the others get 409 naming lab_id and leave no
// trace.
func TestUnitsTwentyTeamsOfThreeOneSlot(t *testing.T) {
	t.Parallel()
	f, servers, n, labs := urTrio(t, 60, 1, 1)
	creators := make([]string, 20)
	for i := range creators {
		creators[i] = n[3*i]
	}
	toks := ccTSignIn(t, servers, creators...)
	var reqs []ccTRequest
	for i, c := range creators {
		reqs = append(reqs, urCreate(servers[i%2], toks[c], c, []string{n[3*i+1], n[3*i+2]}, labs[0]))
	}
	rs := ccTBurst(t, reqs)
	if count := ccTCount(rs); count[201] != 1 || count[409] != 19 {
		t.Fatalf("statuses %v, want one 201 and nineteen 409", count)
	}
	for _, r := range rs {
		if r.Status == 409 {
			ccTWantConflict(t, r, "lab_id")
		}
	}
	for _, c := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM projects WHERE unit = 'trio'", 1},
		{"SELECT count(*) FROM project_members WHERE unit = 'trio'", 3},
		{"SELECT booked FROM lab_slots WHERE unit = 'trio'", 1},
		{"SELECT count(*) FROM audit_log WHERE unit = 'trio' AND action = 'project.created'", 1},
	} {
		if got := ccTQueryInt(t, f, c.sql); got != c.want {
			t.Errorf("%s = %d, want %d", c.sql, got, c.want)
		}
	}
}

// TestUnitsPolicyChangeRacesJoins: a coordinator lowers team_max to 2 while students form teams
// of three on the other instance. Either the change waits for the teams (and is refused, 409)
// or the teams wait for the change (and are refused, 400): never a team above team_max.
func TestUnitsPolicyChangeRacesJoins(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "flex", TeamMin: 2, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	n, err := f.Make.Students(ctx, "flex", 38000000, 30, "Flex")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "flex", testfactory.Person{Number: "38999999", Role: "coordinator"}); err != nil {
		t.Fatal(err)
	}
	labs, err := f.Make.Session(ctx, "flex", "F 1", slotDay(), 10, 5*time.Minute, 1)
	if err != nil {
		t.Fatal(err)
	}
	servers := ccTServers(t, f)
	creators := make([]string, 10)
	for i := range creators {
		creators[i] = n[3*i]
	}
	toks := ccTSignIn(t, servers, creators...)
	coord := signIn(t, servers[1], "38999999")
	var reqs []ccTRequest
	for i, c := range creators {
		reqs = append(reqs, ccTRequest{s: servers[0], method: "POST", path: "/api/units/flex/students/" + c + "/project", auth: toks[c],
			body: map[string]any{"partnerNumbers": []string{n[3*i+1], n[3*i+2]}, "description": "x", "lab_id": labs[i].ID}})
	}
	reqs = append(reqs, ccTRequest{s: servers[1], method: "PATCH", path: "/api/units/flex", auth: coord,
		body: map[string]any{"policy": map[string]any{"team_max": 2}}})
	rs := ccTBurst(t, reqs)
	patch := rs[len(rs)-1]
	teams := ccTCount(rs[:len(rs)-1])[201]
	switch patch.Status {
	case 200:
		// The change won the race for the teams that came after it.
		for _, r := range rs[:len(rs)-1] {
			if r.Status != 201 && r.Status != 400 {
				t.Fatalf("team: %d %s", r.Status, r.Body)
			}
		}
		if teams != 0 {
			t.Fatalf("team_max became 2 while %d teams of three exist", teams)
		}
	case 409:
		if !slices.Contains(patch.Problem(t).Fields(), "policy.team_max") || teams == 0 {
			t.Fatalf("PATCH refused with %s while %d teams were formed", patch.Body, teams)
		}
	default:
		t.Fatalf("PATCH: %d %s", patch.Status, patch.Body)
	}
	largest := ccTQueryInt(t, f, "SELECT coalesce(max(c), 0) FROM (SELECT count(*) AS c FROM project_members WHERE unit = 'flex' GROUP BY project_id) s")
	max := ccTQueryInt(t, f, "SELECT team_max FROM units WHERE code = 'flex'")
	if largest > max {
		t.Fatalf("a team of %d in a unit with team_max %d", largest, max)
	}
}
