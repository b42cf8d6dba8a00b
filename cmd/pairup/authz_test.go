package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	contract "github.com/pairup/pairup"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
)

// azTEnv is one server on one database shared by the cases of a table test. Each case takes
// students and lab slots of its own, so cases run in parallel without seeing each other.
type azTEnv struct {
	f        *fixture
	s        *testServer
	students atomic.Int64 // index of the next unused student
	slots    atomic.Int64 // index of the next unused lab slot
	nStudent int
}

// azTUnknown has the shape of a student number but is on no roster.
const azTUnknown = "38888888"

func azTNewEnv(t *testing.T, students, slots int) *azTEnv {
	t.Helper()
	f := newFixture(t, students, slots)
	return &azTEnv{f: f, s: startServer(t, f.DBURL, nil), nStudent: students}
}

// student returns the number of a student no other case uses.
func (e *azTEnv) student(t *testing.T) string {
	t.Helper()
	i := int(e.students.Add(1) - 1)
	if i >= e.nStudent {
		t.Fatalf("fixture has only %d students", e.nStudent)
	}
	return studentNumber(i)
}

// slot returns the id of a free lab slot no other case uses.
func (e *azTEnv) slot(t *testing.T) int64 {
	t.Helper()
	i := int(e.slots.Add(1) - 1)
	if i >= len(e.f.Labs) {
		t.Fatalf("fixture has only %d lab slots", len(e.f.Labs))
	}
	return e.f.Labs[i].ID
}

// team forms a team directly in the store, so the API under test is not used to set up.
func (e *azTEnv) team(t *testing.T, creator, partner string, lab int64) pairup.Project {
	t.Helper()
	return e.f.team(t, creator, []string{partner}, lab)
}

// state describes, from the database, the projects of the students and whether the slots are
// free, so a test can tell that a refused request changed nothing.
func (e *azTEnv) state(t *testing.T, students []string, labs []int64) string {
	t.Helper()
	var b strings.Builder
	for _, n := range students {
		p, err := e.f.projectOf(t, n)
		switch pairup.ErrorCode(err) {
		case pairup.ENOTFOUND:
			fmt.Fprintf(&b, "%s: no project\n", n)
		case "":
			var members []string
			for _, m := range p.Members {
				members = append(members, m.Number)
			}
			fmt.Fprintf(&b, "%s: project %d %q lab %d members %v\n", n, p.ID, p.Description, p.Lab.ID, members)
		default:
			t.Fatalf("project of %s: %v", n, err)
		}
	}
	avail := e.f.bookable(t)
	for _, id := range labs {
		free := slices.ContainsFunc(avail, func(l pairup.LabSlot) bool { return l.ID == id })
		fmt.Fprintf(&b, "lab %d free: %v\n", id, free)
	}
	return b.String()
}

// azTCaller is who sends a request in the authorization matrix.
type azTCaller int

const (
	azTAnon         azTCaller = iota // no credentials
	azTOther                         // a student in another team
	azTLoner                         // a student in no team
	azTSelf                          // the student in the path; on routes without one, a student in a team
	azTMate                          // self's teammate; on POST .../project, the partner named in the body
	azTAdmin                         // a coordinator
	azTOtherUnknown                  // azTOther, with a path naming a student on no roster
	azTAdminUnknown                  // azTAdmin, with a path naming a student on no roster
	azTCallers                       // how many there are
)

func (c azTCaller) String() string {
	return [...]string{"anonymous", "other", "loner", "self", "mate", "admin", "other_unknown_id", "admin_unknown_id"}[c]
}

// azTRow is one route of openapi.yaml and the status each caller gets; 0 where the caller does
// not apply (an unknown student on a route without one).
type azTRow struct {
	method, path string
	want         [azTCallers]int
}

