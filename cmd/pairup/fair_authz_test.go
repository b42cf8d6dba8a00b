package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// The fair sign-up authorization matrix: every route of invitations, the partner board, match
// the rest, waitlists, ranked booking and notices × anonymous, a member of the cell's team, a
// student of the unit in no team, a coordinator of the unit, a coordinator of another unit and
// a site admin. Each cell has a unit, people and a team of its own, so rows may change what
// they like. Each feature keeps its rows in its own file (fz…Rows) and fzMatrix joins them.
type fzCaller int

const (
	fzAnon fzCaller = iota
	fzMember
	fzStudent
	fzCoord
	fzOtherCoord
	fzSiteAdmin
	fzCallers
)

func (c fzCaller) String() string {
	return [...]string{"anonymous", "member", "student", "coordinator", "coordinator_of_other_unit", "site_admin"}[c]
}

type fzRow struct {
	method, route string
	want          [fzCallers]int
	// spec is the cell unit's policy (its code is filled in); the zero value is pairs, direct,
	// first come, always open.
	spec testfactory.UnitSpec
	// build prepares the cell (a team for member, a board entry...) and returns the request.
	build func(t *testing.T, c *fzCell) czReq
}

func (r fzRow) key() string { return r.method + " " + r.route }

// fzMatrix is every fair sign-up route; TestAzTMatrixCoversSpec requires each operation of
// openapi.yaml in one of the matrices.
var fzMatrix = slices.Concat(fzInviteRows, fzBoardRows, fzWaitlistRows, fzRankedRows, fzNoticeRows)

type fzEnv struct {
	f                   *fixture
	s                   *testServer
	coord, other, admin string
	tokens              map[fzCaller]apitest.Bearer
	next, units         atomic.Int64
}

// fzCell is one cell's world: its own unit (coordinated by env.coord), a student who will be
// the member caller and one who will be the student caller, both enrolled and in no team yet,
// and slots of the unit.
type fzCell struct {
	e               *fzEnv
	Unit            pairup.Unit
	Member, Student string
	Labs            []pairup.LabSlot
	ctx             context.Context
}

func (e *fzEnv) freshNumber() string { return fmt.Sprintf("%08d", 33500000+e.next.Add(1)) }

// Enrol enrols a new student in the cell's unit and returns their number.
func (c *fzCell) Enrol(t *testing.T) string {
	t.Helper()
	n := c.e.freshNumber()
	if err := c.e.f.Make.Enrol(c.ctx, c.Unit.Code, testfactory.Person{Number: n}); err != nil {
		t.Fatal(err)
	}
	return n
}

// Team makes a team of the member and new students (as many as the unit's team_min needs) in
// the slot, through the use cases.
func (c *fzCell) Team(t *testing.T, lab int64) pairup.Project {
	t.Helper()
	var partners []string
	for len(partners)+1 < c.Unit.Policy.TeamMin {
		partners = append(partners, c.Enrol(t))
	}
	p, err := c.e.f.Make.Team(c.ctx, c.Unit.Code, c.Member, partners, lab, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Access is the command line's access to the cell's unit, for setting a cell up.
func (c *fzCell) Access(t *testing.T) service.Access {
	t.Helper()
	acc, err := c.e.f.Service.Access(c.ctx, service.CommandLine, c.Unit.Code)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// Service is the use cases, for setting a cell up.
func (c *fzCell) Service() *service.Service { return c.e.f.Service }

// Path fills in {unit} with the cell's unit.
func (c *fzCell) Path(p string) string { return strings.ReplaceAll(p, "{unit}", c.Unit.Code) }

func (c *fzCell) newUnit(t *testing.T, spec testfactory.UnitSpec) {
	t.Helper()
	spec.Code = "fz-" + strconv.FormatInt(c.e.units.Add(1), 10)
	u, err := c.e.f.Make.Unit(c.ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	c.Unit = u
	c.Member, c.Student = c.e.freshNumber(), c.e.freshNumber()
	if err := c.e.f.Make.Enrol(c.ctx, u.Code, testfactory.Person{Number: c.Member}, testfactory.Person{Number: c.Student},
		testfactory.Person{Number: c.e.coord, Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	if c.Labs, err = c.e.f.Make.Session(c.ctx, u.Code, "Fair", slotDay(), 4, 5*time.Minute, 1); err != nil {
		t.Fatal(err)
	}
}

func fzNewEnv(t *testing.T) *fzEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &fzEnv{f: f, coord: "33000002", other: "33000003", admin: "33000004"}
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "fzv"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "fzv", testfactory.Person{Number: e.other, Role: pairup.RoleCoordinator}, testfactory.Person{Number: e.admin},
		testfactory.Person{Number: e.coord, Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	if err := f.Service.SetSiteAdmin(ctx, service.CommandLine, e.admin, true); err != nil {
		t.Fatal(err)
	}
	e.s = startServer(t, f.DBURL, nil)
	e.tokens = map[fzCaller]apitest.Bearer{}
	for c, n := range map[fzCaller]string{fzCoord: e.coord, fzOtherCoord: e.other, fzSiteAdmin: e.admin} {
		e.tokens[c] = signIn(t, e.s, n)
	}
	return e
}

// TestFairSignupAuthorizationMatrix sends every cell to the real server.
func TestFairSignupAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := fzNewEnv(t)
	for _, row := range fzMatrix {
		for caller := range fzCallers {
			name := strings.NewReplacer("/", "_", "{", "", "}", "").Replace(row.key()) + "_by_" + caller.String()
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				c := &fzCell{e: e, ctx: context.Background()}
				c.newUnit(t, row.spec)
				req := row.build(t, c)
				var auth apitest.Auth
				switch caller {
				case fzAnon:
				case fzMember:
					auth = signIn(t, e.s, c.Member)
				case fzStudent:
					auth = signIn(t, e.s, c.Student)
				default:
					auth = e.tokens[caller]
				}
				ct := req.contentType
				if ct == "" {
					ct = "application/json"
				}
				r := e.s.Client.DoType(t, row.method, req.path, auth, ct, req.body)
				if r.Status != row.want[caller] {
					t.Fatalf("%s %s by %s: %d, want %d; %s", row.method, req.path, caller, r.Status, row.want[caller], r.Body)
				}
			})
		}
	}
}
