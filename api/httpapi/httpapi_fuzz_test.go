package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/httpapi"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testdb"
	"github.com/pairup/pairup/internal/testfactory"
)

// The fuzz targets of this package drive the real API (NewHandler on a real store in a database
// of their own, over a real HTTP server) with arbitrary input and check what it answers.

// fuzzNow is the service's clock: before every slot, inside the units' sign-up window.
var fuzzNow = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)

const (
	fuzzUnit  = "fz-unit"
	fuzzPIN   = "1234"
	coordNo   = "39000001" // a coordinator of fuzzUnit
	teamedNo  = "39000002" // a student with a team in fuzzUnit and in the default unit
	teamedNo2 = "39000003" // their partner
	freeNo    = "39000004" // a student without a team (the one whose team the fuzzer creates)
	freeNo2   = "39000005" // another one, the partner the seeds name
)

// fuzzEnv is a running API with a unit, people, slots and a team in it.
type fuzzEnv struct {
	url         string
	client      *http.Client
	st          *store.Store
	tokens      *auth.Tokens
	defaultUnit string
	labID       int64 // a slot of fuzzUnit with room to spare
	defaultLab  int64 // a slot of the default unit with room to spare
	coordTok    string
	teamedTok   string
	freeTok     string
}

func newFuzzEnv(t testing.TB) *fuzzEnv {
	t.Helper()
	ctx := t.Context()
	pool, _ := testdb.New(t)
	st := store.New(pool)
	svc := service.New(st, func() time.Time { return fuzzNow })
	hash, err := bcrypt.GenerateFromPassword([]byte(fuzzPIN), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	factory := testfactory.New(st, svc, string(hash))
	defaultUnit, err := st.DefaultUnitCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	env := &fuzzEnv{st: st, defaultUnit: defaultUnit}
	day := time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)
	for _, unit := range []string{fuzzUnit, defaultUnit} {
		if _, err := factory.Unit(ctx, testfactory.UnitSpec{Code: unit, TeamMin: 2, TeamMax: 4}); err != nil {
			t.Fatalf("unit %s: %v", unit, err)
		}
		if err := factory.Enrol(ctx, unit,
			testfactory.Person{Number: coordNo, Name: "Coordinator", Role: pairup.RoleCoordinator},
			testfactory.Person{Number: teamedNo, Name: "Teamed One"}, testfactory.Person{Number: teamedNo2, Name: "Teamed Two"},
			testfactory.Person{Number: freeNo, Name: "Free One"}, testfactory.Person{Number: freeNo2, Name: "Free Two"},
		); err != nil {
			t.Fatalf("enrol in %s: %v", unit, err)
		}
		labs, err := factory.Session(ctx, unit, "Lab 1", day, 3, time.Hour, 50)
		if err != nil {
			t.Fatalf("slots of %s: %v", unit, err)
		}
		if _, err := factory.Team(ctx, unit, teamedNo, []string{teamedNo2}, labs[0].ID, "A team to update"); err != nil {
			t.Fatalf("team in %s: %v", unit, err)
		}
		if unit == fuzzUnit {
			env.labID = labs[1].ID
		} else {
			env.defaultLab = labs[1].ID
		}
	}
	env.tokens = auth.NewTokens([]byte("fuzz-signing-key-fuzz-signing-key"), time.Hour, st)
	handler, err := httpapi.NewHandler(httpapi.Deps{
		Service: svc,
		Tokens:  env.tokens,
		Signin:  auth.NewSignin(st, env.tokens, auth.DefaultThrottle),
		Ping:    st.Ping,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	env.url, env.client = srv.URL, srv.Client()
	for number, tok := range map[string]*string{coordNo: &env.coordTok, teamedNo: &env.teamedTok, freeNo: &env.freeTok} {
		if *tok, _, err = env.tokens.Issue(number); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// fuzzResponse is an answer read in full.
type fuzzResponse struct {
	status int
	header http.Header
	body   []byte
}

func (env *fuzzEnv) do(t *testing.T, method, path string, header http.Header, body []byte) fuzzResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, env.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := env.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return fuzzResponse{status: resp.StatusCode, header: resp.Header, body: data}
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

// fuzzProblem is an RFC 9457 body as the API writes it.
type fuzzProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// checkAnswer fails on a 5xx, and on a 4xx that is not a well-formed application/problem+json
// body of the same status. It returns the problem of a 4xx.
func checkAnswer(t *testing.T, what string, r fuzzResponse) fuzzProblem {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%s: %d %s", what, r.status, r.body)
	}
	var p fuzzProblem
	if r.status < 400 {
		return p
	}
	if mt, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); mt != "application/problem+json" {
		t.Fatalf("%s: %d with Content-Type %q: %s", what, r.status, r.header.Get("Content-Type"), r.body)
	}
	if err := json.Unmarshal(r.body, &p); err != nil || p.Status != r.status || p.Title == "" || p.Type == "" {
		t.Fatalf("%s: %d with problem %s (%v)", what, r.status, r.body, err)
	}
	for _, e := range p.Errors {
		if e.Field == "" || e.Message == "" {
			t.Fatalf("%s: a field error without a field or message: %s", what, r.body)
		}
	}
	return p
}

// jsonObject returns the members of body when it is exactly one JSON object in valid UTF-8: the
// bodies whose 400s must name a field.
func jsonObject(body []byte) (map[string]json.RawMessage, bool) {
	var members map[string]json.RawMessage
	if !utf8.Valid(body) || json.Unmarshal(body, &members) != nil || members == nil {
		return nil, false
	}
	return members, true
}

// checkFields fails unless the 400 about an object body names at least one field, each a member
// of the body or a field of the contract's schema (known); "a.b" and "a[0]" count as "a".
func checkFields(t *testing.T, what string, body []byte, p fuzzProblem, known ...string) {
	t.Helper()
	members, ok := jsonObject(body)
	if p.Status != http.StatusBadRequest || !ok {
		return
	}
	if len(p.Errors) == 0 {
		t.Fatalf("%s: a 400 about the object %s names no field: %+v", what, body, p)
	}
	for _, e := range p.Errors {
		top, _, _ := strings.Cut(e.Field, "[")
		top, _, _ = strings.Cut(top, ".")
		_, member := members[e.Field]
		_, topMember := members[top]
		if !member && !topMember && !contains(known, top) {
			t.Fatalf("%s: a 400 names the field %q, neither in the body %s nor in the schema %v", what, e.Field, body, known)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// labOf reads the lab_id a body asks for, as the binder takes it: a JSON integer or a string of
// digits. ok is false when the body has none.
func labOf(members map[string]json.RawMessage) (id int64, ok bool) {
	raw, found := members["lab_id"]
	if !found || string(raw) == "null" {
		return 0, false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

var projectFields = []string{"description", "lab_id", "partnerNumber", "partnerNumbers", "body"}

// FuzzProjectBody sends arbitrary bodies to the routes that create and update a team (the seed's
// and the unit's, POST and PUT): never a 5xx, every 4xx a problem, every 400 about an object
// naming a field; a team made or changed has a description the contract allows and the slot the
// body's lab_id (number or string of digits) named.
func FuzzProjectBody(f *testing.F) {
	for _, s := range []struct {
		route byte
		body  string
	}{
		{0, `{"description":"Robots","lab_id":"LAB","partnerNumber":"39000005"}`},
		{0, `{"description":"Robots","lab_id":LAB,"partnerNumbers":["39000005"]}`},
		{1, `{"description":"New words","lab_id":"LAB"}`},
		{2, `{"description":"Robots","partnerNumber":"39000005","lab_id":LAB}`},
		{2, `{"description":"Robots","partnerNumbers":["39000005","39000005"]}`},
		{3, `{"description":"Changed","lab_id":null}`},
		{0, `{"description":"x","lab_id":"0x10","partnerNumber":"39000005"}`},
		{0, `{"description":"x","lab_id":-1,"partnerNumber":"39000005"}`},
		{1, `{"description":"x","lab_id":1e3}`},
		{1, `{"Description":"x","lab_id":1}`},
		{3, `{"description":"\u0000","lab_id":"1"}`},
		{3, `{"description":"\ud800","lab_id":"1"}`},
		{0, `[]`},
		{1, `{"description":"a"} {}`},
		{2, `"just a string"`},
		{3, ``},
		{0, `{"description":"x","lab_id":"99999999999999999999","partnerNumber":"39000005"}`},
		{1, `{"description":"x","lab_id":"12","pid":5,"members":[],"team":"t"}`},
	} {
		f.Add(s.route, []byte(s.body))
	}
	env := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, route byte, body []byte) {
		// LAB in a body is a slot the route's unit has, so seeds reach the use case.
		routes := []struct {
			method, path, student, tok string
			lab                        int64
		}{
			{http.MethodPost, "/api/units/" + fuzzUnit + "/students/" + freeNo + "/project", freeNo, env.freeTok, env.labID},
			{http.MethodPut, "/api/units/" + fuzzUnit + "/students/" + teamedNo + "/project", teamedNo, env.teamedTok, env.labID},
			{http.MethodPost, "/api/students/" + freeNo + "/project", freeNo, env.freeTok, env.defaultLab},
			{http.MethodPut, "/api/students/" + teamedNo + "/project", teamedNo, env.teamedTok, env.defaultLab},
		}
		rt := routes[int(route)%len(routes)]
		body = bytes.ReplaceAll(body, []byte("LAB"), []byte(strconv.FormatInt(rt.lab, 10)))
		what := rt.method + " " + rt.path + " " + strconv.Quote(string(body))
		r := env.do(t, rt.method, rt.path, bearer(rt.tok), body)
		p := checkAnswer(t, what, r)
		checkFields(t, what, body, p, projectFields...)
		if r.status >= 300 {
			return
		}
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			t.Fatalf("%s: %d %s", what, r.status, r.body)
		}
		var got oapigen.Project
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatalf("%s: %d with body %s: %v", what, r.status, r.body, err)
		}
		if d, err := pairup.NormalizeDescription(got.Description); err != nil || d != got.Description {
			t.Fatalf("%s: the team's description %q breaks the contract's rule (%v)", what, got.Description, err)
		}
		members, _ := jsonObject(body)
		if want, ok := labOf(members); ok && (got.LabId == nil || *got.LabId != want) {
			t.Fatalf("%s: asked for lab %d, the team has %v", what, want, got.LabId)
		}
		if r.status == http.StatusCreated {
			// Undo it, so the next input meets the same state.
			del := env.do(t, http.MethodDelete, rt.path, bearer(rt.tok), nil)
			if del.status != http.StatusNoContent {
				t.Fatalf("delete the team made by %s: %d %s", what, del.status, del.body)
			}
		}
	})
}