// azTMatrix is the authorization matrix: every operation of openapi.yaml × every kind of caller.
// POST /api/tokens is authenticated with HTTP Basic (the caller's own number and PIN); every other
// signed-in call carries the caller's bearer token.
var azTMatrix = []azTRow{
	//                                               anon other loner self mate admin other→unknown admin→unknown
	{"POST", "/api/tokens", [azTCallers]int{401, 200, 200, 200, 200, 200, 0, 0}},
	{"DELETE", "/api/tokens", [azTCallers]int{401, 204, 204, 204, 204, 204, 0, 0}},
	{"GET", "/api/students/{id}", [azTCallers]int{401, 403, 403, 200, 200, 200, 403, 404}},
	{"GET", "/api/students/{id}/project", [azTCallers]int{401, 403, 403, 200, 200, 200, 403, 404}},
	{"POST", "/api/students/{id}/project", [azTCallers]int{401, 403, 403, 201, 403, 201, 403, 404}},
	{"PUT", "/api/students/{id}/project", [azTCallers]int{401, 403, 403, 200, 200, 200, 403, 404}},
	{"DELETE", "/api/students/{id}/project", [azTCallers]int{401, 403, 403, 204, 204, 204, 403, 404}},
	{"GET", "/api/labs", [azTCallers]int{401, 200, 200, 200, 200, 200, 0, 0}},
	{"GET", "/api/projects", [azTCallers]int{401, 200, 200, 200, 200, 200, 0, 0}},
	{"GET", "/api/health", [azTCallers]int{200, 200, 200, 200, 200, 200, 0, 0}},
	{"GET", "/api/health/live", [azTCallers]int{200, 200, 200, 200, 200, 200, 0, 0}},
	{"GET", "/api/health/ready", [azTCallers]int{200, 200, 200, 200, 200, 200, 0, 0}},
	{"GET", "/api/openapi.yaml", [azTCallers]int{200, 200, 200, 200, 200, 200, 0, 0}},
	{"GET", "/api/docs", [azTCallers]int{200, 200, 200, 200, 200, 200, 0, 0}},
}

func (r azTRow) key() string { return r.method + " " + r.path }

// TestAzTMatrixCoversSpec fails when an operation of the embedded spec has no row in the matrix
// (a new route must say who may use it), when a row names no operation, or when a row expects
// a status the operation does not document.
func TestAzTMatrixCoversSpec(t *testing.T) {
	t.Parallel()
	spec, err := oapigen.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]azTRow{}
	for _, r := range azTMatrix {
		if _, dup := rows[r.key()]; dup {
			t.Errorf("%s: two rows", r.key())
		}
		rows[r.key()] = r
	}
	// The routes of one unit have their rows in the unit isolation matrix (units_test.go), the
	// console's in the console matrix (console_authz_test.go).
	unitRows := map[string][]int{}
	for _, r := range uzMatrix {
		if _, dup := unitRows[r.key()]; dup {
			t.Errorf("%s: two rows in the unit matrices", r.key())
		}
		unitRows[r.key()] = r.want[:]
	}
	for _, r := range czMatrix {
		if _, dup := unitRows[r.key()]; dup {
			t.Errorf("%s: two rows in the unit matrices", r.key())
		}
		unitRows[r.key()] = r.want[:]
	}
	for _, r := range fzMatrix {
		if _, dup := unitRows[r.key()]; dup {
			t.Errorf("%s: two rows in the unit matrices", r.key())
		}
		unitRows[r.key()] = r.want[:]
	}
	ops := 0
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			key := method + " /api" + path
			if wants, ok := unitRows[key]; ok {
				delete(unitRows, key)
				for c, want := range wants {
					if op.Responses.Status(want) == nil {
						t.Errorf("%s: expects %d for caller %d, which openapi.yaml does not document", key, want, c)
					}
				}
				continue
			}
			r, ok := rows[key]
			if !ok {
				t.Errorf("operation %s (%s) has no row in the authorization matrix", op.OperationID, key)
				continue
			}
			delete(rows, key)
			hasID := strings.Contains(path, "{id}")
			for c := range azTCallers {
				want := r.want[c]
				unknown := c == azTOtherUnknown || c == azTAdminUnknown
				switch {
				case want == 0 && (!unknown || hasID):
					t.Errorf("%s: no expected status for caller %s", key, c)
				case want != 0 && unknown && !hasID:
					t.Errorf("%s: has no student in its path, yet expects %d for %s", key, want, c)
				case want != 0 && op.Responses.Status(want) == nil:
					t.Errorf("%s: expects %d for %s, which openapi.yaml does not document", key, want, c)
				}
			}
		}
	}
	for key := range rows {
		t.Errorf("matrix row %s is not an operation of openapi.yaml", key)
	}
	for key := range unitRows {
		t.Errorf("unit matrix row %s is not an operation of openapi.yaml", key)
	}
	if rows := len(azTMatrix) + len(uzMatrix) + len(czMatrix) + len(fzMatrix); ops != rows {
		t.Errorf("spec has %d operations, matrices %d rows", ops, rows)
	}
}

