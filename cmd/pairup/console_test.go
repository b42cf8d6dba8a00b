package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// ctEnv is a unit "ops" (teams of 2 to 3, open, UTC) with students, a coordinator, slots of
// capacity 1, a site admin, and two server instances.
type ctEnv struct {
	f       *fixture
	s       [2]*testServer
	n       []string // students of ops
	coord   string
	admin   string
	labs    []pairup.LabSlot
	coordOn [2]apitest.Bearer
}

func ctNewEnv(t *testing.T, students, slots int) *ctEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &ctEnv{f: f, coord: "33000999", admin: "33000998"}
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.n, err = f.Make.Students(ctx, "ops", 33000000, students, "Ops"); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "ops", testfactory.Person{Number: e.coord, Name: "Coordinator", Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "default", testfactory.Person{Number: e.admin, Name: "Site Admin"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Service.SetSiteAdmin(ctx, service.CommandLine, e.admin, true); err != nil {
		t.Fatal(err)
	}
	if e.labs, err = f.Make.Session(ctx, "ops", "Lab", slotDay(), slots, 15*time.Minute, 1); err != nil {
		t.Fatal(err)
	}
	e.s = ccTServers(t, f)
	for i := range e.s {
		e.coordOn[i] = signIn(t, e.s[i], e.coord)
	}
	return e
}

func (e *ctEnv) team(t *testing.T, lab int64, members ...string) pairup.Project {
	t.Helper()
	p, err := e.f.Make.Team(context.Background(), "ops", members[0], members[1:], lab, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *ctEnv) audit(t *testing.T, filter string) []struct {
	ID      int64
	Action  string
	Pid     *int64
	Student *string
	Reason  *string
	Details map[string]any
} {
	t.Helper()
	r := e.s[0].Client.Do(t, "GET", "/api/units/ops/audit?limit=200"+filter, e.coordOn[0], nil)
	if r.Status != 200 {
		t.Fatalf("audit: %d %s", r.Status, r.Body)
	}
	var page struct {
		Entries []struct {
			ID      int64
			Action  string
			Pid     *int64
			Student *string
			Reason  *string
			Details map[string]any
		}
	}
	r.JSON(t, &page)
	return page.Entries
}

// ctChanged reads frames until the project.changed of that team, skipping other teams' pushes.
func ctChanged(w *wsConn, pid int64) frame {
	w.t.Helper()
	for {
		f := w.expect("project.changed")
		if strings.Contains(string(f.Raw), fmt.Sprintf(`"pid":%d,`, pid)) {
			return f
		}
	}
}

func ctQuery(t *testing.T, e *ctEnv, sql string, args ...any) int {
	return ccTQueryInt(t, e.f, sql, args...)
}

// TestConsoleTwoCoordinatorsRaceForTheLastPlace: two coordinators, on two instances, move two
// teams into the same last place at once: exactly one wins, the other gets 409 naming lab_id.
func TestConsoleTwoCoordinatorsRaceForTheLastPlace(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		e := ctNewEnv(t, 4, 3)
		a, b := e.team(t, e.labs[0].ID, e.n[0], e.n[1]), e.team(t, e.labs[1].ID, e.n[2], e.n[3])
		second := signIn(t, e.s[1], e.coord)
		rs := ccTBurst(t, []ccTRequest{
			{s: e.s[0], method: "POST", path: fmt.Sprintf("/api/units/ops/projects/%d/move", a.ID), auth: e.coordOn[0], body: map[string]any{"lab_id": e.labs[2].ID, "reason": "round " + strconv.Itoa(round)}},
			{s: e.s[1], method: "POST", path: fmt.Sprintf("/api/units/ops/projects/%d/move", b.ID), auth: second, body: map[string]any{"lab_id": e.labs[2].ID}},
		})
		if c := ccTCount(rs); c[200] != 1 || c[409] != 1 {
			t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, c)
		}
		for _, r := range rs {
			if r.Status == 409 {
				ccTWantConflict(t, r, "lab_id")
			}
		}
		if got := ctQuery(t, e, "SELECT booked FROM lab_slots WHERE unit = 'ops' AND id = $1", e.labs[2].ID); got != 1 {
			t.Fatalf("round %d: the last place holds %d teams", round, got)
		}
		if got := len(e.audit(t, "&action=project.moved")); got != 1 {
			t.Fatalf("round %d: %d project.moved entries, want 1", round, got)
		}
	}
}

