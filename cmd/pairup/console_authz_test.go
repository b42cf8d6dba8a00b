package main

import (
	"context"
	"fmt"
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

// The console's authorization matrix: every console route × anonymous, a student of the unit, a
// coordinator of the unit, a coordinator of another unit, and a site admin. Each cell gets
// students, slots and teams (and, for archive and delete, a unit) of its own.
type czCaller int

const (
	czAnon czCaller = iota
	czStudent
	czCoord
	czOtherCoord
	czSiteAdmin
	czCallers
)

func (c czCaller) String() string {
	return [...]string{"anonymous", "student", "coordinator", "coordinator_of_other_unit", "site_admin"}[c]
}

// czReq is one request of a cell: the path (with its unit), and a body of a media type.
type czReq struct {
	path, contentType string
	body              any
}

type czRow struct {
	method, route string
	want          [czCallers]int
	build         func(t *testing.T, e *czEnv, unit string) czReq
}

func (r czRow) key() string { return r.method + " " + r.route }

var (
	czCoordinatorOnly = func(ok int) [czCallers]int { return [czCallers]int{401, 403, ok, 403, ok} }
	czRoster          = func(number string) string {
		return "student_number,name,pin,role,email\n" + number + ",Cell Student,,student,cell@example.edu\n"
	}
	czSession = func(room string) map[string]any {
		return map[string]any{"rooms": []string{room}, "date": slotDay().AddDate(0, 0, 2).Format("2006-01-02"), "start": "10:00", "end": "10:30", "slot_minutes": 15, "capacity": 1}
	}
)

var czMatrix = []czRow{
	{"POST", "/api/units", [czCallers]int{401, 403, 403, 403, 201}, func(t *testing.T, e *czEnv, _ string) czReq {
		return czReq{path: "/api/units", body: map[string]any{"code": e.freshCode(), "title": "A new unit"}}
	}},
	{"DELETE", "/api/units/{unit}", czCoordinatorOnly(204), func(t *testing.T, e *czEnv, _ string) czReq {
		u := e.freshUnit(t)
		return czReq{path: "/api/units/" + u + "?confirm=" + u}
	}},
	{"POST", "/api/units/{unit}/archive", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, _ string) czReq {
		return czReq{path: "/api/units/" + e.freshUnit(t) + "/archive"}
	}},
	{"GET", "/api/units/{unit}/roster", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/roster"}
	}},
	{"POST", "/api/units/{unit}/roster/preview", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/roster/preview", contentType: "text/csv", body: czRoster(e.freshNumber())}
	}},
	{"POST", "/api/units/{unit}/roster", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/roster", contentType: "text/csv", body: czRoster(e.freshNumber())}
	}},
	{"PUT", "/api/units/{unit}/enrolments/{id}", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/enrolments/" + e.freshNumber(), body: map[string]any{"name": "Cell Student", "role": "student"}}
	}},
	{"DELETE", "/api/units/{unit}/enrolments/{id}", czCoordinatorOnly(204), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/enrolments/" + e.student(t)}
	}},
	{"POST", "/api/units/{unit}/students/{id}/pin", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/students/" + e.student(t) + "/pin"}
	}},
	{"GET", "/api/units/{unit}/slots", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/slots"}
	}},
	{"POST", "/api/units/{unit}/slots", czCoordinatorOnly(201), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/slots", body: map[string]any{"room": e.freshRoom(), "starts_at": slotDay().Format(pairup.LabTimeLayout), "capacity": 2}}
	}},
	{"POST", "/api/units/{unit}/slots/preview", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/slots/preview", body: czSession(e.freshRoom())}
	}},
	{"POST", "/api/units/{unit}/slots/generate", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/slots/generate", body: czSession(e.freshRoom())}
	}},
	{"PATCH", "/api/units/{unit}/slots/{lab}", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/slots/%d", u, e.slot(t)), body: map[string]any{"capacity": 2}}
	}},
	{"DELETE", "/api/units/{unit}/slots/{lab}", czCoordinatorOnly(204), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/slots/%d", u, e.slot(t))}
	}},
	{"GET", "/api/units/{unit}/overview", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/overview"}
	}},
	{"POST", "/api/units/{unit}/policy/preview", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/policy/preview", body: map[string]any{"policy": map[string]any{"team_min": 1}}}
	}},
	{"POST", "/api/units/{unit}/projects/{pid}/move", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/projects/%d/move", u, e.team(t).ID), body: map[string]any{"lab_id": e.slot(t), "reason": "matrix"}}
	}},
	{"POST", "/api/units/{unit}/projects/{pid}/dissolve", czCoordinatorOnly(204), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/projects/%d/dissolve", u, e.team(t).ID), body: map[string]any{}}
	}},
	{"POST", "/api/units/{unit}/projects/{pid}/members", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/projects/%d/members", u, e.team(t).ID), body: map[string]any{"id": e.student(t)}}
	}},
	{"POST", "/api/units/{unit}/projects", czCoordinatorOnly(201), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/projects", body: map[string]any{"members": []string{e.student(t), e.student(t)}, "description": "Formed", "lab_id": e.slot(t)}}
	}},
	{"GET", "/api/units/{unit}/audit.csv", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/audit.csv"}
	}},
	{"GET", "/api/units/{unit}/export/teams.csv", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/export/teams.csv"}
	}},
	{"GET", "/api/units/{unit}/calendar.ics", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/calendar.ics"}
	}},
	// Join codes: the team's members and coordinators read and renew them (the matrix's student is
	// in no team of these cells); only students join with one.
	{"GET", "/api/units/{unit}/projects/{pid}/code", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/projects/%d/code", u, e.team(t).ID)}
	}},
	{"POST", "/api/units/{unit}/projects/{pid}/code", czCoordinatorOnly(200), func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: fmt.Sprintf("/api/units/%s/projects/%d/code", u, e.team(t).ID)}
	}},
	{"POST", "/api/units/{unit}/join", [czCallers]int{401, 200, 403, 403, 403}, func(t *testing.T, e *czEnv, u string) czReq {
		code, err := e.f.Store.JoinCode(context.Background(), u, e.team(t).ID)
		if err != nil {
			t.Fatal(err)
		}
		return czReq{path: "/api/units/" + u + "/join", body: map[string]any{"code": code}}
	}},
	// The student's own calendar: the student themself (the caller "student"), coordinators.
	{"GET", "/api/units/{unit}/students/{id}/calendar.ics", [czCallers]int{401, 200, 200, 403, 200}, func(t *testing.T, e *czEnv, u string) czReq {
		return czReq{path: "/api/units/" + u + "/students/" + e.caller + "/calendar.ics"}
	}},
}