// TestAzTAuthorizationMatrix sends every cell of the matrix to the real server, each with a team,
// partner and slots of its own, and checks the status, the effect of allowed changes and that a
// refused request changed nothing.
func TestAzTAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	cells := 0
	for _, r := range azTMatrix {
		for _, w := range r.want {
			if w != 0 {
				cells++
			}
		}
	}
	e := azTNewEnv(t, 2*cells+3, 2*cells+1)
	// other is in a team of their own, loner in none; both stay so throughout.
	other, otherMate, loner := e.student(t), e.student(t), e.student(t)
	e.team(t, other, otherMate, e.slot(t))
	for _, row := range azTMatrix {
		for c := range azTCallers {
			if row.want[c] == 0 {
				continue
			}
			name := strings.NewReplacer("/", "_", "{", "", "}", "").Replace(row.key()) + "_by_" + c.String()
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				azTCell(t, e, other, loner, row, c)
			})
		}
	}
}

func azTCell(t *testing.T, e *azTEnv, other, loner string, row azTRow, c azTCaller) {
	want := row.want[c]
	ctx := context.Background()
	self, mate := e.student(t), e.student(t)
	labA, labB := e.slot(t), e.slot(t)
	projectPath := row.path == "/api/students/{id}/project"
	creating := projectPath && row.method == "POST"
	if !creating {
		// Self and mate are a team, booked in labA; a creator's pair is free.
		e.team(t, self, mate, labA)
	}
	id := self
	if c == azTOtherUnknown || c == azTAdminUnknown {
		id = azTUnknown
	}
	path := strings.ReplaceAll(row.path, "{id}", id)
	caller := map[azTCaller]string{
		azTOther: other, azTLoner: loner, azTSelf: self, azTMate: mate, azTAdmin: adminNumber,
		azTOtherUnknown: other, azTAdminUnknown: adminNumber,
	}[c]

	var auth apitest.Auth
	var token apitest.Bearer
	switch {
	case c == azTAnon:
	case row.key() == "POST /api/tokens":
		auth = apitest.Basic{User: caller, Password: testPIN}
	default:
		token = signIn(t, e.s, caller)
		auth = token
	}
	var body any
	switch {
	case creating:
		body = map[string]any{"partnerNumber": mate, "description": "azT created", "lab_id": labA}
	case projectPath && row.method == "PUT":
		body = map[string]any{"description": "azT changed", "lab_id": labB}
	}

	students, labs := []string{self, mate}, []int64{labA, labB}
	before := e.state(t, students, labs)
	r := e.s.Client.Do(t, row.method, path, auth, body)
	if r.Status != want {
		t.Fatalf("%s %s by %s: %d, want %d; body %s", row.method, path, c, r.Status, want, r.Body)
	}
	if want == http.StatusUnauthorized {
		scheme := "Bearer"
		if row.key() == "POST /api/tokens" {
			scheme = "Basic"
		}
		if h := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, scheme+" ") {
			t.Errorf("401 with WWW-Authenticate %q, want the %s scheme", h, scheme)
		}
	}
	after := e.state(t, students, labs)
	changes := projectPath && row.method != "GET" && want < 300
	if !changes && after != before {
		t.Fatalf("%s %s by %s (%d) changed the data:\nbefore:\n%safter:\n%s", row.method, path, c, r.Status, before, after)
	}
	if want >= 300 {
		return
	}

	// The allowed request did what it says.
	switch row.key() {
	case "POST /api/tokens":
		var tok struct{ Token string }
		r.JSON(t, &tok)
		if r := e.s.Client.Do(t, "GET", "/api/labs", apitest.Bearer(tok.Token), nil); r.Status != 200 {
			t.Errorf("the new token does not work: %d", r.Status)
		}
	case "DELETE /api/tokens":
		if r := e.s.Client.Do(t, "GET", "/api/labs", token, nil); r.Status != 401 {
			t.Errorf("revoked token still works: %d", r.Status)
		}
	case "GET /api/students/{id}":
		var s struct{ ID, Name string }
		r.JSON(t, &s)
		st, err := e.f.Service.Student(ctx, e.f.cli(t), self)
		if err != nil {
			t.Fatal(err)
		}
		if s.ID != self || s.Name != st.Name {
			t.Errorf("got student %+v, want %s %q", s, self, st.Name)
		}
	case "GET /api/students/{id}/project":
		var p project
		r.JSON(t, &p)
		if len(p.Members) != 2 || p.Members[0].ID != self || p.Members[1].ID != mate || p.LabID != labA {
			t.Errorf("got project %+v, want %s & %s in lab %d", p, self, mate, labA)
		}
	case "POST /api/students/{id}/project":
		if loc := r.Header.Get("Location"); loc != "/api/students/"+self+"/project" {
			t.Errorf("Location %q", loc)
		}
		azTWantState(t, e, self, mate, "azT created", labA, labA, labB)
	case "PUT /api/students/{id}/project":
		azTWantState(t, e, self, mate, "azT changed", labB, labA, labB)
	case "DELETE /api/students/{id}/project":
		azTWantState(t, e, self, mate, "", 0, labA, labB)
	case "GET /api/labs":
		var l struct {
			AvailableLabs []struct {
				LabID int64 `json:"lab_id"`
			} `json:"available_labs"`
		}
		r.JSON(t, &l)
		ids := make([]int64, 0, len(l.AvailableLabs))
		for _, x := range l.AvailableLabs {
			ids = append(ids, x.LabID)
		}
		if slices.Contains(ids, labA) || !slices.Contains(ids, labB) {
			t.Errorf("available labs %v: want %d (booked) absent and %d present", ids, labA, labB)
		}
	case "GET /api/projects":
		var l struct{ ProjectList []project }
		r.JSON(t, &l)
		if !slices.ContainsFunc(l.ProjectList, func(p project) bool { return p.Description == "Project of "+self }) {
			t.Errorf("project of %s is not listed", self)
		}
	case "GET /api/health", "GET /api/health/live", "GET /api/health/ready":
		if !strings.Contains(string(r.Body), `"status":"ok"`) {
			t.Errorf("%s: %s, want status ok", row.key(), r.Body)
		}
	case "GET /api/openapi.yaml":
		if !bytes.Equal(r.Body, contract.OpenAPI) {
			t.Errorf("GET /api/openapi.yaml is not openapi.yaml")
		}
	case "GET /api/docs":
		if !strings.Contains(string(r.Body), `spec-url="/api/openapi.yaml"`) {
			t.Errorf("GET /api/docs is not the reference page: %s", r.Body)
		}
	default:
		t.Fatalf("no check for the effect of %s", row.key())
	}
}