// TestConsoleInterventions: each intervention is a coordinator's, takes a reason, writes its audit
// entry and is pushed at once to the team's members.
func TestConsoleInterventions(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 8, 6)
	ctx := context.Background()
	team := e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	member := dialWS(t, e.s[1], signIn(t, e.s[1], e.n[0]))
	studentTok := signIn(t, e.s[0], e.n[0])
	path := fmt.Sprintf("/api/units/ops/projects/%d", team.ID)

	// Students may not intervene.
	if r := e.s[0].Client.Do(t, "POST", path+"/move", studentTok, map[string]any{"lab_id": e.labs[1].ID}); r.Status != 403 {
		t.Fatalf("a student's move: %d", r.Status)
	}
	// Move, with a reason, past the window: the member sees the new slot live.
	closes := time.Now().Add(-time.Minute)
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3, ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	member.expect("resync")
	r := e.s[0].Client.Do(t, "POST", path+"/move", e.coordOn[0], map[string]any{"lab_id": e.labs[1].ID, "reason": "  a clash with an exam "})
	if r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	f := ctChanged(member, team.ID)
	if !strings.Contains(string(f.Raw), fmt.Sprintf(`"lab_id":%d`, e.labs[1].ID)) {
		t.Fatalf("the member was pushed %s, want the new slot %d", f.Raw, e.labs[1].ID)
	}
	moved := e.audit(t, "&action=project.moved")
	if len(moved) != 1 || *moved[0].Pid != team.ID || moved[0].Reason == nil || *moved[0].Reason != "a clash with an exam" {
		t.Fatalf("project.moved entries %+v", moved)
	}

	// Force: the target slot is full; without a reason it is refused, with one the team gets a
	// place beyond the capacity, which it gives back when it leaves.
	e.team(t, e.labs[2].ID, e.n[2], e.n[3])
	if r := e.s[0].Client.Do(t, "POST", path+"/move", e.coordOn[0], map[string]any{"lab_id": e.labs[2].ID}); r.Status != 409 {
		t.Fatalf("move into a full slot: %d %s", r.Status, r.Body)
	}
	r = e.s[0].Client.Do(t, "POST", path+"/move", e.coordOn[0], map[string]any{"lab_id": e.labs[2].ID, "force": true})
	if r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), "reason") {
		t.Fatalf("force without a reason: %d %s", r.Status, r.Body)
	}
	r = e.s[0].Client.Do(t, "POST", path+"/move", e.coordOn[0], map[string]any{"lab_id": e.labs[2].ID, "force": true, "reason": "same room as their mentor"})
	if r.Status != 200 {
		t.Fatalf("forced move: %d %s", r.Status, r.Body)
	}
	ctChanged(member, team.ID)
	if got := ctQuery(t, e, "SELECT booked * 10 + forced FROM lab_slots WHERE id = $1", e.labs[2].ID); got != 21 {
		t.Fatalf("the forced slot has booked*10+forced = %d, want 21", got)
	}

	// Add a member, then remove one with a reason.
	r = e.s[0].Client.Do(t, "POST", path+"/members", e.coordOn[0], map[string]any{"id": e.n[4], "reason": "joined late"})
	if r.Status != 200 {
		t.Fatalf("add member: %d %s", r.Status, r.Body)
	}
	if f := ctChanged(member, team.ID); !strings.Contains(string(f.Raw), e.n[4]) {
		t.Fatalf("the member was pushed %s, want the new member", f.Raw)
	}
	if r := e.s[0].Client.Do(t, "POST", path+"/members", e.coordOn[0], map[string]any{"id": e.n[5]}); r.Status != 409 {
		t.Fatalf("a fourth member in a unit of at most 3: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		id     string
		status int
	}{{e.n[4], 409}, {e.n[2], 409}, {e.coord, 400}, {"39999991", 400}} {
		// Already in this team, in another team, a coordinator, nobody: never a 500.
		if r := e.s[0].Client.Do(t, "POST", path+"/members", e.coordOn[0], map[string]any{"id": c.id}); r.Status != c.status || !slices.Contains(r.Problem(t).Fields(), "id") {
			t.Errorf("add %s: %d %s, want %d naming id", c.id, r.Status, r.Body, c.status)
		}
	}
	r = e.s[0].Client.Do(t, "DELETE", path+"/members/"+e.n[4]+"?reason=moved+to+another+team", e.coordOn[0], nil)
	if r.Status != 204 {
		t.Fatalf("remove member: %d %s", r.Status, r.Body)
	}
	if f := ctChanged(member, team.ID); strings.Contains(string(f.Raw), e.n[4]) {
		t.Fatalf("pushed %s after the removal", f.Raw)
	}
	removed := e.audit(t, "&action=member.removed&student="+e.n[4])
	if len(removed) != 1 || removed[0].Reason == nil || *removed[0].Reason != "moved to another team" {
		t.Fatalf("member.removed entries %+v", removed)
	}

	// Dissolve, with a reason: pushed, recorded, and the forced place is given back.
	r = e.s[0].Client.Do(t, "POST", path+"/dissolve", e.coordOn[0], map[string]any{"reason": "asked by the team"})
	if r.Status != 204 {
		t.Fatalf("dissolve: %d %s", r.Status, r.Body)
	}
	if d := member.expect("project.deleted"); d.Pid != team.ID {
		t.Fatalf("pushed %s", d.Raw)
	}
	if got := ctQuery(t, e, "SELECT booked * 10 + forced FROM lab_slots WHERE id = $1", e.labs[2].ID); got != 10 {
		t.Fatalf("after the forced team left: booked*10+forced = %d, want 10 (the forced place is not offered again)", got)
	}

	// Form a team from chosen students, in a full slot by force.
	r = e.s[0].Client.Do(t, "POST", "/api/units/ops/projects", e.coordOn[0], map[string]any{
		"members": []string{e.n[0], e.n[5]}, "description": "Assigned", "lab_id": e.labs[2].ID, "force": true, "reason": "both without a team",
	})
	if r.Status != 201 {
		t.Fatalf("form: %d %s", r.Status, r.Body)
	}
	var formedTeam struct{ Pid int64 }
	r.JSON(t, &formedTeam)
	formed := ctChanged(member, formedTeam.Pid)
	if !strings.Contains(string(formed.Raw), e.n[5]) {
		t.Fatalf("pushed %s", formed.Raw)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/projects", e.coordOn[0], map[string]any{"members": []string{e.n[0], e.n[7]}, "description": "x", "lab_id": e.labs[3].ID}); r.Status != 409 || !slices.Contains(r.Problem(t).Fields(), "members") {
		t.Errorf("form with a first member in a team: %d %s, want 409 naming members", r.Status, r.Body)
	}
	for _, bad := range []map[string]any{
		{"members": []string{"39999991", e.n[7]}, "description": "x", "lab_id": e.labs[3].ID}, // nobody first
		{"members": []string{}, "description": "x", "lab_id": e.labs[3].ID},
		{"members": []string{e.n[6]}, "description": "x", "lab_id": e.labs[3].ID}, // below team_min
		{"members": []string{e.n[6], "1"}, "description": "x", "lab_id": e.labs[3].ID},
	} {
		if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/projects", e.coordOn[0], bad); r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), "members") {
			t.Errorf("form %v: %d %s", bad, r.Status, r.Body)
		}
	}
	created := e.audit(t, "&action=project.created&student="+e.n[0])
	if len(created) != 2 || created[0].Reason == nil || *created[0].Reason != "both without a team" || created[0].Details["forced"] != true {
		t.Fatalf("project.created for the formed team: %+v", created)
	}
}