type czEnv struct {
	f                           *fixture
	s                           *testServer
	caller, coord, other, admin string // the student caller, coordinators, the site admin
	next, slots, units, rooms   atomic.Int64
	labs                        []pairup.LabSlot
}

func (e *czEnv) freshNumber() string { return fmt.Sprintf("%08d", 32500000+e.next.Add(1)) }
func (e *czEnv) freshCode() string   { return "cz-" + strconv.FormatInt(e.units.Add(1), 10) }
func (e *czEnv) freshRoom() string   { return "Room " + strconv.FormatInt(e.rooms.Add(1), 10) }

// student enrols a new student in the unit czu and returns their number.
func (e *czEnv) student(t *testing.T) string {
	t.Helper()
	n := e.freshNumber()
	if err := e.f.Make.Enrol(context.Background(), "czu", testfactory.Person{Number: n}); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *czEnv) slot(t *testing.T) int64 {
	t.Helper()
	i := int(e.slots.Add(1) - 1)
	if i >= len(e.labs) {
		t.Fatalf("only %d slots", len(e.labs))
	}
	return e.labs[i].ID
}

func (e *czEnv) team(t *testing.T) pairup.Project {
	t.Helper()
	p, err := e.f.Make.Team(context.Background(), "czu", e.student(t), []string{e.student(t)}, e.slot(t), "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// freshUnit makes a unit with the matrix's student caller and coordinator enrolled.
func (e *czEnv) freshUnit(t *testing.T) string {
	t.Helper()
	code := e.freshCode()
	ctx := context.Background()
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: code}); err != nil {
		t.Fatal(err)
	}
	if err := e.f.Make.Enrol(ctx, code, testfactory.Person{Number: e.caller}, testfactory.Person{Number: e.coord, Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	return code
}

func czNewEnv(t *testing.T, slots int) *czEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &czEnv{f: f, caller: "32000001", coord: "32000002", other: "32000003", admin: "32000004"}
	for _, code := range []string{"czu", "czv"} {
		if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: code, TeamMin: 2, TeamMax: 3}); err != nil {
			t.Fatal(err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.Make.Enrol(ctx, "czu", testfactory.Person{Number: e.caller}, testfactory.Person{Number: e.coord, Role: pairup.RoleCoordinator}))
	must(f.Make.Enrol(ctx, "czv", testfactory.Person{Number: e.other, Role: pairup.RoleCoordinator}, testfactory.Person{Number: e.admin}))
	must(f.Service.SetSiteAdmin(ctx, service.CommandLine, e.admin, true))
	labs, err := f.Make.Session(ctx, "czu", "Matrix", slotDay(), slots, 5*time.Minute, 1)
	must(err)
	e.labs = labs
	e.s = startServer(t, f.DBURL, nil)
	return e
}

// TestConsoleAuthorizationMatrix sends every cell to the real server.
func TestConsoleAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := czNewEnv(t, 4*len(czMatrix)*int(czCallers))
	tokens := map[czCaller]apitest.Bearer{}
	for c, n := range map[czCaller]string{czStudent: e.caller, czCoord: e.coord, czOtherCoord: e.other, czSiteAdmin: e.admin} {
		tokens[c] = signIn(t, e.s, n)
	}
	t.Run("cells", func(t *testing.T) {
		czCells(t, e, tokens)
	})
	// Refused callers changed nothing: no audit entry of any unit names them as the actor, but for
	// the one change the student may make here (joining a team with its code).
	if n := ccTQueryInt(t, e.f, "SELECT count(*) FROM audit_log WHERE actor = $1 OR actor = $2 AND action <> 'member.added'", e.other, e.caller); n != 0 {
		t.Errorf("%d audit entries by callers who were refused", n)
	}
	if n := ccTQueryInt(t, e.f, "SELECT count(*) FROM audit_log WHERE actor = $1 AND action = 'member.added'", e.caller); n != 1 {
		t.Errorf("%d joins by the student, want the one allowed", n)
	}
}

func czCells(t *testing.T, e *czEnv, tokens map[czCaller]apitest.Bearer) {
	for _, row := range czMatrix {
		for c := range czCallers {
			name := strings.NewReplacer("/", "_", "{", "", "}", "").Replace(row.key()) + "_by_" + c.String()
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				req := row.build(t, e, "czu")
				var auth apitest.Auth
				if c != czAnon {
					auth = tokens[c]
				}
				ct := req.contentType
				if ct == "" {
					ct = "application/json"
				}
				r := e.s.Client.DoType(t, row.method, req.path, auth, ct, req.body)
				if r.Status != row.want[c] {
					t.Fatalf("%s %s by %s: %d, want %d; %s", row.method, req.path, c, r.Status, row.want[c], r.Body)
				}
			})
		}
	}
}
