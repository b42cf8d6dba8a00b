package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

type invitation struct {
	ID      int64
	Pid     *int64
	Team    string
	Status  string
	From    struct{ ID, Name string }
	Student struct{ ID, Name string }
}

// ivNewEnv is the console tests' environment with unit ops set to consent by invitation.
func ivNewEnv(t *testing.T, students, slots int) *ctEnv {
	t.Helper()
	e := ctNewEnv(t, students, slots)
	if _, err := e.f.Make.Unit(context.Background(), testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3, Consent: "invite"}); err != nil {
		t.Fatal(err)
	}
	return e
}

// ivInvite has the student's team (one of them alone, if they have none) invite another.
func ivInvite(t *testing.T, s *testServer, tok apitest.Bearer, student string) invitation {
	t.Helper()
	r := s.Client.Do(t, "POST", "/api/units/ops/invitations", tok, map[string]any{"student": student})
	if r.Status != 201 {
		t.Fatalf("invite %s: %d %s", student, r.Status, r.Body)
	}
	var inv invitation
	r.JSON(t, &inv)
	return inv
}

func ivList(t *testing.T, s *testServer, tok apitest.Bearer) (received, sent []invitation) {
	t.Helper()
	r := s.Client.Do(t, "GET", "/api/units/ops/invitations", tok, nil)
	if r.Status != 200 {
		t.Fatalf("invitations: %d %s", r.Status, r.Body)
	}
	var l struct{ Received, Sent []invitation }
	r.JSON(t, &l)
	return l.Received, l.Sent
}