// TestConsoleOverviewAndPolicyPreview: the counts, the grid and who is missing, and what a policy
// change would do.
func TestConsoleOverviewAndPolicyPreview(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 7, 4)
	e.team(t, e.labs[0].ID, e.n[0], e.n[1], e.n[2])
	e.team(t, e.labs[1].ID, e.n[3], e.n[4])
	// A team of one: a member left.
	lone := e.team(t, e.labs[2].ID, e.n[5], e.n[6])
	if r := e.s[0].Client.Do(t, "DELETE", fmt.Sprintf("/api/units/ops/projects/%d/members/%s", lone.ID, e.n[6]), e.coordOn[0], nil); r.Status != 204 {
		t.Fatal(r.Status)
	}
	r := e.s[0].Client.Do(t, "GET", "/api/units/ops/overview", e.coordOn[0], nil)
	var o struct {
		Counts   map[string]int
		Sessions []struct {
			Room  string
			Slots []struct{ Capacity, Booked int }
		}
		Unteamed   []struct{ ID string }
		Incomplete []struct{ Pid int64 }
	}
	r.JSON(t, &o)
	r = e.s[0].Client.Do(t, "GET", "/api/units/ops/roster", e.coordOn[0], nil)
	var roster struct {
		People []struct {
			ID, Role string
			Pid      *int64
		}
	}
	r.JSON(t, &roster)
	if len(roster.People) != 8 || roster.People[0].ID != e.coord || roster.People[0].Role != "coordinator" {
		t.Errorf("roster %+v: want the coordinator first, then the 7 students", roster.People)
	}
	for _, p := range roster.People[1:] {
		if inTeam := p.Pid != nil; inTeam != (p.ID != e.n[6]) {
			t.Errorf("roster row %+v: in a team %v", p, inTeam)
		}
	}
	want := map[string]int{"enrolled": 7, "in_team": 6, "not_in_team": 1, "teams": 3, "below_min": 1, "without_slot": 0, "free_places": 1}
	for k, v := range want {
		if o.Counts[k] != v {
			t.Errorf("count %s = %d, want %d", k, o.Counts[k], v)
		}
	}
	if len(o.Sessions) != 1 || len(o.Sessions[0].Slots) != 4 || o.Sessions[0].Slots[0].Booked != 1 || o.Sessions[0].Slots[3].Booked != 0 {
		t.Errorf("grid %+v", o.Sessions)
	}
	if len(o.Unteamed) != 1 || o.Unteamed[0].ID != e.n[6] || len(o.Incomplete) != 1 || o.Incomplete[0].Pid != lone.ID {
		t.Errorf("unteamed %+v, incomplete %+v", o.Unteamed, o.Incomplete)
	}

	preview := func(patch string) (bool, int, int, []string) {
		t.Helper()
		r := e.s[0].Client.Do(t, "POST", "/api/units/ops/policy/preview", e.coordOn[0], patch)
		if r.Status != 200 {
			t.Fatalf("preview %s: %d %s", patch, r.Status, r.Body)
		}
		var p struct {
			Allowed       bool     `json:"allowed"`
			TeamsBelowMin int      `json:"teams_below_min"`
			TeamsAboveMax int      `json:"teams_above_max"`
			Messages      []string `json:"messages"`
		}
		r.JSON(t, &p)
		return p.Allowed, p.TeamsBelowMin, p.TeamsAboveMax, p.Messages
	}
	if ok, below, above, msgs := preview(`{"policy":{"team_min":3}}`); !ok || below != 2 || above != 0 || !slices.Contains(msgs, "2 teams are below the new minimum") {
		t.Errorf("team_min 3: %v %d %d %v", ok, below, above, msgs)
	}
	if ok, _, above, msgs := preview(`{"policy":{"team_min":2,"team_max":2}}`); ok || above != 1 || len(msgs) == 0 {
		t.Errorf("team_max 2: %v %d %v", ok, above, msgs)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/policy/preview", e.coordOn[0], `{"policy":{"team_min":4}}`); r.Status != 400 {
		t.Errorf("an invalid policy: %d", r.Status)
	}
	if n := ctQuery(t, e, "SELECT team_min * 10 + team_max FROM units WHERE code = 'ops'"); n != 23 {
		t.Errorf("previews changed the policy: %d", n)
	}
}

