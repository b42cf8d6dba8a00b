package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// bdBoard is GET /api/units/{unit}/board's answer.
type bdBoard struct {
	Entries []bdEntry
	Times   []string
	CanPost bool `json:"can_post"`
}

type bdEntry struct {
	Student struct{ ID, Name string }
	Note    string
	Tags    []string
	Times   []string
}

func bdRead(t *testing.T, s *testServer, unit string, tok apitest.Bearer) bdBoard {
	t.Helper()
	r := s.Client.Do(t, "GET", "/api/units/"+unit+"/board", tok, nil)
	if r.Status != 200 {
		t.Fatalf("board: %d %s", r.Status, r.Body)
	}
	var b bdBoard
	r.JSON(t, &b)
	return b
}

func (b bdBoard) has(number string) bool {
	return slices.ContainsFunc(b.Entries, func(e bdEntry) bool { return e.Student.ID == number })
}

// bdMembersOnBoard counts board entries of students who are in a team: never more than 0.
const bdMembersOnBoard = `SELECT count(*) FROM board_entries b
JOIN project_members m ON m.unit = b.unit AND m.student_number = b.student_number`

// TestBoardJoinRacesPost: students post on the board on one instance at the very moment they
// join a team with its code on the other. Whichever wins, no member keeps an entry: the
// database decides under the student's enrolment lock. Ten rounds of six students.
func TestBoardJoinRacesPost(t *testing.T) {
	t.Parallel()
	const rounds, per = 10, 6
	e := ctNewEnv(t, rounds*per*3, rounds*per)
	toks := ccTSignIn(t, e.s, e.n...)
	posted, refused := 0, 0
	for round := range rounds {
		var reqs []ccTRequest
		for i := range per {
			k := (round*per + i) * 3
			team := e.team(t, e.labs[round*per+i].ID, e.n[k], e.n[k+1])
			r := e.s[0].Client.Do(t, "GET", fmt.Sprintf("/api/units/ops/projects/%d/code", team.ID), toks[e.n[k]], nil)
			var code struct{ Code string }
			r.JSON(t, &code)
			joiner := e.n[k+2]
			reqs = append(reqs,
				ccTRequest{s: e.s[i%2], method: "PUT", path: "/api/units/ops/board/entry", auth: toks[joiner], body: map[string]any{"note": "round " + fmt.Sprint(round), "tags": []string{"go"}}},
				ccTRequest{s: e.s[(i+1)%2], method: "POST", path: "/api/units/ops/join", auth: toks[joiner], body: map[string]any{"code": code.Code}})
		}
		rs := ccTBurst(t, reqs)
		for i := 0; i < len(rs); i += 2 {
			if rs[i+1].Status != 200 {
				t.Fatalf("round %d: join %d: %s", round, rs[i+1].Status, rs[i+1].Body)
			}
			switch rs[i].Status {
			case 200:
				posted++
			case 409:
				refused++
			default:
				t.Fatalf("round %d: post %d: %s", round, rs[i].Status, rs[i].Body)
			}
		}
		if n := ctQuery(t, e, bdMembersOnBoard); n != 0 {
			t.Fatalf("round %d: %d members still on the board", round, n)
		}
	}
	if n := ctQuery(t, e, "SELECT count(*) FROM board_entries WHERE unit = 'ops'"); n != 0 {
		t.Fatalf("%d entries left, want none: every poster joined a team", n)
	}
	t.Logf("%d posts before the join (then removed by it), %d refused after it", posted, refused)
}

