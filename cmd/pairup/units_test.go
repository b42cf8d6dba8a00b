package main

import (
	"context"
	"fmt"
	"net/http"
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

// The unit isolation matrix: every route that acts in a unit × who the caller is to that unit.
// Unit "alpha" is the one in the path; "beta" is another unit.
type uzCaller int

const (
	uzAnon       uzCaller = iota // no credentials
	uzSelf                       // a student of alpha, the {id} of the path, in a team with mate
	uzMate                       // self's teammate
	uzLoner                      // a student of alpha in no team
	uzOutsider                   // a student of beta only
	uzCoord                      // a coordinator of alpha
	uzOtherCoord                 // a coordinator of beta only
	uzSiteAdmin                  // a site admin, enrolled nowhere
	uzCallers
)

func (c uzCaller) String() string {
	return [...]string{"anonymous", "self", "mate", "loner", "student_of_other_unit", "coordinator", "coordinator_of_other_unit", "site_admin"}[c]
}

type uzRow struct {
	method, path string
	want         [uzCallers]int
}

func (r uzRow) key() string { return r.method + " " + r.path }

var uzMatrix = []uzRow{
	//                                                                   anon self mate loner outsider coord otherCoord siteAdmin
	{"GET", "/api/me", [uzCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/units", [uzCallers]int{401, 200, 200, 200, 200, 200, 200, 200}},
	{"GET", "/api/units/{unit}", [uzCallers]int{401, 200, 200, 200, 403, 200, 403, 200}},
	{"PATCH", "/api/units/{unit}", [uzCallers]int{401, 403, 403, 403, 403, 200, 403, 200}},
	{"GET", "/api/units/{unit}/audit", [uzCallers]int{401, 403, 403, 403, 403, 200, 403, 200}},
	{"GET", "/api/units/{unit}/students/{id}", [uzCallers]int{401, 200, 200, 403, 403, 200, 403, 200}},
	{"GET", "/api/units/{unit}/students/{id}/project", [uzCallers]int{401, 200, 200, 403, 403, 200, 403, 200}},
	{"POST", "/api/units/{unit}/students/{id}/project", [uzCallers]int{401, 201, 403, 403, 403, 201, 403, 201}},
	{"PUT", "/api/units/{unit}/students/{id}/project", [uzCallers]int{401, 200, 200, 403, 403, 200, 403, 200}},
	{"DELETE", "/api/units/{unit}/students/{id}/project", [uzCallers]int{401, 204, 204, 403, 403, 204, 403, 204}},
	{"DELETE", "/api/units/{unit}/projects/{pid}/members/{id}", [uzCallers]int{401, 204, 403, 403, 403, 204, 403, 204}},
	{"GET", "/api/units/{unit}/labs", [uzCallers]int{401, 200, 200, 200, 403, 200, 403, 200}},
	{"GET", "/api/units/{unit}/projects", [uzCallers]int{401, 200, 200, 200, 403, 200, 403, 200}},
}

// uzEnv is one server on one database with the units alpha and beta; every case takes students
// and slots of alpha of its own.
type uzEnv struct {
	f                                         *fixture
	s                                         *testServer
	outsider, coord, otherCoord, admin, loner string
	next                                      atomic.Int64
	labs                                      []pairup.LabSlot
	slot                                      atomic.Int64
}

func uzNewEnv(t *testing.T, students, slots int) *uzEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &uzEnv{f: f, outsider: "35000001", coord: "35000002", otherCoord: "35000003", admin: "35000004", loner: "35000005"}
	for _, code := range []string{"alpha", "beta"} {
		if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: code, TeamMin: 2, TeamMax: 3}); err != nil {
			t.Fatal(err)
		}
	}
	people := []testfactory.Person{{Number: e.coord, Role: pairup.RoleCoordinator}, {Number: e.loner}}
	for i := range students {
		people = append(people, testfactory.Person{Number: fmt.Sprintf("%08d", 36000000+i)})
	}
	if err := f.Make.Enrol(ctx, "alpha", people...); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "beta", testfactory.Person{Number: e.outsider}, testfactory.Person{Number: e.otherCoord, Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "default", testfactory.Person{Number: e.admin}); err != nil {
		t.Fatal(err)
	}
	if err := f.Service.SetSiteAdmin(ctx, service.CommandLine, e.admin, true); err != nil {
		t.Fatal(err)
	}
	labs, err := f.Make.Session(ctx, "alpha", "A 1", slotDay(), slots, 5*time.Minute, 1)
	if err != nil {
		t.Fatal(err)
	}
	e.labs = labs
	e.s = startServer(t, f.DBURL, nil)
	return e
}