// TestConsoleAuditFiltersAndCSV: filters by student, team and action, pages, and the CSV export.
func TestConsoleAuditFiltersAndCSV(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 4, 3)
	a := e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	e.team(t, e.labs[1].ID, e.n[2], e.n[3])
	if r := e.s[0].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/projects/%d/move", a.ID), e.coordOn[0], map[string]any{"lab_id": e.labs[2].ID, "reason": "=HYPERLINK(\"x\")"}); r.Status != 200 {
		t.Fatal(r.Status)
	}
	if got := e.audit(t, fmt.Sprintf("&pid=%d", a.ID)); len(got) != 2 || got[0].Action != "project.moved" || got[1].Action != "project.created" {
		t.Errorf("entries of team %d: %+v", a.ID, got)
	}
	if got := e.audit(t, "&student="+e.n[2]); len(got) != 1 || got[0].Action != "project.created" {
		t.Errorf("entries of %s: %+v", e.n[2], got)
	}
	if got := e.audit(t, "&action=project.created"); len(got) != 2 {
		t.Errorf("project.created entries: %+v", got)
	}
	r := e.s[0].Client.Do(t, "GET", "/api/units/ops/audit.csv?action=project.moved", e.coordOn[0], nil)
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "ops-audit.csv") {
		t.Fatalf("audit.csv: %d %v", r.Status, r.Header)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.Body))).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][4] != "action" || rows[1][4] != "project.moved" || rows[1][8] != `'=HYPERLINK("x")` {
		t.Fatalf("audit.csv rows %q, %v", rows, err)
	}
	for _, q := range []string{"pid=0", "student=123", "action=Bad", "pid=x"} {
		for _, route := range []string{"audit", "audit.csv"} {
			r := e.s[0].Client.Do(t, "GET", "/api/units/ops/"+route+"?"+q, e.coordOn[0], nil)
			if field, _, _ := strings.Cut(q, "="); r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), field) {
				t.Errorf("%s?%s: %d %s, want 400 naming %s", route, q, r.Status, r.Body, field)
			}
		}
	}
	if r := e.s[0].Client.Do(t, "GET", "/api/units/ops/audit.csv", signIn(t, e.s[0], e.n[0]), nil); r.Status != http.StatusForbidden {
		t.Fatalf("a student's audit.csv: %d", r.Status)
	}
}