// ivNotices counts the unit's notices of the kind for each student.
func ivNotices(t *testing.T, e *ctEnv, kind string) map[string]int {
	t.Helper()
	rows, err := e.f.Store.Pool().Query(context.Background(), "SELECT student_number FROM notices WHERE unit = 'ops' AND kind = $1", kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[n]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInvitationTenAcceptsRace: ten teams invite one student, who accepts all ten at the same
// moment on two instances: one team gets them, the nine others get a clean 409 and their
// invitations end lapsed. Each notice reaches exactly the people it concerns.
func TestInvitationTenAcceptsRace(t *testing.T) {
	t.Parallel()
	for round := range 2 {
		e := ivNewEnv(t, 11, 1)
		inviters, invitee := e.n[:10], e.n[10]
		toks := ccTSignIn(t, e.s, e.n...)
		var reqs []ccTRequest
		for i, n := range inviters {
			inv := ivInvite(t, e.s[i%2], toks[n], invitee)
			reqs = append(reqs, ccTRequest{s: e.s[i%2], method: "POST", path: fmt.Sprintf("/api/units/ops/invitations/%d/accept", inv.ID), auth: toks[invitee]})
		}
		rs := ccTBurst(t, reqs)
		if c := ccTCount(rs); c[200] != 1 || c[409] != 9 {
			t.Fatalf("round %d: statuses %v, want one 200 and nine 409", round, c)
		}
		winner := ""
		for i, r := range rs {
			if r.Status == 200 {
				winner = inviters[i]
				var p project
				r.JSON(t, &p)
				if len(p.Members) != 2 || p.Members[0].ID != winner || p.Members[1].ID != invitee {
					t.Fatalf("the team joined: %s", r.Body)
				}
			} else if p := r.Problem(t); !strings.Contains(p.Detail, "already in a project") && !strings.Contains(p.Detail, "lapsed") {
				t.Fatalf("a loser's 409: %s", r.Body)
			}
		}
		if n := ctQuery(t, e, "SELECT count(*) FROM project_members WHERE unit = 'ops' AND student_number = $1", invitee); n != 1 {
			t.Fatalf("the invitee is in %d teams", n)
		}
		if n := ctQuery(t, e, "SELECT count(*) FROM invitations WHERE unit = 'ops' AND status = 'lapsed'"); n != 9 {
			t.Fatalf("%d invitations lapsed, want 9", n)
		}
		received, _ := ivList(t, e.s[1], toks[invitee])
		statuses := map[string]int{}
		for _, inv := range received {
			statuses[inv.Status]++
		}
		if len(received) != 10 || statuses["accepted"] != 1 || statuses["lapsed"] != 9 {
			t.Fatalf("the invitee's list: %v", statuses)
		}
		if got := ivNotices(t, e, "invite.received"); len(got) != 1 || got[invitee] != 10 {
			t.Fatalf("invite.received notices %v", got)
		}
		if got := ivNotices(t, e, "invite.accepted"); len(got) != 1 || got[winner] != 1 {
			t.Fatalf("invite.accepted notices %v, want one to %s", got, winner)
		}
		if got := ivNotices(t, e, "invite.lapsed"); len(got) != 1 || got[invitee] != 9 {
			t.Fatalf("invite.lapsed notices %v", got)
		}
		if got := e.audit(t, "&action=invite.accepted"); len(got) != 1 || *got[0].Student != invitee {
			t.Fatalf("invite.accepted entries %+v", got)
		}
	}
}

// TestInvitationLastPlaceRace: a team of two in a unit of at most three invites five students,
// who accept at once on two instances: one joins, four get 409, the team has three members.
func TestInvitationLastPlaceRace(t *testing.T) {
	t.Parallel()
	e := ivNewEnv(t, 7, 1)
	team := e.team(t, 0, e.n[0], e.n[1])
	toks := ccTSignIn(t, e.s, e.n...)
	var reqs []ccTRequest
	for i, n := range e.n[2:] {
		inv := ivInvite(t, e.s[i%2], toks[e.n[i%2]], n)
		if inv.Pid == nil || *inv.Pid != team.ID || inv.Status != "pending" {
			t.Fatalf("invitation %+v", inv)
		}
		reqs = append(reqs, ccTRequest{s: e.s[i%2], method: "POST", path: fmt.Sprintf("/api/units/ops/invitations/%d/accept", inv.ID), auth: toks[n]})
	}
	rs := ccTBurst(t, reqs)
	if c := ccTCount(rs); c[200] != 1 || c[409] != 4 {
		t.Fatalf("statuses %v, want one 200 and four 409", c)
	}
	for _, r := range rs {
		if r.Status == 409 && !strings.Contains(r.Problem(t).Detail, "full") {
			t.Fatalf("a loser's 409: %s", r.Body)
		}
	}
	if n := ctQuery(t, e, "SELECT count(*) FROM project_members WHERE unit = 'ops' AND project_id = $1", team.ID); n != 3 {
		t.Fatalf("the team has %d members, want 3", n)
	}
	// A full team invites no one.
	for i, r := range rs {
		if r.Status == 409 {
			r := e.s[0].Client.Do(t, "POST", "/api/units/ops/invitations", toks[e.n[0]], map[string]any{"student": e.n[2+i]})
			ccTWantConflict(t, r, "student")
			break
		}
	}
}

// TestInvitationRules: who may invite whom, and what a refusal names; decline and withdraw;
// the closed window.
func TestInvitationRules(t *testing.T) {
	t.Parallel()
	e := ivNewEnv(t, 8, 2)
	toks := ccTSignIn(t, e.s, e.n...)
	a, b, c, d := e.n[0], e.n[1], e.n[2], e.n[3]
	e.team(t, e.labs[0].ID, e.n[6], e.n[7]) // someone in a team already
	post := func(tok apitest.Bearer, body any) *apitest.Response {
		return e.s[0].Client.Do(t, "POST", "/api/units/ops/invitations", tok, body)
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"oneself", map[string]any{"student": a}, 400, "student"},
		{"a coordinator", map[string]any{"student": e.coord}, 400, "student"},
		{"not enrolled", map[string]any{"student": "39999999"}, 400, "student"},
		{"malformed", map[string]any{"student": "12"}, 400, "student"},
		{"someone in a team", map[string]any{"student": e.n[6]}, 409, "student"},
		{"a bad description", map[string]any{"student": b, "description": " "}, 400, "description"},
	} {
		r := post(toks[a], tc.body)
		if r.Status != tc.status || !slices.Contains(r.Problem(t).Fields(), tc.field) {
			t.Errorf("%s: %d %s, want %d naming %s", tc.name, r.Status, r.Body, tc.status, tc.field)
		}
	}
	if n := ctQuery(t, e, "SELECT count(*) FROM project_members m WHERE unit = 'ops' AND student_number = $1", a); n != 0 {
		t.Fatalf("a refused invitation made a team")
	}
	toB := ivInvite(t, e.s[0], toks[a], b)
	if toB.Pid == nil || toB.Team != "Ops 0" || toB.From.ID != a || toB.Student.ID != b {
		t.Fatalf("the invitation %+v", toB)
	}
	if r := post(toks[a], map[string]any{"student": b}); r.Status != 409 {
		t.Errorf("a second pending invitation: %d %s", r.Status, r.Body)
	}
	// The invitee sees it received; the team (both members) sees it sent; a stranger neither.
	if rec, _ := ivList(t, e.s[1], toks[b]); len(rec) != 1 || rec[0].ID != toB.ID || rec[0].Status != "pending" {
		t.Fatalf("b's received: %+v", rec)
	}
	if _, sent := ivList(t, e.s[1], toks[a]); len(sent) != 1 || sent[0].ID != toB.ID {
		t.Fatalf("a's sent: %+v", sent)
	}
	if rec, sent := ivList(t, e.s[1], toks[d]); len(rec)+len(sent) != 0 {
		t.Fatalf("a stranger's lists: %+v %+v", rec, sent)
	}
	if _, sent := ivList(t, e.s[1], e.coordOn[1]); len(sent) != 1 {
		t.Fatalf("the coordinator's pending invitations: %+v", sent)
	}
	path := fmt.Sprintf("/api/units/ops/invitations/%d", toB.ID)
	if r := e.s[0].Client.Do(t, "POST", path+"/accept", toks[c], nil); r.Status != 403 {
		t.Errorf("someone else accepts: %d", r.Status)
	}
	if r := e.s[0].Client.Do(t, "DELETE", path, toks[b], nil); r.Status != 403 {
		t.Errorf("the invitee withdraws: %d", r.Status)
	}
	r := e.s[1].Client.Do(t, "POST", path+"/decline", toks[b], nil)
	var declined invitation
	r.JSON(t, &declined)
	if r.Status != 200 || declined.Status != "declined" {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "POST", path+"/accept", toks[b], nil); r.Status != 409 {
		t.Errorf("accepting a declined invitation: %d %s", r.Status, r.Body)
	}
	if got := ivNotices(t, e, "invite.declined"); len(got) != 1 || got[a] != 1 {
		t.Errorf("invite.declined notices %v", got)
	}
	// Withdraw: the invitation to c cannot be accepted any more.
	toC := ivInvite(t, e.s[0], toks[a], c)
	if r := e.s[1].Client.Do(t, "DELETE", fmt.Sprintf("/api/units/ops/invitations/%d", toC.ID), toks[a], nil); r.Status != 204 {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/invitations/%d/accept", toC.ID), toks[c], nil); r.Status != 409 {
		t.Errorf("accepting a withdrawn invitation: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/invitations/987654/accept", toks[c], nil); r.Status != 404 {
		t.Errorf("an unknown invitation: %d", r.Status)
	}
	for _, action := range []string{"invite.sent", "invite.declined", "invite.withdrawn"} {
		if got := e.audit(t, "&action="+action); len(got) == 0 {
			t.Errorf("no %s entry", action)
		}
	}
	// Closed: nothing is sent or accepted.
	toD := ivInvite(t, e.s[0], toks[a], d)
	closes := slotDay().AddDate(-1, 0, 0)
	if _, err := e.f.Make.Unit(context.Background(), testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3, Consent: "invite", ClosesAt: &closes}); err != nil {
		t.Fatal(err)
	}
	if r := post(toks[a], map[string]any{"student": e.n[4]}); r.Status != 409 || !strings.Contains(string(r.Body), "closed") {
		t.Errorf("inviting in a closed unit: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/invitations/%d/accept", toD.ID), toks[d], nil); r.Status != 409 {
		t.Errorf("accepting in a closed unit: %d %s", r.Status, r.Body)
	}
}

// TestInviteModeCreate: in an invite unit, creating a project makes a team of the creator alone
// with no slot and invites the partners; a slot is refused until the team reaches team_min.
// In a direct first-come unit lab_id stays required; in a ranked one it is refused.
func TestInviteModeCreate(t *testing.T) {
	t.Parallel()
	e := ivNewEnv(t, 6, 2)
	toks := ccTSignIn(t, e.s, e.n...)
	a, b, c := e.n[0], e.n[1], e.n[2]
	create := func(creator string, body map[string]any) *apitest.Response {
		return e.s[0].Client.Do(t, "POST", "/api/units/ops/students/"+creator+"/project", toks[creator], body)
	}
	r := create(a, map[string]any{"partnerNumbers": []string{b}, "description": "Invited", "lab_id": e.labs[0].ID})
	ccTWantConflict(t, r, "lab_id")
	r = create(a, map[string]any{"partnerNumbers": []string{b, c, e.n[3]}, "description": "Too many"})
	if r.Status != 400 {
		t.Fatalf("four in a unit of at most three: %d %s", r.Status, r.Body)
	}
	r = create(a, map[string]any{"partnerNumbers": []string{b, c}, "description": "Invited"})
	var p project
	r.JSON(t, &p)
	if r.Status != 201 || len(p.Members) != 1 || p.Members[0].ID != a || p.LabID != 0 {
		t.Fatalf("create in an invite unit: %d %s", r.Status, r.Body)
	}
	if got := ivNotices(t, e, "invite.received"); len(got) != 2 || got[b] != 1 || got[c] != 1 {
		t.Fatalf("invite.received notices %v", got)
	}
	if n := ctQuery(t, e, "SELECT count(*) FROM project_members WHERE unit = 'ops' AND student_number = ANY($1)", []string{b, c}); n != 0 {
		t.Fatalf("an invited partner was put in the team")
	}
	// Below team_min: no slot.
	put := func(tok apitest.Bearer, lab int64) *apitest.Response {
		return e.s[1].Client.Do(t, "PUT", "/api/units/ops/students/"+a+"/project", tok, map[string]any{"description": "Invited", "lab_id": lab})
	}
	ccTWantConflict(t, put(toks[a], e.labs[0].ID), "lab_id")
	// ...yet it can change its description: without lab_id (or with null) it stays slot-less.
	for _, body := range []map[string]any{{"description": "Still inviting"}, {"description": "Still inviting too", "lab_id": nil}} {
		r := e.s[1].Client.Do(t, "PUT", "/api/units/ops/students/"+a+"/project", toks[a], body)
		var got project
		r.JSON(t, &got)
		if r.Status != 200 || got.Description != body["description"] || got.LabID != 0 {
			t.Fatalf("description-only update %v of a team without a slot: %d %s", body, r.Status, r.Body)
		}
	}
	if r := e.s[1].Client.Do(t, "PUT", "/api/units/ops/students/"+a+"/project", toks[a], map[string]any{"description": "x", "lab_id": 0}); r.Status != 400 ||
		!slices.Contains(r.Problem(t).Fields(), "lab_id") {
		t.Fatalf("lab_id 0: %d %s", r.Status, r.Body)
	}
	rec, _ := ivList(t, e.s[1], toks[b])
	if len(rec) != 1 {
		t.Fatalf("b's invitations: %+v", rec)
	}
	if r := e.s[1].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/invitations/%d/accept", rec[0].ID), toks[b], nil); r.Status != 200 {
		t.Fatalf("b accepts: %d %s", r.Status, r.Body)
	}
	// lab_id as the 2019 client sends it, a string, is accepted on the unit route too.
	if r := e.s[1].Client.Do(t, "PUT", "/api/units/ops/students/"+b+"/project", toks[b], map[string]any{"description": "Invited", "lab_id": strconv.FormatInt(e.labs[0].ID, 10)}); r.Status != 200 {
		t.Fatalf("a team of two books: %d %s", r.Status, r.Body)
	}
	// Direct, first come: lab_id is required on the unit route too.
	ctx := context.Background()
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	r = create(e.n[3], map[string]any{"partnerNumbers": []string{e.n[4]}, "description": "Direct"})
	if r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), "lab_id") {
		t.Fatalf("no lab_id in a direct unit: %d %s", r.Status, r.Body)
	}
	// Ranked: no slot at creation.
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "ops", Title: "Operations", TeamMin: 2, TeamMax: 3, Booking: "ranked"}); err != nil {
		t.Fatal(err)
	}
	ccTWantConflict(t, create(e.n[3], map[string]any{"partnerNumbers": []string{e.n[4]}, "description": "Ranked", "lab_id": e.labs[1].ID}), "lab_id")
	r = create(e.n[3], map[string]any{"partnerNumbers": []string{e.n[4]}, "description": "Ranked"})
	p = project{}
	r.JSON(t, &p)
	if r.Status != 201 || len(p.Members) != 2 || p.LabID != 0 {
		t.Fatalf("create in a ranked unit: %d %s", r.Status, r.Body)
	}
	// A ranked team changes its description without a slot, but cannot book one itself.
	r = e.s[0].Client.Do(t, "PUT", "/api/units/ops/students/"+e.n[3]+"/project", toks[e.n[3]], map[string]any{"description": "Ranked, renamed"})
	if r.Status != 200 || !strings.Contains(string(r.Body), `"Ranked, renamed"`) {
		t.Fatalf("ranked description-only update: %d %s", r.Status, r.Body)
	}
	ccTWantConflict(t, e.s[0].Client.Do(t, "PUT", "/api/units/ops/students/"+e.n[3]+"/project", toks[e.n[3]], map[string]any{"description": "Ranked", "lab_id": e.labs[1].ID}), "lab_id")
}
