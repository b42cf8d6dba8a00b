package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
)

// mtPreview is POST /api/units/{unit}/match/preview's answer.
type mtPreview struct {
	Seed  int64
	Teams []struct {
		Members     []struct{ ID, Name string }
		Tags, Times []string
		Reason      string
	}
	Unmatched []struct{ ID, Name, Reason string }
}

func (p mtPreview) groups() [][]string {
	out := [][]string{}
	for _, team := range p.Teams {
		var g []string
		for _, m := range team.Members {
			g = append(g, m.ID)
		}
		out = append(out, g)
	}
	return out
}

func mtPreviewOn(t *testing.T, s *testServer, tok apitest.Bearer, body map[string]any) mtPreview {
	t.Helper()
	r := s.Client.Do(t, "POST", "/api/units/ops/match/preview", tok, body)
	if r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	var p mtPreview
	r.JSON(t, &p)
	return p
}

// mtState counts what a match could change: teams, members, audit entries, notices, board entries.
func mtState(t *testing.T, e *ctEnv) [5]int {
	t.Helper()
	return [5]int{
		ctQuery(t, e, "SELECT count(*) FROM projects WHERE unit = 'ops'"),
		ctQuery(t, e, "SELECT count(*) FROM project_members WHERE unit = 'ops'"),
		ctQuery(t, e, "SELECT count(*) FROM audit_log WHERE unit = 'ops'"),
		ctQuery(t, e, "SELECT count(*) FROM notices WHERE unit = 'ops'"),
		ctQuery(t, e, "SELECT count(*) FROM board_entries WHERE unit = 'ops'"),
	}
}