// TestConsoleUnitLifeCycle: site admins create units; an archived unit is read-only for everyone
// and its chat has stopped; deleting a unit takes its code typed again and removes its people
// who are in no other unit.
func TestConsoleUnitLifeCycle(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 4, 2)
	adminTok := signIn(t, e.s[0], e.admin)
	body := map[string]any{"code": "life-2027", "title": "Life cycle", "timezone": "Europe/Berlin", "policy": map[string]any{"team_min": 1, "team_max": 3}}
	if r := e.s[0].Client.Do(t, "POST", "/api/units", e.coordOn[0], body); r.Status != 403 {
		t.Fatalf("a coordinator creating a unit: %d", r.Status)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units", adminTok, body); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units", adminTok, body); r.Status != 409 {
		t.Fatalf("create twice: %d", r.Status)
	}

	e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	student := signIn(t, e.s[0], e.n[2])
	lobby := dialWS(t, e.s[1], signIn(t, e.s[1], e.n[3]))
	wsTJoin(lobby, "lobby.ops", "Ops 3")
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/archive", student, nil); r.Status != 403 {
		t.Fatalf("a student archiving: %d", r.Status)
	}
	r := e.s[0].Client.Do(t, "POST", "/api/units/ops/archive", e.coordOn[0], nil)
	var u struct{ Archived bool }
	r.JSON(t, &u)
	if r.Status != 200 || !u.Archived {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	lobby.expect("resync")
	wsTText(lobby, "lobby.ops", "anyone?")
	if f := lobby.expect("error"); f.Code != "forbidden" {
		t.Fatalf("chat in an archived unit: %s", f.Raw)
	}
	for _, c := range []struct {
		tok  apitest.Bearer
		path string
		body any
	}{
		{student, "/api/units/ops/students/" + e.n[2] + "/project", map[string]any{"partnerNumbers": []string{e.n[3]}, "description": "x", "lab_id": e.labs[1].ID}},
		{e.coordOn[0], "/api/units/ops/projects", map[string]any{"members": []string{e.n[2], e.n[3]}, "description": "x", "lab_id": e.labs[1].ID}},
	} {
		if r := e.s[0].Client.Do(t, "POST", c.path, c.tok, c.body); r.Status != 409 {
			t.Errorf("a change in an archived unit: %d %s", r.Status, r.Body)
		}
	}
	if r := e.s[0].Client.Do(t, "PATCH", "/api/units/ops", e.coordOn[0], map[string]any{"title": "x"}); r.Status != 409 {
		t.Errorf("PATCH of an archived unit: %d", r.Status)
	}
	if r := e.s[0].Client.Do(t, "GET", "/api/units/ops/projects", student, nil); r.Status != 200 {
		t.Errorf("reading an archived unit: %d", r.Status)
	}

	// The default unit stays; deleting takes the code; people of no other unit go with it.
	if r := e.s[0].Client.Do(t, "DELETE", "/api/units/default?confirm=default", adminTok, nil); r.Status != 409 {
		t.Errorf("deleting the default unit: %d", r.Status)
	}
	if r := e.s[0].Client.Do(t, "DELETE", "/api/units/ops", e.coordOn[0], nil); r.Status != 400 || !strings.Contains(string(r.Body), "confirm: is required") {
		t.Errorf("deleting without confirm: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "DELETE", "/api/units/ops?confirm=opz", e.coordOn[0], nil); r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), "confirm") {
		t.Errorf("deleting with the wrong code: %d %s", r.Status, r.Body)
	}
	if err := e.f.Make.Enrol(context.Background(), "default", testfactory.Person{Number: e.n[0], Name: "Ops 0"}); err != nil {
		t.Fatal(err)
	}
	if r := e.s[0].Client.Do(t, "DELETE", "/api/units/ops?confirm=ops", e.coordOn[0], nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM units WHERE code = 'ops'", 0},
		{"SELECT count(*) FROM lab_slots WHERE unit = 'ops'", 0},
		{"SELECT count(*) FROM audit_log WHERE unit = 'ops'", 0},
		{"SELECT count(*) FROM chat_messages WHERE unit = 'ops'", 0},
		{"SELECT count(*) FROM people WHERE student_number = '" + e.n[0] + "'", 1}, // also in default
		{"SELECT count(*) FROM people WHERE student_number = '" + e.n[1] + "'", 0},
		{"SELECT count(*) FROM people WHERE student_number = '" + e.coord + "'", 0},
	} {
		if got := ctQuery(t, e, c.sql); got != c.want {
			t.Errorf("%s = %d, want %d", c.sql, got, c.want)
		}
	}
}