func (e *uzEnv) student(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("%08d", 36000000+int(e.next.Add(1)-1))
}

func (e *uzEnv) lab(t *testing.T) int64 {
	t.Helper()
	i := int(e.slot.Add(1) - 1)
	if i >= len(e.labs) {
		t.Fatalf("only %d slots", len(e.labs))
	}
	return e.labs[i].ID
}

// state describes self's and mate's team in alpha and whether the two slots are free.
func (e *uzEnv) state(t *testing.T, self, mate string, labs ...int64) string {
	t.Helper()
	ctx := context.Background()
	acc, err := e.f.Service.Access(ctx, service.CommandLine, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range []string{self, mate} {
		p, err := e.f.Service.ProjectOf(ctx, acc, n)
		switch pairup.ErrorCode(err) {
		case pairup.ENOTFOUND:
			fmt.Fprintf(&b, "%s: none\n", n)
		case "":
			fmt.Fprintf(&b, "%s: %d %q lab %d members %v\n", n, p.ID, p.Description, p.Lab.ID, memberIDs(p))
		default:
			t.Fatal(err)
		}
	}
	free, err := e.f.Service.BookableLabs(ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range labs {
		fmt.Fprintf(&b, "lab %d free %v\n", id, slices.ContainsFunc(free, func(l pairup.LabSlot) bool { return l.ID == id }))
	}
	u, err := e.f.Store.Unit(ctx, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "unit title %q\n", u.Title)
	return b.String()
}

func memberIDs(p pairup.Project) []string {
	out := make([]string, len(p.Members))
	for i, m := range p.Members {
		out[i] = m.Number
	}
	return out
}

// TestUnitsIsolationMatrix sends every cell to the real server: the status must be the
// matrix's, a refused request changes nothing, and an allowed one does what it says, in its
// unit only.
func TestUnitsIsolationMatrix(t *testing.T) {
	t.Parallel()
	cells := len(uzMatrix) * int(uzCallers)
	e := uzNewEnv(t, 2*cells, 2*cells)
	for _, row := range uzMatrix {
		for c := range uzCallers {
			name := strings.NewReplacer("/", "_", "{", "", "}", "").Replace(row.key()) + "_by_" + c.String()
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				uzCell(t, e, row, c)
			})
		}
	}
}

