package main

import (
	"fmt"
	"testing"

	"github.com/pairup/pairup/internal/testfactory"
)

// fzRankedSpec is the cells' unit for ranked booking: pairs, slots allocated from rankings.
var fzRankedSpec = testfactory.UnitSpec{Booking: "ranked"}

// fzRankingPath makes the cell's member's team (without a slot) and returns its ranking's path.
func fzRankingPath(t *testing.T, c *fzCell) string {
	t.Helper()
	p := c.Team(t, 0)
	return c.Path(fmt.Sprintf("/api/units/{unit}/projects/%d/ranking", p.ID))
}

// fzRankedRows are the ranked routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go). Callers: anonymous, member, student, coordinator, coordinator of
// another unit, site admin.
var fzRankedRows = []fzRow{
	// The team's members and coordinators.
	{"GET", "/api/units/{unit}/projects/{pid}/ranking", [fzCallers]int{401, 200, 403, 200, 403, 200}, fzRankedSpec,
		func(t *testing.T, c *fzCell) czReq { return czReq{path: fzRankingPath(t, c)} }},
	{"PUT", "/api/units/{unit}/projects/{pid}/ranking", [fzCallers]int{401, 200, 403, 200, 403, 200}, fzRankedSpec,
		func(t *testing.T, c *fzCell) czReq {
			return czReq{path: fzRankingPath(t, c), body: map[string]any{"labs": []int64{c.Labs[1].ID, c.Labs[0].ID}}}
		}},
	// Everyone in the unit reads the result (a student their own team's row only).
	{"GET", "/api/units/{unit}/allocation", [fzCallers]int{401, 200, 200, 200, 403, 200}, fzRankedSpec,
		func(t *testing.T, c *fzCell) czReq {
			c.Team(t, 0)
			if _, err := c.Service().RunAllocation(c.ctx, c.Access(t), nil); err != nil {
				t.Fatal(err)
			}
			return czReq{path: c.Path("/api/units/{unit}/allocation")}
		}},
	// Coordinators start it.
	{"POST", "/api/units/{unit}/allocation", [fzCallers]int{401, 403, 403, 200, 403, 200}, fzRankedSpec,
		func(t *testing.T, c *fzCell) czReq {
			c.Team(t, 0)
			return czReq{path: c.Path("/api/units/{unit}/allocation"), body: map[string]any{"seed": 7}}
		}},
}