// azTWantState checks that self and mate are a team (self first) with that description, booked
// in slot lab, or in no project when lab is 0; and that of the slots labA and labB exactly the
// booked one is taken.
func azTWantState(t *testing.T, e *azTEnv, self, mate, description string, lab, labA, labB int64) {
	t.Helper()
	got := e.state(t, []string{self, mate}, []int64{labA, labB})
	var want strings.Builder
	for _, n := range []string{self, mate} {
		if lab == 0 {
			fmt.Fprintf(&want, "%s: no project\n", n)
			continue
		}
		p, err := e.f.projectOf(t, self)
		if err != nil {
			t.Fatalf("project of %s: %v", self, err)
		}
		fmt.Fprintf(&want, "%s: project %d %q lab %d members %v\n", n, p.ID, description, lab, []string{self, mate})
	}
	fmt.Fprintf(&want, "lab %d free: %v\nlab %d free: %v\n", labA, lab != labA, labB, lab != labB)
	if got != want.String() {
		t.Errorf("state after the request:\n%swant:\n%s", got, want.String())
	}
}

// TestAzTForbiddenTellsNothing checks that a stranger's 403 is the same, body and all, whether
// or not the student in the path exists, so student numbers cannot be probed.
func TestAzTForbiddenTellsNothing(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 4, 1)
	self, mate, stranger := e.student(t), e.student(t), e.student(t)
	e.team(t, self, mate, e.slot(t))
	tok := signIn(t, e.s, stranger)
	bodies := map[string]any{
		"POST": map[string]any{"partnerNumber": stranger, "description": "x", "lab_id": 1},
		"PUT":  map[string]any{"description": "x", "lab_id": 1},
	}
	for _, row := range azTMatrix {
		if !strings.Contains(row.path, "{id}") {
			continue
		}
		var got []string
		for _, id := range []string{self, azTUnknown} {
			r := e.s.Client.Do(t, row.method, strings.ReplaceAll(row.path, "{id}", id), tok, bodies[row.method])
			if r.Status != 403 {
				t.Fatalf("%s for %s: %d, want 403", row.key(), id, r.Status)
			}
			got = append(got, string(r.Body))
		}
		if got[0] != got[1] {
			t.Errorf("%s: 403 for a real student %s differs from one for an unknown student %s", row.key(), got[0], got[1])
		}
	}
}
