package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// TestJoinCodeRace: a team of two in a unit of at most three has one free place; five students
// join with its code at once on two instances: exactly one gets in, the others get 409 naming
// the code, and the team has three members.
func TestJoinCodeRace(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 7, 1)
	team := e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	r := e.s[0].Client.Do(t, "GET", fmt.Sprintf("/api/units/ops/projects/%d/code", team.ID), signIn(t, e.s[0], e.n[0]), nil)
	var code struct{ Code string }
	r.JSON(t, &code)
	if r.Status != 200 || len(code.Code) != 9 {
		t.Fatalf("code: %d %s", r.Status, r.Body)
	}
	toks := ccTSignIn(t, e.s, e.n[2:]...)
	var reqs []ccTRequest
	for i, n := range e.n[2:] {
		// As people type it: lower case, without the hyphen, with spaces.
		typed := code.Code
		switch i % 3 {
		case 1:
			typed = strings.ToLower(typed)
		case 2:
			typed = " " + strings.ReplaceAll(typed, "-", "") + " "
		}
		reqs = append(reqs, ccTRequest{s: e.s[i%2], method: "POST", path: "/api/units/ops/join", auth: toks[n], body: map[string]any{"code": typed}})
	}
	rs := ccTBurst(t, reqs)
	if c := ccTCount(rs); c[200] != 1 || c[409] != 4 {
		t.Fatalf("statuses %v, want one 200 and four 409", c)
	}
	for _, r := range rs {
		if r.Status == 409 {
			ccTWantConflict(t, r, "code")
		}
	}
	if n := ctQuery(t, e, "SELECT count(*) FROM project_members WHERE unit = 'ops' AND project_id = $1", team.ID); n != 3 {
		t.Fatalf("the team has %d members, want 3", n)
	}
	if got := e.audit(t, fmt.Sprintf("&pid=%d&action=member.added", team.ID)); len(got) != 1 || got[0].Details["by"] != "join code" {
		t.Fatalf("member.added entries %+v", got)
	}
}

// TestJoinCodeRules: only members and coordinators see and renew a code; a renewed code stops
// working; a student in a team, a coordinator and a malformed code are refused; a closed unit
// refuses joins.
func TestJoinCodeRules(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 6, 2)
	team := e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	e.team(t, e.labs[1].ID, e.n[2], e.n[3])
	codePath := fmt.Sprintf("/api/units/ops/projects/%d/code", team.ID)
	member, outsider := signIn(t, e.s[0], e.n[0]), signIn(t, e.s[0], e.n[4])
	read := func(tok apitest.Bearer) (int, string) {
		r := e.s[0].Client.Do(t, "GET", codePath, tok, nil)
		var c struct{ Code string }
		if r.Status == 200 {
			r.JSON(t, &c)
		}
		return r.Status, c.Code
	}
	st, old := read(member)
	if st != 200 {
		t.Fatalf("a member reads the code: %d", st)
	}
	if st, _ := read(outsider); st != 403 {
		t.Errorf("a student in no team reads the code: %d", st)
	}
	if st, c := read(e.coordOn[0]); st != 200 || c != old {
		t.Errorf("the coordinator reads the code: %d %q", st, c)
	}
	if r := e.s[0].Client.Do(t, "POST", codePath, outsider, nil); r.Status != 403 {
		t.Errorf("an outsider renews: %d", r.Status)
	}
	r := e.s[1].Client.Do(t, "POST", codePath, signIn(t, e.s[1], e.n[1]), nil)
	var renewed struct{ Code string }
	r.JSON(t, &renewed)
	if r.Status != 200 || renewed.Code == old || len(renewed.Code) != 9 {
		t.Fatalf("renew: %d %s", r.Status, r.Body)
	}
	join := func(tok apitest.Bearer, code string) *apitest.Response {
		return e.s[0].Client.Do(t, "POST", "/api/units/ops/join", tok, map[string]any{"code": code})
	}
	if r := join(outsider, old); r.Status != 404 {
		t.Errorf("joining with the old code: %d %s", r.Status, r.Body)
	}
	if r := join(outsider, "nope"); r.Status != 400 {
		t.Errorf("a malformed code: %d", r.Status)
	}
	if r := join(signIn(t, e.s[0], e.n[2]), renewed.Code); r.Status != 409 {
		t.Errorf("a student in another team: %d", r.Status)
	}
	if r := join(e.coordOn[0], renewed.Code); r.Status != 403 {
		t.Errorf("a coordinator joining: %d", r.Status)
	}
	if got := e.audit(t, "&action=code.renewed"); len(got) != 1 || *got[0].Pid != team.ID {
		t.Errorf("code.renewed entries %+v", got)
	}
	// Closed: no joins, no renewals by students.
	ctx := context.Background()
	closes := slotDay().AddDate(-1, 0, 0)
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3, ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	if r := join(outsider, renewed.Code); r.Status != 409 || !strings.Contains(string(r.Body), "closed") {
		t.Errorf("joining a closed unit's team: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "POST", codePath, member, nil); r.Status != 409 {
		t.Errorf("a member renewing in a closed unit: %d", r.Status)
	}
	if r := join(outsider, renewed.Code); r.Status != 409 {
		t.Errorf("still closed: %d", r.Status)
	}
}
