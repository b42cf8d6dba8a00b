package main

import (
	"strconv"
	"testing"

	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/testfactory"
)

// fzInviteSpec is the cells' unit for invitations: teams of 2 to 3 formed by invitation, so a
// team of two has a place left.
var fzInviteSpec = testfactory.UnitSpec{TeamMin: 2, TeamMax: 3, Consent: "invite"}

// fzInvite makes a team of the cell's member and has it invite the student (to = "": a new
// student), through the use cases; it returns the invitation's path.
func fzInvite(t *testing.T, c *fzCell, to string) string {
	t.Helper()
	c.Team(t, 0)
	if to == "" {
		to = c.Enrol(t)
	}
	p, err := c.Service().Person(c.ctx, c.Member)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := c.Service().Access(c.ctx, service.Actor{Person: p}, c.Unit.Code)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := c.Service().Invite(c.ctx, acc, to, "")
	if err != nil {
		t.Fatal(err)
	}
	return c.Path("/api/units/{unit}/invitations/" + strconv.FormatInt(inv.ID, 10))
}

// fzInviteRows are the invite routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go). Callers: anonymous, member, student, coordinator, coordinator of
// another unit, site admin.
var fzInviteRows = []fzRow{
	{"GET", "/api/units/{unit}/invitations", [fzCallers]int{401, 200, 200, 200, 403, 200}, fzInviteSpec,
		func(t *testing.T, c *fzCell) czReq {
			fzInvite(t, c, c.Student)
			return czReq{path: c.Path("/api/units/{unit}/invitations")}
		}},
	// Students invite (a student in no team gets a team of one); coordinators form teams directly.
	{"POST", "/api/units/{unit}/invitations", [fzCallers]int{401, 201, 201, 403, 403, 403}, fzInviteSpec,
		func(t *testing.T, c *fzCell) czReq {
			c.Team(t, 0)
			return czReq{path: c.Path("/api/units/{unit}/invitations"), body: map[string]any{"student": c.Enrol(t)}}
		}},
	// The inviting team's members and coordinators withdraw.
	{"DELETE", "/api/units/{unit}/invitations/{iid}", [fzCallers]int{401, 204, 403, 204, 403, 204}, fzInviteSpec,
		func(t *testing.T, c *fzCell) czReq { return czReq{path: fzInvite(t, c, "")} }},
	// Only the invitee (the cell's student) accepts or declines.
	{"POST", "/api/units/{unit}/invitations/{iid}/accept", [fzCallers]int{401, 403, 200, 403, 403, 403}, fzInviteSpec,
		func(t *testing.T, c *fzCell) czReq { return czReq{path: fzInvite(t, c, c.Student) + "/accept"} }},
	{"POST", "/api/units/{unit}/invitations/{iid}/decline", [fzCallers]int{401, 403, 200, 403, 403, 403}, fzInviteSpec,
		func(t *testing.T, c *fzCell) czReq { return czReq{path: fzInvite(t, c, c.Student) + "/decline"} }},
}
