package main

import (
	"strconv"
	"testing"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/testfactory"
)

// fzWaitlistSpec is the cells' unit for waitlists: solo teams, so a team of the member alone
// books a slot.
var fzWaitlistSpec = testfactory.UnitSpec{TeamMin: 1, TeamMax: 1}

// fzWaitlistQueued books the member's team into slot 0, fills slot 1 with another team and puts
// the member's team in slot 1's line; it returns the other team.
func fzWaitlistQueued(t *testing.T, c *fzCell) pairup.Project {
	t.Helper()
	c.Team(t, c.Labs[0].ID)
	other, err := c.e.f.Make.Team(c.ctx, c.Unit.Code, c.Enrol(t), nil, c.Labs[1].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Service().Person(c.ctx, c.Member)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := c.Service().Access(c.ctx, service.Actor{Person: p}, c.Unit.Code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Service().JoinQueue(c.ctx, acc, c.Labs[1].ID); err != nil {
		t.Fatal(err)
	}
	return other
}

// fzWaitlistHold has a coordinator dissolve the team in slot 1, so the member's team holds its
// place; it returns the hold's path.
func fzWaitlistHold(t *testing.T, c *fzCell) string {
	t.Helper()
	other := fzWaitlistQueued(t, c)
	if err := c.Service().DissolveProject(c.ctx, c.Access(t), other.ID, service.Intervention{Reason: "matrix"}); err != nil {
		t.Fatal(err)
	}
	w, err := c.Service().Waitlist(c.ctx, c.Access(t))
	if err != nil || len(w.Holds) != 1 {
		t.Fatalf("holds %+v, %v", w.Holds, err)
	}
	return c.Path("/api/units/{unit}/holds/" + strconv.FormatInt(w.Holds[0].ID, 10))
}

// fzWaitlistRows are the waitlist routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go). Callers: anonymous, member, student, coordinator, coordinator of
// another unit, site admin.
var fzWaitlistRows = []fzRow{
	// A team's members queue; a student without a team has nothing to queue (409); coordinators
	// are in no team.
	{"POST", "/api/units/{unit}/labs/{lab}/queue", [fzCallers]int{401, 201, 409, 403, 403, 403}, fzWaitlistSpec,
		func(t *testing.T, c *fzCell) czReq {
			c.Team(t, c.Labs[0].ID)
			if _, err := c.e.f.Make.Team(c.ctx, c.Unit.Code, c.Enrol(t), nil, c.Labs[1].ID, ""); err != nil {
				t.Fatal(err)
			}
			return czReq{path: c.Path("/api/units/{unit}/labs/" + strconv.FormatInt(c.Labs[1].ID, 10) + "/queue")}
		}},
	{"DELETE", "/api/units/{unit}/labs/{lab}/queue", [fzCallers]int{401, 204, 409, 403, 403, 403}, fzWaitlistSpec,
		func(t *testing.T, c *fzCell) czReq {
			fzWaitlistQueued(t, c)
			return czReq{path: c.Path("/api/units/{unit}/labs/" + strconv.FormatInt(c.Labs[1].ID, 10) + "/queue")}
		}},
	{"GET", "/api/units/{unit}/queue", [fzCallers]int{401, 200, 200, 200, 403, 200}, fzWaitlistSpec,
		func(t *testing.T, c *fzCell) czReq {
			fzWaitlistQueued(t, c)
			return czReq{path: c.Path("/api/units/{unit}/queue")}
		}},
	// The hold's team (the member's) and coordinators take it or pass it on.
	{"POST", "/api/units/{unit}/holds/{hid}/accept", [fzCallers]int{401, 200, 403, 200, 403, 200}, fzWaitlistSpec,
		func(t *testing.T, c *fzCell) czReq { return czReq{path: fzWaitlistHold(t, c) + "/accept"} }},
	{"POST", "/api/units/{unit}/holds/{hid}/decline", [fzCallers]int{401, 204, 403, 204, 403, 204}, fzWaitlistSpec,
		func(t *testing.T, c *fzCell) czReq { return czReq{path: fzWaitlistHold(t, c) + "/decline"} }},
}
