package main

import (
	"testing"

	"github.com/pairup/pairup/api/service"
)

// fzBoardRows are the board routes' rows of the fair sign-up authorization matrix
// (fair_authz_test.go): the partner board and "match the rest". The member caller is put in a
// team where a row needs one (a member may not post).
var fzBoardRows = []fzRow{
	{method: "GET", route: "/api/units/{unit}/board", want: [fzCallers]int{401, 200, 200, 200, 403, 200},
		build: func(t *testing.T, c *fzCell) czReq { return czReq{path: c.Path("/api/units/{unit}/board")} }},
	{method: "PUT", route: "/api/units/{unit}/board/entry", want: [fzCallers]int{401, 409, 200, 403, 403, 403},
		build: func(t *testing.T, c *fzCell) czReq {
			c.Team(t, c.Labs[0].ID)
			return czReq{path: c.Path("/api/units/{unit}/board/entry"), body: map[string]any{"note": "Looking for a team", "tags": []string{"go"}, "times": []string{}}}
		}},
	{method: "DELETE", route: "/api/units/{unit}/board/entry", want: [fzCallers]int{401, 204, 204, 403, 403, 403},
		build: func(t *testing.T, c *fzCell) czReq {
			if _, err := c.Service().PutBoardEntry(c.ctx, c.studentAccess(t, c.Student), "Looking", nil, nil); err != nil {
				t.Fatal(err)
			}
			return czReq{path: c.Path("/api/units/{unit}/board/entry")}
		}},
	{method: "POST", route: "/api/units/{unit}/match/preview", want: [fzCallers]int{401, 403, 403, 200, 403, 200},
		build: func(t *testing.T, c *fzCell) czReq {
			return czReq{path: c.Path("/api/units/{unit}/match/preview"), body: map[string]any{"seed": 3}}
		}},
	{method: "POST", route: "/api/units/{unit}/match", want: [fzCallers]int{401, 403, 403, 201, 403, 201},
		build: func(t *testing.T, c *fzCell) czReq {
			return czReq{path: c.Path("/api/units/{unit}/match"), body: map[string]any{"seed": 3, "teams": [][]string{{c.Member, c.Student}}}}
		}},
}

// studentAccess is the student's own standing in the cell's unit, for setting a cell up.
func (c *fzCell) studentAccess(t *testing.T, number string) service.Access {
	t.Helper()
	p, err := c.e.f.Service.Person(c.ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := c.e.f.Service.Access(c.ctx, service.Actor{Person: p}, c.Unit.Code)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}