// TestMatchTheRest: the preview proposes teams within 2..3 for everyone without a team,
// grouping those who share a session time, the same for the same seed, and changes nothing;
// applying it makes exactly those teams without a slot, with one team.matched audit entry each
// (members and seed), a notice to each member, and their board entries gone; applying it again
// is a 409 naming the team, and nothing changes.
func TestMatchTheRest(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 9, 3)
	s := e.s[0]
	e.team(t, e.labs[0].ID, e.n[0], e.n[1]) // not part of the match
	toks := ccTSignIn(t, e.s, e.n[2:]...)
	at := func(i int) string { return e.labs[i].StartsAt.Format(pairup.LabTimeLayout) }
	for n, body := range map[string]map[string]any{
		e.n[2]: {"note": "mornings", "times": []string{at(1)}},
		e.n[6]: {"note": "same", "times": []string{at(1)}},
		e.n[4]: {"note": "later", "times": []string{at(2)}},
		e.n[8]: {"note": "", "times": []string{at(2)}, "tags": []string{"go"}},
	} {
		if r := e.s[1].Client.Do(t, "PUT", "/api/units/ops/board/entry", toks[n], body); r.Status != 200 {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
	}
	before := mtState(t, e)
	p := mtPreviewOn(t, s, e.coordOn[0], map[string]any{"seed": 42})
	if p.Seed != 42 || len(p.Unmatched) != 0 {
		t.Fatalf("preview %+v", p)
	}
	placed := []string{}
	for _, g := range p.groups() {
		if len(g) < 2 || len(g) > 3 {
			t.Fatalf("a team of %d: %v", len(g), p.groups())
		}
		placed = append(placed, g...)
		for _, pair := range [][2]string{{e.n[2], e.n[6]}, {e.n[4], e.n[8]}} {
			if slices.Contains(g, pair[0]) != slices.Contains(g, pair[1]) {
				t.Errorf("%s and %s share a time but were split: %v", pair[0], pair[1], p.groups())
			}
		}
	}
	slices.Sort(placed)
	if !slices.Equal(placed, e.n[2:]) {
		t.Fatalf("placed %v, want %v", placed, e.n[2:])
	}
	if again := mtPreviewOn(t, e.s[1], signIn(t, e.s[1], e.coord), map[string]any{"seed": 42}); !reflect.DeepEqual(again, p) {
		t.Fatalf("the same seed on the other instance: %+v, want %+v", again, p)
	}
	if drawn := mtPreviewOn(t, s, e.coordOn[0], map[string]any{}); drawn.Seed < 0 || len(drawn.Teams) != len(p.Teams) {
		t.Fatalf("a drawn seed: %+v", drawn)
	}
	if after := mtState(t, e); after != before {
		t.Fatalf("previews changed %v into %v", before, after)
	}

	r := s.Client.Do(t, "POST", "/api/units/ops/match", e.coordOn[0], map[string]any{"seed": p.Seed, "teams": p.groups()})
	var res struct {
		Seed  int64
		Teams []struct {
			Pid         int64
			LabID       *int64 `json:"lab_id"`
			Description string
			Members     []struct{ ID string }
		}
	}
	r.JSON(t, &res)
	if r.Status != 201 || res.Seed != 42 || len(res.Teams) != len(p.Teams) {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	for i, team := range res.Teams {
		var got []string
		for _, m := range team.Members {
			got = append(got, m.ID)
		}
		if !slices.Equal(got, p.groups()[i]) || team.LabID != nil || team.Description != "Matched team" {
			t.Errorf("team %d: %+v, want members %v and no slot", i, team, p.groups()[i])
		}
		entries := e.audit(t, fmt.Sprintf("&pid=%d&action=team.matched", team.Pid))
		if len(entries) != 1 || entries[0].Details["seed"] != float64(42) || fmt.Sprint(entries[0].Details["members"]) != fmt.Sprint(got) {
			t.Errorf("team %d's audit: %+v", i, entries)
		}
		for _, n := range got {
			if c := ctQuery(t, e, "SELECT count(*) FROM notices WHERE student_number = $1 AND kind = 'team.matched' AND (data->>'pid')::bigint = $2", n, team.Pid); c != 1 {
				t.Errorf("%s has %d team.matched notices", n, c)
			}
		}
	}
	if c := ctQuery(t, e, "SELECT count(*) FROM notices WHERE unit = 'ops'") - before[3]; c != 7 {
		t.Errorf("%d notices, want one for each of the 7 matched", c)
	}
	if c := ctQuery(t, e, "SELECT count(*) FROM board_entries"); c != 0 {
		t.Errorf("%d board entries left after everyone was matched", c)
	}
	if left := mtPreviewOn(t, s, e.coordOn[0], map[string]any{"seed": 1}); len(left.Teams) != 0 || len(left.Unmatched) != 0 {
		t.Errorf("nobody is left, yet the preview proposes %+v", left)
	}
	mid := mtState(t, e)
	r = s.Client.Do(t, "POST", "/api/units/ops/match", e.coordOn[0], map[string]any{"seed": p.Seed, "teams": p.groups()})
	ccTWantConflict(t, r, "teams[0]")
	if after := mtState(t, e); after != mid {
		t.Fatalf("a refused match changed %v into %v", mid, after)
	}
}

// TestMatchApplyRefusesBadGroups: sizes outside the policy, a student named twice, a malformed
// number, someone who is not a student of the unit, someone in a team: each a 4xx naming
// teams[i], and nothing changes, even when earlier groups were fine.
func TestMatchApplyRefusesBadGroups(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 8, 1)
	e.team(t, e.labs[0].ID, e.n[6], e.n[7])
	before := mtState(t, e)
	ok := []string{e.n[0], e.n[1]}
	for _, c := range []struct {
		teams  any
		status int
		field  string
	}{
		{[][]string{ok, {e.n[2]}}, 400, "teams[1]"},
		{[][]string{ok, {e.n[2], e.n[3], e.n[4], e.n[5]}}, 400, "teams[1]"},
		{[][]string{ok, {e.n[2], e.n[0]}}, 400, "teams[1]"},
		{[][]string{ok, {e.n[2], "123"}}, 400, "teams[1]"},
		{[][]string{ok, {e.n[2], e.coord}}, 400, "teams[1]"},
		{[][]string{ok, {e.n[2], e.n[6]}}, 409, "teams[1]"},
		{[][]string{}, 400, "teams"},
		{"everyone", 400, "teams"},
	} {
		r := e.s[0].Client.Do(t, "POST", "/api/units/ops/match", e.coordOn[0], map[string]any{"seed": 7, "teams": c.teams})
		if r.Status != c.status || !slices.Contains(r.Problem(t).Fields(), c.field) {
			t.Errorf("%v: %d %s, want %d naming %s", c.teams, r.Status, r.Body, c.status, c.field)
		}
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/match/preview", e.coordOn[0], map[string]any{"seed": -1}); r.Status != 400 {
		t.Errorf("a negative seed: %d", r.Status)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/match", signIn(t, e.s[0], e.n[0]), map[string]any{"seed": 7, "teams": [][]string{ok}}); r.Status != 403 {
		t.Errorf("a student matches: %d", r.Status)
	}
	if after := mtState(t, e); after != before {
		t.Fatalf("refused matches changed %v into %v", before, after)
	}
}