// TestBoardRules: who may read and post, each field's rule naming it, normalization, newest
// first, a session time that is not the unit's, a member refused, an entry removed when its
// student joins, deleted by its student, and the window.
func TestBoardRules(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 6, 3)
	s := e.s[0]
	put := func(tok apitest.Bearer, body map[string]any) *apitest.Response {
		return s.Client.Do(t, "PUT", "/api/units/ops/board/entry", tok, body)
	}
	a, b, member := signIn(t, s, e.n[0]), signIn(t, s, e.n[1]), signIn(t, s, e.n[2])
	team := e.team(t, e.labs[2].ID, e.n[2], e.n[3])
	first := bdRead(t, s, "ops", a)
	times := first.Times
	if len(times) != 3 || times[0] != e.labs[0].StartsAt.Format(pairup.LabTimeLayout) || !first.CanPost {
		t.Fatalf("a student without a team reads the board: %+v", first)
	}
	if bdRead(t, s, "ops", member).CanPost || bdRead(t, s, "ops", e.coordOn[0]).CanPost {
		t.Errorf("a member or a coordinator is told they may post")
	}
	r := put(a, map[string]any{"note": "  <b>Keen</b> on Go  ", "tags": []string{" Back  End", "GO", "go"}, "times": []string{times[1], times[0]}})
	var mine struct {
		Note  string
		Tags  []string
		Times []string
	}
	r.JSON(t, &mine)
	if r.Status != 200 || mine.Note != "<b>Keen</b> on Go" || !slices.Equal(mine.Tags, []string{"back end", "go"}) || !slices.Equal(mine.Times, times[:2]) {
		t.Fatalf("post: %d %s", r.Status, r.Body)
	}
	if r := put(b, map[string]any{"note": ""}); r.Status != 200 {
		t.Fatalf("an empty note: %d %s", r.Status, r.Body)
	}
	board := bdRead(t, e.s[1], "ops", e.coordOn[1])
	if len(board.Entries) != 2 || board.Entries[0].Student.ID != e.n[1] || board.Entries[1].Student.ID != e.n[0] ||
		board.Entries[1].Student.Name == "" || board.Entries[1].Note != "<b>Keen</b> on Go" {
		t.Fatalf("the coordinator's board, newest first: %+v", board.Entries)
	}
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"note": strings.Repeat("x", 281)}, "note"},
		{map[string]any{"note": "line\nbreak"}, "note"},
		{map[string]any{"note": "x", "tags": []string{"a", "b", "c", "d", "e", "f"}}, "tags"},
		{map[string]any{"note": "x", "tags": []string{"c++"}}, "tags"},
		{map[string]any{"note": "x", "times": []string{"tomorrow"}}, "times"},
		{map[string]any{"note": "x", "times": []string{"2001-01-01T09:00"}}, "times"},
		{map[string]any{"note": "x", "tags": "go"}, "tags"},
		{map[string]any{"note": "x", "colour": "red"}, "colour"},
	} {
		r := put(a, c.body)
		if r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), c.field) {
			t.Errorf("%v: %d %s, want 400 naming %s", c.body, r.Status, r.Body, c.field)
		}
	}
	if got := bdRead(t, s, "ops", a); len(got.Entries) != 2 || got.Entries[1].Note != "<b>Keen</b> on Go" {
		t.Fatalf("a refused post changed the board: %+v", got.Entries)
	}
	if r := put(member, map[string]any{"note": "me too"}); r.Status != 409 {
		t.Errorf("a member posts: %d %s", r.Status, r.Body)
	}
	if r := put(e.coordOn[0], map[string]any{"note": "hello"}); r.Status != 403 {
		t.Errorf("a coordinator posts: %d %s", r.Status, r.Body)
	}
	// a joins the team with its code: their entry is gone.
	var code struct{ Code string }
	s.Client.Do(t, "GET", fmt.Sprintf("/api/units/ops/projects/%d/code", team.ID), member, nil).JSON(t, &code)
	if r := s.Client.Do(t, "POST", "/api/units/ops/join", a, map[string]any{"code": code.Code}); r.Status != 200 {
		t.Fatalf("join: %d %s", r.Status, r.Body)
	}
	if got := bdRead(t, s, "ops", b); got.has(e.n[0]) || !got.has(e.n[1]) {
		t.Fatalf("after the join: %+v", got.Entries)
	}
	if r := s.Client.Do(t, "DELETE", "/api/units/ops/board/entry", b, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := s.Client.Do(t, "DELETE", "/api/units/ops/board/entry", b, nil); r.Status != 204 {
		t.Fatalf("delete again: %d %s", r.Status, r.Body)
	}
	if got := bdRead(t, s, "ops", b); len(got.Entries) != 0 {
		t.Fatalf("after the delete: %+v", got.Entries)
	}
	// A student of another unit sees nothing of this board.
	ctx := context.Background()
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "elsewhere"}); err != nil {
		t.Fatal(err)
	}
	if err := e.f.Make.Enrol(ctx, "elsewhere", testfactory.Person{Number: "33000500"}); err != nil {
		t.Fatal(err)
	}
	if r := s.Client.Do(t, "GET", "/api/units/ops/board", signIn(t, s, "33000500"), nil); r.Status != 403 {
		t.Errorf("a stranger reads the board: %d", r.Status)
	}
	// Closed: no posts.
	closes := slotDay().AddDate(-1, 0, 0)
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3, ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	if r := put(b, map[string]any{"note": "late"}); r.Status != 409 || !strings.Contains(string(r.Body), "closed") {
		t.Errorf("posting in a closed unit: %d %s", r.Status, r.Body)
	}
	if bdRead(t, s, "ops", b).CanPost {
		t.Errorf("a student is told they may post in a closed unit")
	}
}

// TestBoardEntryLeavesWithTheStudent: a student who becomes a coordinator, or is unenrolled,
// leaves the board.
func TestBoardEntryLeavesWithTheStudent(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 2, 1)
	for _, n := range e.n {
		if r := e.s[0].Client.Do(t, "PUT", "/api/units/ops/board/entry", signIn(t, e.s[0], n), map[string]any{"note": "hi"}); r.Status != 200 {
			t.Fatalf("post: %d %s", r.Status, r.Body)
		}
	}
	if r := e.s[0].Client.Do(t, "PUT", "/api/units/ops/enrolments/"+e.n[0], signIn(t, e.s[0], e.admin), map[string]any{"name": "Now Coordinating", "role": "coordinator"}); r.Status != 200 {
		t.Fatalf("promote: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "DELETE", "/api/units/ops/enrolments/"+e.n[1], e.coordOn[0], nil); r.Status != 204 {
		t.Fatalf("unenrol: %d %s", r.Status, r.Body)
	}
	if got := bdRead(t, e.s[0], "ops", e.coordOn[0]); len(got.Entries) != 0 {
		t.Fatalf("board %+v", got.Entries)
	}
	if n := ctQuery(t, e, "SELECT count(*) FROM board_entries"); n != 0 {
		t.Fatalf("%d rows left", n)
	}
}