func uzCell(t *testing.T, e *uzEnv, row uzRow, c uzCaller) {
	want := row.want[c]
	self, mate := e.student(t), e.student(t)
	labA, labB := e.lab(t), e.lab(t)
	creating := row.key() == "POST /api/units/{unit}/students/{id}/project"
	var pid int64
	if !creating {
		p, err := e.f.Make.Team(context.Background(), "alpha", self, []string{mate}, labA, "")
		if err != nil {
			t.Fatal(err)
		}
		pid = p.ID
	}
	path := strings.NewReplacer("{unit}", "alpha", "{id}", self, "{pid}", strconv.FormatInt(pid, 10)).Replace(row.path)
	caller := map[uzCaller]string{
		uzSelf: self, uzMate: mate, uzLoner: e.loner, uzOutsider: e.outsider,
		uzCoord: e.coord, uzOtherCoord: e.otherCoord, uzSiteAdmin: e.admin,
	}[c]
	var auth apitest.Auth
	if c != uzAnon {
		auth = signIn(t, e.s, caller)
	}
	var body any
	switch row.method {
	case "POST":
		body = map[string]any{"partnerNumbers": []string{mate}, "description": "uz created", "lab_id": labA}
	case "PUT":
		body = map[string]any{"description": "uz changed", "lab_id": labB}
	case "PATCH":
		body = map[string]any{"title": "Unit alpha"} // its title already: the change is recorded, nothing else moves
	}
	before := e.state(t, self, mate, labA, labB)
	r := e.s.Client.Do(t, row.method, path, auth, body)
	if r.Status != want {
		t.Fatalf("%s %s by %s: %d, want %d; %s", row.method, path, c, r.Status, want, r.Body)
	}
	after := e.state(t, self, mate, labA, labB)
	changes := row.method != "GET" && row.method != "PATCH" && want < 300
	if !changes && after != before {
		t.Fatalf("%s by %s (%d) changed the data:\nbefore:\n%safter:\n%s", row.key(), c, r.Status, before, after)
	}
	if want >= 300 {
		return
	}
	switch row.key() {
	case "GET /api/me":
		var me struct {
			ID    string `json:"id"`
			Admin bool   `json:"site_admin"`
			Units []struct{ Code, Role string }
		}
		r.JSON(t, &me)
		inAlpha := slices.ContainsFunc(me.Units, func(u struct{ Code, Role string }) bool { return u.Code == "alpha" })
		if me.ID != caller || me.Admin != (c == uzSiteAdmin) || inAlpha != (c != uzOutsider && c != uzOtherCoord && c != uzSiteAdmin) {
			t.Errorf("me %+v", me)
		}
	case "GET /api/units":
		var l struct{ Units []struct{ Code string } }
		r.JSON(t, &l)
		var codes []string
		for _, u := range l.Units {
			codes = append(codes, u.Code)
		}
		if slices.Contains(codes, "alpha") != (c != uzOutsider && c != uzOtherCoord) || (c == uzSiteAdmin) != (len(codes) == 3) {
			t.Errorf("%s sees units %v", c, codes)
		}
	case "GET /api/units/{unit}", "PATCH /api/units/{unit}":
		var u struct{ Code, Phase string }
		r.JSON(t, &u)
		if u.Code != "alpha" || u.Phase != "open" {
			t.Errorf("unit %+v", u)
		}
	case "GET /api/units/{unit}/audit":
		var a struct {
			Entries []struct {
				Action string
				Pid    *int64
			}
		}
		r.JSON(t, &a)
		if !slices.ContainsFunc(a.Entries, func(x struct {
			Action string
			Pid    *int64
		}) bool {
			return x.Action == "project.created" && x.Pid != nil && *x.Pid == pid
		}) {
			t.Errorf("audit lacks the creation of project %d", pid)
		}
	case "GET /api/units/{unit}/students/{id}":
		var s struct{ ID string }
		r.JSON(t, &s)
		if s.ID != self {
			t.Errorf("student %+v", s)
		}
	case "GET /api/units/{unit}/students/{id}/project":
		var p struct {
			Pid  int64
			Unit string
		}
		r.JSON(t, &p)
		if p.Pid != pid || p.Unit != "alpha" {
			t.Errorf("project %+v, want %d in alpha", p, pid)
		}
	case "POST /api/units/{unit}/students/{id}/project":
		if !strings.Contains(after, fmt.Sprintf("%s: ", self)) || !strings.Contains(after, `"uz created" lab `+strconv.FormatInt(labA, 10)) {
			t.Errorf("after create:\n%s", after)
		}
		if loc := r.Header.Get("Location"); loc != "/api/units/alpha/students/"+self+"/project" {
			t.Errorf("Location %q", loc)
		}
	case "PUT /api/units/{unit}/students/{id}/project":
		if !strings.Contains(after, `"uz changed" lab `+strconv.FormatInt(labB, 10)) {
			t.Errorf("after update:\n%s", after)
		}
	case "DELETE /api/units/{unit}/students/{id}/project":
		if !strings.Contains(after, self+": none") || !strings.Contains(after, mate+": none") {
			t.Errorf("after delete:\n%s", after)
		}
	case "DELETE /api/units/{unit}/projects/{pid}/members/{id}":
		if !strings.Contains(after, self+": none") || !strings.Contains(after, fmt.Sprintf("members [%s]", mate)) {
			t.Errorf("after leaving:\n%s", after)
		}
	case "GET /api/units/{unit}/labs":
		var l struct {
			AvailableLabs []struct {
				LabID int64 `json:"lab_id"`
				Unit  string
			} `json:"available_labs"`
		}
		r.JSON(t, &l)
		var ids []int64
		for _, x := range l.AvailableLabs {
			if x.Unit != "alpha" {
				t.Errorf("lab %d of unit %q listed in alpha", x.LabID, x.Unit)
			}
			ids = append(ids, x.LabID)
		}
		if slices.Contains(ids, labA) || !slices.Contains(ids, labB) {
			t.Errorf("labs %v: want %d absent, %d present", ids, labA, labB)
		}
	case "GET /api/units/{unit}/projects":
		var l struct{ ProjectList []struct{ Pid int64 } }
		r.JSON(t, &l)
		if !slices.ContainsFunc(l.ProjectList, func(p struct{ Pid int64 }) bool { return p.Pid == pid }) {
			t.Errorf("project %d not listed", pid)
		}
	default:
		t.Fatalf("no check for the effect of %s", row.key())
	}
}

