package main

import (
	"testing"

	"github.com/pairup/pairup/internal/testfactory"
)

// fzNoticeRows are the notice routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go). Everyone with access to the unit has an inbox of their own there
// (a coordinator's and a site admin's are normally empty); a coordinator of another unit has
// none. Callers: anonymous, member, student, coordinator, coordinator of another unit, site admin.
var fzNoticeRows = []fzRow{
	{"GET", "/api/units/{unit}/notices", [fzCallers]int{401, 200, 200, 200, 403, 200}, testfactory.UnitSpec{},
		func(t *testing.T, c *fzCell) czReq {
			c.Team(t, c.Labs[0].ID)
			return czReq{path: c.Path("/api/units/{unit}/notices")}
		}},
	{"POST", "/api/units/{unit}/notices/read", [fzCallers]int{401, 200, 200, 200, 403, 200}, testfactory.UnitSpec{},
		func(t *testing.T, c *fzCell) czReq {
			c.Team(t, c.Labs[0].ID)
			return czReq{path: c.Path("/api/units/{unit}/notices/read"), body: map[string]any{"up_to": 1}}
		}},
}