// TestMatchRacesAcrossInstances: two coordinators on two instances apply overlapping matches
// while the students concerned post on the board: exactly one match wins, the other is a 409
// naming the group, nobody is in two teams and no member keeps a board entry. Five rounds, each
// with six students of their own.
func TestMatchRacesAcrossInstances(t *testing.T) {
	t.Parallel()
	const rounds = 5
	e := ctNewEnv(t, 6*rounds, 1)
	other := signIn(t, e.s[1], e.coord)
	toks := ccTSignIn(t, e.s, e.n...)
	for round := range rounds {
		n := e.n[6*round : 6*round+6]
		a := [][]string{{n[0], n[1]}, {n[2], n[3]}}
		b := [][]string{{n[4], n[5]}, {n[3], n[0]}}
		reqs := []ccTRequest{
			{s: e.s[0], method: "POST", path: "/api/units/ops/match", auth: e.coordOn[0], body: map[string]any{"seed": round, "teams": a}},
			{s: e.s[1], method: "POST", path: "/api/units/ops/match", auth: other, body: map[string]any{"seed": round, "teams": b}},
		}
		for i, s := range n {
			reqs = append(reqs, ccTRequest{s: e.s[i%2], method: "PUT", path: "/api/units/ops/board/entry", auth: toks[s], body: map[string]any{"note": "pick me"}})
		}
		rs := ccTBurst(t, reqs)
		if c := ccTCount(rs[:2]); c[201] != 1 || c[409] != 1 {
			t.Fatalf("round %d: statuses %d and %d, want one 201 and one 409", round, rs[0].Status, rs[1].Status)
		}
		loser := rs[0]
		if rs[0].Status == 201 {
			loser = rs[1]
		}
		ccTWantConflict(t, loser, "teams[0]", "teams[1]")
		if c := ctQuery(t, e, "SELECT count(*) FROM projects WHERE unit = 'ops'"); c != 2*(round+1) {
			t.Fatalf("round %d: %d teams, want the winners' %d", round, c, 2*(round+1))
		}
		if c := ctQuery(t, e, "SELECT count(*) FROM audit_log WHERE unit = 'ops' AND action = 'team.matched'"); c != 2*(round+1) {
			t.Fatalf("round %d: %d team.matched entries", round, c)
		}
		if c := ctQuery(t, e, bdMembersOnBoard); c != 0 {
			t.Fatalf("round %d: %d members on the board", round, c)
		}
	}
}

// TestMatchPushesReachTheMatched: a match applied on one instance reaches the matched students'
// sockets on the other: a team.matched notice each, then the new team's project.changed. A
// student of the unit who was not matched sees the project.changed but no notice.
func TestMatchPushesReachTheMatched(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 4, 1)
	e.team(t, e.labs[0].ID, e.n[2], e.n[3])
	sockets := map[string]*wsConn{}
	for _, n := range e.n[:3] {
		sockets[n] = dialWS(t, e.s[1], signIn(t, e.s[1], n))
	}
	r := e.s[0].Client.Do(t, "POST", "/api/units/ops/match", e.coordOn[0], map[string]any{"seed": 5, "teams": [][]string{{e.n[0], e.n[1]}}})
	var res struct{ Teams []struct{ Pid int64 } }
	r.JSON(t, &res)
	if r.Status != 201 || len(res.Teams) != 1 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	pid := res.Teams[0].Pid
	for _, n := range e.n[:2] {
		w := sockets[n]
		var pushed struct {
			Notice struct {
				Kind string
				Data map[string]any
			}
		}
		if err := json.Unmarshal(w.expect("notice").Raw, &pushed); err != nil {
			t.Fatal(err)
		}
		if pushed.Notice.Kind != pairup.NoticeMatched || pushed.Notice.Data["pid"] != float64(pid) {
			t.Fatalf("%s's notice: %+v", n, pushed.Notice)
		}
		ctChanged(w, pid)
	}
	w := sockets[e.n[2]]
	for {
		f := w.next()
		if f.Type == "notice" {
			t.Fatalf("a student who was not matched got a notice: %s", f.Raw)
		}
		if f.Type == "project.changed" && strings.Contains(string(f.Raw), fmt.Sprintf(`"pid":%d,`, pid)) {
			break
		}
	}
	w.wsTQuiet("a student who was not matched")
}