// TestUnitsDefaultRoutesAreTheDefaultUnit checks that the seed's routes act on the default unit
// and on no other: a student of another unit only is refused there, and a team formed through
// them is the default unit's.
func TestUnitsDefaultRoutesAreTheDefaultUnit(t *testing.T) {
	t.Parallel()
	e := uzNewEnv(t, 2, 2)
	tok := signIn(t, e.s, e.outsider)
	for _, path := range []string{"/api/labs", "/api/projects", "/api/students/" + e.outsider} {
		if r := e.s.Client.Do(t, "GET", path, tok, nil); r.Status != http.StatusForbidden {
			t.Errorf("GET %s by a student of beta only: %d, want 403", path, r.Status)
		}
	}
	f := newFixture(t, 2, 1)
	s := startServer(t, f.DBURL, nil)
	p := createProject(t, s, signIn(t, s, studentNumber(0)), studentNumber(0), studentNumber(1), f.Labs[0].ID)
	r := s.Client.Do(t, "GET", "/api/units/default/students/"+studentNumber(1)+"/project", signIn(t, s, studentNumber(1)), nil)
	var got struct {
		Pid  int64
		Unit string
	}
	r.JSON(t, &got)
	if r.Status != 200 || got.Pid != p.Pid || got.Unit != "default" {
		t.Fatalf("the seed route's team seen through the unit route: %d %s", r.Status, r.Body)
	}
}

// TestUnitsBadInput: every malformed request to the unit routes is a 400 problem naming the
// field at fault, and changes nothing.
func TestUnitsBadInput(t *testing.T) {
	t.Parallel()
	e := uzNewEnv(t, 12, 2)
	self, mate := e.student(t), e.student(t)
	lab := strconv.FormatInt(e.labs[0].ID, 10)
	coord := signIn(t, e.s, e.coord)
	tok := signIn(t, e.s, self)
	many := make([]string, 10)
	for i := range many {
		many[i] = e.student(t)
	}
	project := "/api/units/alpha/students/" + self + "/project"
	betaLabs, err := e.f.Make.Session(context.Background(), "beta", "B 1", slotDay(), 1, 0, 5)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path string
		auth               apitest.Auth
		body               any
		field              string
	}{
		{"partnerNumbers not an array", "POST", project, tok, `{"partnerNumbers":"x","description":"d","lab_id":` + lab + `}`, "partnerNumbers"},
		{"partnerNumbers twice the same", "POST", project, tok, map[string]any{"partnerNumbers": []string{mate, mate}, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"partnerNumbers not a number", "POST", project, tok, map[string]any{"partnerNumbers": []string{"1"}, "description": "d", "lab_id": lab}, "partnerNumbers[0]"},
		{"ten partners", "POST", project, tok, map[string]any{"partnerNumbers": many, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"both partner fields", "POST", project, tok, map[string]any{"partnerNumber": mate, "partnerNumbers": []string{mate}, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"the creator as partner", "POST", project, tok, map[string]any{"partnerNumbers": []string{self}, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"a team of one in a unit of 2 to 3", "POST", project, tok, map[string]any{"partnerNumbers": []string{}, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"a team of four in a unit of 2 to 3", "POST", project, tok, map[string]any{"partnerNumbers": many[:3], "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"a partner of another unit", "POST", project, tok, map[string]any{"partnerNumbers": []string{e.outsider}, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"a coordinator as partner", "POST", project, tok, map[string]any{"partnerNumbers": []string{e.coord}, "description": "d", "lab_id": lab}, "partnerNumbers"},
		{"another unit's slot", "POST", project, tok, map[string]any{"partnerNumbers": []string{mate}, "description": "d", "lab_id": betaLabs[0].ID}, "lab_id"},
		{"policy null", "PATCH", "/api/units/alpha", coord, `{"policy":null}`, "policy"},
		{"team_max a string", "PATCH", "/api/units/alpha", coord, `{"policy":{"team_max":"x"}}`, "policy.team_max"},
		{"team_min above team_max", "PATCH", "/api/units/alpha", coord, `{"policy":{"team_min":5}}`, "policy.team_min"},
		{"team_max of 11", "PATCH", "/api/units/alpha", coord, `{"policy":{"team_max":11}}`, "policy.team_max"},
		{"guard below zero", "PATCH", "/api/units/alpha", coord, `{"policy":{"guard_minutes":-1}}`, "policy.guard_minutes"},
		{"closes before it opens", "PATCH", "/api/units/alpha", coord, `{"policy":{"opens_at":"2030-01-02T00:00:00Z","closes_at":"2030-01-01T00:00:00Z"}}`, "policy.closes_at"},
		{"opens_at not a time", "PATCH", "/api/units/alpha", coord, `{"policy":{"opens_at":"tomorrow"}}`, "policy.opens_at"},
		{"unknown policy field", "PATCH", "/api/units/alpha", coord, `{"policy":{"team_size":3}}`, "policy.team_size"},
		{"unknown field", "PATCH", "/api/units/alpha", coord, `{"titel":"x"}`, "titel"},
		{"title empty", "PATCH", "/api/units/alpha", coord, `{"title":""}`, "title"},
		{"unknown timezone", "PATCH", "/api/units/alpha", coord, `{"timezone":"Mars/Olympus"}`, "timezone"},
		{"timezone null", "PATCH", "/api/units/alpha", coord, `{"timezone":null}`, "timezone"},
		{"audit cursor", "GET", "/api/units/alpha/audit?cursor=x", coord, nil, "cursor"},
		{"audit limit", "GET", "/api/units/alpha/audit?limit=0", coord, nil, "limit"},
		{"audit limit not a number", "GET", "/api/units/alpha/audit?limit=abc", coord, nil, "limit"},
		{"unit code", "GET", "/api/units/Alpha_1/labs", tok, nil, "unit"},
		{"pid", "DELETE", "/api/units/alpha/projects/0/members/" + self, tok, nil, "pid"},
		{"student number", "GET", "/api/units/alpha/students/123/project", tok, nil, "id"},
	}
	before := e.state(t, self, mate, e.labs[0].ID)
	entries := ccTQueryInt(t, e.f, "SELECT count(*) FROM audit_log WHERE unit = 'alpha'")
	for _, c := range cases {
		r := e.s.Client.Do(t, c.method, c.path, c.auth, c.body)
		if r.Status != 400 {
			t.Errorf("%s: %d, want 400; %s", c.name, r.Status, r.Body)
			continue
		}
		if fields := r.Problem(t).Fields(); !slices.Contains(fields, c.field) {
			t.Errorf("%s: the problem names %v, want %s", c.name, fields, c.field)
		}
	}
	if after := e.state(t, self, mate, e.labs[0].ID); after != before {
		t.Errorf("bad requests changed the data:\n%s\nwas\n%s", after, before)
	}
	if n := ccTQueryInt(t, e.f, "SELECT count(*) FROM audit_log WHERE unit = 'alpha'"); n != entries {
		t.Errorf("bad requests wrote %d audit entries", n-entries)
	}
}
