package main

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pairup/pairup/internal/apitest"
)

// azTBad is a request body the server must refuse with 400. In body, {partner}, {self}, {admin}
// and {lab} stand for a free partner, the creator, the admin and a free lab slot's id.
type azTBad struct {
	name  string
	body  string
	field string // the one field `errors` must name; "" for a body that is no JSON object at all
}

// azTNotAnObject are bodies that are no single JSON object; both POST and PUT refuse them.
var azTNotAnObject = []azTBad{
	{"empty body", ``, ""},
	{"only white space", " \n\t ", ""},
	{"malformed: cut short", `{"description":"A project","lab_id":{lab}`, ""},
	{"malformed: bare keys", `{description:"A project"}`, ""},
	{"malformed: trailing comma", `{"description":"A project",}`, ""},
	{"malformed: single quotes", `{'description':'A project'}`, ""},
	{"array", `[]`, ""},
	{"array of an object", `[{"partnerNumber":"{partner}","description":"A project","lab_id":{lab}}]`, ""},
	{"string", `"A project"`, ""},
	{"number", `3`, ""},
	{"true", `true`, ""},
	{"null", `null`, ""},
}

// azTBadDescriptions and azTBadLabIDs are bad values, spliced into an otherwise valid body.
var azTBadDescriptions = []struct{ name, json string }{
	{"number", `12`},
	{"array", `["A project"]`},
	{"object", `{"text":"A project"}`},
	{"bool", `true`},
	{"null", `null`},
	{"empty", `""`},
	{"only spaces", `"     "`},
	{"only white space", `" \t\n "`},
	{"501 characters", `"` + strings.Repeat("a", 501) + `"`},
	{"501 two-byte characters", `"` + strings.Repeat("é", 501) + `"`},
	{"NUL", `"a\u0000b"`},
	{"BEL", `"a\u0007b"`},
	{"newline", `"line one\nline two"`},
	{"tab", `"a\tb"`},
	{"ESC", `"red \u001b[31m text"`},
	{"DEL", `"a\u007fb"`},
	{"C1 control", `"a\u0085b"`},
}

var azTBadLabIDs = []struct{ name, json string }{
	{"bool", `true`},
	{"float", `3.5`},
	{"exponent", `3e0`},
	{"negative", `-3`},
	{"negative string", `"-3"`},
	{"zero", `0`},
	{"zero string", `"0"`},
	{"digits and a letter", `"3a"`},
	{"empty string", `""`},
	{"spaced string", `" 3"`},
	{"object", `{}`},
	{"array", `[3]`},
	{"null", `null`},
	{"too many digits", `"1234567890123456789"`},
	{"too large", `123456789012345678901234567890`},
	{"unknown lab", `987654321`},
	{"unknown lab as string", `"987654321"`},
}

func azTPostCases() []azTBad {
	cases := slices.Clone(azTNotAnObject)
	valid := `{"partnerNumber":"{partner}","description":"A project","lab_id":{lab}}`
	for _, d := range azTBadDescriptions {
		cases = append(cases, azTBad{"description " + d.name,
			`{"partnerNumber":"{partner}","description":` + d.json + `,"lab_id":{lab}}`, "description"})
	}
	for _, l := range azTBadLabIDs {
		cases = append(cases, azTBad{"lab_id " + l.name,
			`{"partnerNumber":"{partner}","description":"A project","lab_id":` + l.json + `}`, "lab_id"})
	}
	for _, p := range []struct{ name, json string }{
		{"number", `{partner}`},
		{"null", `null`},
		{"array", `["{partner}"]`},
		{"7 digits", `"1234567"`},
		{"9 digits", `"123456789"`},
		{"letters", `"abcdefgh"`},
		{"digits and a letter", `"3000000a"`},
		{"empty", `""`},
		{"padded", `" {partner}"`},
		{"the creator", `"{self}"`},
		{"not on the roster", `"` + azTUnknown + `"`},
		{"an admin", `"{admin}"`},
	} {
		cases = append(cases, azTBad{"partnerNumber " + p.name,
			`{"partnerNumber":` + p.json + `,"description":"A project","lab_id":{lab}}`, "partnerNumber"})
	}
	return append(cases,
		azTBad{"missing partnerNumber", `{"description":"A project","lab_id":{lab}}`, "partnerNumber"},
		azTBad{"missing description", `{"partnerNumber":"{partner}","lab_id":{lab}}`, "description"},
		azTBad{"missing lab_id", `{"partnerNumber":"{partner}","description":"A project"}`, "lab_id"},
		azTBad{"empty object", `{}`, ""},
		azTBad{"unknown field", `{"partnerNumber":"{partner}","description":"A project","lab_id":{lab},"extra":1}`, "extra"},
		azTBad{"field name in another case", `{"PartnerNumber":"{partner}","description":"A project","lab_id":{lab}}`, "PartnerNumber"},
		azTBad{"field name in capitals", `{"partnerNumber":"{partner}","DESCRIPTION":"A project","lab_id":{lab}}`, "DESCRIPTION"},
		azTBad{"read-only field pid", `{"partnerNumber":"{partner}","description":"A project","lab_id":{lab},"pid":1}`, "pid"},
		azTBad{"two objects", valid + valid, ""},
		azTBad{"object then null", valid + ` null`, ""},
		azTBad{"object then garbage", valid + `x`, ""},
	)
}

func azTPutCases() []azTBad {
	cases := slices.Clone(azTNotAnObject)
	valid := `{"description":"Changed","lab_id":{lab}}`
	for _, d := range azTBadDescriptions {
		cases = append(cases, azTBad{"description " + d.name,
			`{"description":` + d.json + `,"lab_id":{lab}}`, "description"})
	}
	for _, l := range azTBadLabIDs {
		cases = append(cases, azTBad{"lab_id " + l.name,
			`{"description":"Changed","lab_id":` + l.json + `}`, "lab_id"})
	}
	return append(cases,
		azTBad{"missing description", `{"lab_id":{lab}}`, "description"},
		azTBad{"missing lab_id", `{"description":"Changed"}`, "lab_id"},
		azTBad{"empty object", `{}`, ""},
		azTBad{"unknown field", `{"description":"Changed","lab_id":{lab},"extra":1}`, "extra"},
		azTBad{"field name in another case", `{"Description":"Changed","lab_id":{lab}}`, "Description"},
		azTBad{"partnerNumber is not updatable", `{"description":"Changed","lab_id":{lab},"partnerNumber":"{partner}"}`, "partnerNumber"},
		azTBad{"two objects", valid + valid, ""},
		azTBad{"object then garbage", valid + `]`, ""},
	)
}

// azTExpectBad checks a 400 problem naming exactly the field (any or none when field is "").
func azTExpectBad(t *testing.T, r *apitest.Response, field string) {
	t.Helper()
	if r.Status != 400 {
		t.Fatalf("status %d, want 400; body %s", r.Status, r.Body)
	}
	p := r.Problem(t)
	if field != "" && !slices.Equal(p.Fields(), []string{field}) {
		t.Fatalf("errors name %v, want [%s]; body %s", p.Fields(), field, r.Body)
	}
	if p.Detail == "" {
		t.Errorf("400 without a detail: %s", r.Body)
	}
}

// TestAzTCreateRejectsBadInput: every bad body on POST .../project is a 400 naming the field,
// and leaves the creator and partner without a project and the slot free.
func TestAzTCreateRejectsBadInput(t *testing.T) {
	t.Parallel()
	cases := azTPostCases()
	e := azTNewEnv(t, 2*len(cases), len(cases))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			self, partner, lab := e.student(t), e.student(t), e.slot(t)
			body := strings.NewReplacer("{partner}", partner, "{self}", self, "{admin}", adminNumber,
				"{lab}", strconv.FormatInt(lab, 10)).Replace(tc.body)
			tok := signIn(t, e.s, self)
			before := e.state(t, []string{self, partner}, []int64{lab})
			r := e.s.Client.Do(t, "POST", "/api/students/"+self+"/project", tok, body)
			azTExpectBad(t, r, tc.field)
			if after := e.state(t, []string{self, partner}, []int64{lab}); after != before {
				t.Fatalf("a refused request changed the data:\nbefore:\n%safter:\n%s", before, after)
			}
		})
	}
}

// TestAzTUpdateRejectsBadInput: every bad body on PUT .../project is a 400 naming the field and
// leaves the project and both slots as they were.
func TestAzTUpdateRejectsBadInput(t *testing.T) {
	t.Parallel()
	cases := azTPutCases()
	e := azTNewEnv(t, 3*len(cases), 2*len(cases))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			self, mate, outsider := e.student(t), e.student(t), e.student(t)
			booked, target := e.slot(t), e.slot(t)
			e.team(t, self, mate, booked)
			body := strings.NewReplacer("{partner}", outsider, "{lab}", strconv.FormatInt(target, 10)).Replace(tc.body)
			tok := signIn(t, e.s, self)
			students, labs := []string{self, mate, outsider}, []int64{booked, target}
			before := e.state(t, students, labs)
			r := e.s.Client.Do(t, "PUT", "/api/students/"+self+"/project", tok, body)
			azTExpectBad(t, r, tc.field)
			if after := e.state(t, students, labs); after != before {
				t.Fatalf("a refused request changed the data:\nbefore:\n%safter:\n%s", before, after)
			}
		})
	}
}

// TestAzTAcceptedInput: the edges that must be accepted, and what is then stored and returned.
func TestAzTAcceptedInput(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 20, 10)
	cases := []struct {
		name, description, labJSON string // labJSON: {lab} is the slot's id
		stored                     string
	}{
		{"lab_id as an integer", `"A project"`, `{lab}`, "A project"},
		{"lab_id as a string of digits", `"A project"`, `"{lab}"`, "A project"},
		{"500 characters", `"` + strings.Repeat("a", 500) + `"`, `{lab}`, strings.Repeat("a", 500)},
		{"500 two-byte characters", `"` + strings.Repeat("é", 500) + `"`, `{lab}`, strings.Repeat("é", 500)},
		{"500 four-byte characters", `"` + strings.Repeat("🦀", 500) + `"`, `{lab}`, strings.Repeat("🦀", 500)},
		{"one character", `"x"`, `{lab}`, "x"},
		{"500 characters between spaces", `"  ` + strings.Repeat("b", 500) + `  "`, `{lab}`, strings.Repeat("b", 500)},
		{"markup kept verbatim", `"<img src=x onerror=alert(1)>"`, `{lab}`, "<img src=x onerror=alert(1)>"},
		{"quotes, ampersands and unicode", `"Tom & Jerry's \"parser\" — naïve 日本"`, `{lab}`, `Tom & Jerry's "parser" — naïve 日本`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			self, partner, lab := e.student(t), e.student(t), e.slot(t)
			labJSON := strings.ReplaceAll(tc.labJSON, "{lab}", strconv.FormatInt(lab, 10))
			body := `{"partnerNumber":"` + partner + `","description":` + tc.description + `,"lab_id":` + labJSON + `}`
			tok := signIn(t, e.s, self)
			r := e.s.Client.Do(t, "POST", "/api/students/"+self+"/project", tok, body)
			if r.Status != 201 {
				t.Fatalf("status %d, want 201; body %s", r.Status, r.Body)
			}
			var created project
			r.JSON(t, &created)
			if created.Description != tc.stored || created.LabID != lab {
				t.Fatalf("created %q in lab %d, want %q in lab %d", created.Description, created.LabID, tc.stored, lab)
			}
			// Read back by the partner and in the list, as another browser would.
			r = e.s.Client.Do(t, "GET", "/api/students/"+self+"/project", signIn(t, e.s, partner), nil)
			var got project
			r.JSON(t, &got)
			if r.Status != 200 || got.Description != tc.stored {
				t.Fatalf("read back %d %q, want %q", r.Status, got.Description, tc.stored)
			}
			r = e.s.Client.Do(t, "GET", "/api/projects", tok, nil)
			var list struct{ ProjectList []project }
			r.JSON(t, &list)
			if !slices.ContainsFunc(list.ProjectList, func(p project) bool { return p.Pid == created.Pid && p.Description == tc.stored }) {
				t.Fatalf("project %d with %q is not in the list", created.Pid, tc.stored)
			}
		})
	}
}

// TestAzTUpdateAcceptsWholeProject: the 2019 client PUTs back the whole project it got from GET,
// with lab_id as a string; the read-only fields are ignored, any other extra field is not.
func TestAzTUpdateAcceptsWholeProject(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 2, 2)
	self, mate, booked, target := e.student(t), e.student(t), e.slot(t), e.slot(t)
	e.team(t, self, mate, booked)
	tok := signIn(t, e.s, mate)
	path := "/api/students/" + self + "/project"
	r := e.s.Client.Do(t, "GET", path, tok, nil)
	if r.Status != 200 {
		t.Fatalf("get: %d", r.Status)
	}
	var whole map[string]any
	r.JSON(t, &whole)
	for _, k := range []string{"pid", "team", "lab", "members"} {
		if _, ok := whole[k]; !ok {
			t.Fatalf("GET returned no %s: %s", k, r.Body)
		}
	}

	// An unknown extra field next to the read-only ones is still refused.
	withExtra := map[string]any{"extra": true, "description": "Changed", "lab_id": strconv.FormatInt(target, 10)}
	for k, v := range whole {
		if _, set := withExtra[k]; !set {
			withExtra[k] = v
		}
	}
	before := e.state(t, []string{self, mate}, []int64{booked, target})
	azTExpectBad(t, e.s.Client.Do(t, "PUT", path, tok, withExtra), "extra")
	if after := e.state(t, []string{self, mate}, []int64{booked, target}); after != before {
		t.Fatalf("a refused request changed the data:\nbefore:\n%safter:\n%s", before, after)
	}

	// Read-only fields that disagree with the project are ignored, not applied.
	whole["description"] = "Changed by the 2019 client"
	whole["lab_id"] = strconv.FormatInt(target, 10)
	whole["team"] = "Somebody Else & Another"
	whole["pid"] = whole["pid"].(float64) + 1000
	r = e.s.Client.Do(t, "PUT", path, tok, whole)
	if r.Status != 200 {
		t.Fatalf("put whole project: %d %s", r.Status, r.Body)
	}
	var got project
	r.JSON(t, &got)
	if got.Description != "Changed by the 2019 client" || got.LabID != target || got.Team != "Student 0 & Student 1" {
		t.Fatalf("after PUT: %+v", got)
	}
	azTWantState(t, e, self, mate, "Changed by the 2019 client", target, booked, target)
}

// TestAzTBodyTooLarge: a body over 64 KiB is a 413 problem whether its length is declared or it
// comes chunked, on POST and PUT, and changes nothing; a chunked body under the limit is fine.
func TestAzTBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 6, 4)
	creator, partner, free := e.student(t), e.student(t), e.slot(t)
	self, mate, booked := e.student(t), e.student(t), e.slot(t)
	e.team(t, self, mate, booked)
	big := strings.Repeat("a", 70_000)
	cases := []struct {
		method, who, body string
	}{
		{"POST", creator, `{"partnerNumber":"` + partner + `","description":"` + big + `","lab_id":` + strconv.FormatInt(free, 10) + `}`},
		{"PUT", self, `{"description":"` + big + `","lab_id":` + strconv.FormatInt(free, 10) + `}`},
		// Padding after a valid object: still over the limit, whatever comes first.
		{"PUT", self, `{"description":"ok","lab_id":` + strconv.FormatInt(free, 10) + `}` + strings.Repeat(" ", 70_000)},
	}
	students, labs := []string{creator, partner, self, mate}, []int64{free, booked}
	before := e.state(t, students, labs)
	for _, tc := range cases {
		tok := signIn(t, e.s, tc.who)
		path := "/api/students/" + tc.who + "/project"
		// Declared length.
		r := e.s.Client.Do(t, tc.method, path, tok, tc.body)
		if r.Status != 413 {
			t.Fatalf("%s with Content-Length: %d, want 413; body %.300s", tc.method, r.Status, r.Body)
		}
		r.Problem(t)
		// Chunked: no length is declared, so only reading tells.
		r = azTChunked(t, e.s, tc.method, path, tok, tc.body)
		if r.Status != 413 {
			t.Fatalf("%s chunked: %d, want 413; body %.300s", tc.method, r.Status, r.Body)
		}
		r.Problem(t)
	}
	if after := e.state(t, students, labs); after != before {
		t.Fatalf("a refused request changed the data:\nbefore:\n%safter:\n%s", before, after)
	}
	// Just under the limit, chunked, is read and handled.
	desc := strings.Repeat("c", 500)
	body := `{"partnerNumber":"` + partner + `","description":"` + desc + `","lab_id":` + strconv.FormatInt(free, 10) + `}`
	body += strings.Repeat(" ", 64<<10-len(body)-1)
	r := azTChunked(t, e.s, "POST", "/api/students/"+creator+"/project", signIn(t, e.s, creator), body)
	if r.Status != 201 {
		t.Fatalf("chunked body of %d bytes: %d, want 201; body %s", len(body), r.Status, r.Body)
	}
}

// azTChunked sends a body without a Content-Length (chunked), which the apitest client cannot.
func azTChunked(t *testing.T, s *testServer, method, path string, tok apitest.Bearer, body string) *apitest.Response {
	t.Helper()
	// A MultiReader hides the length, so net/http sends Transfer-Encoding: chunked.
	req, err := http.NewRequest(method, s.URL+path, io.MultiReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	if req.ContentLength != 0 {
		t.Fatalf("request declares length %d; it would not be chunked", req.ContentLength)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+string(tok))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s chunked: %v", method, path, err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: got}
}

// TestAzTMalformedPathID: a student number in the path that is not 8 digits is a 400 naming id,
// before anything else is looked at, for every caller that is signed in.
func TestAzTMalformedPathID(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 3, 1)
	self, partner, lab := e.student(t), e.student(t), e.slot(t)
	body := map[string]any{"partnerNumber": partner, "description": "A project", "lab_id": lab}
	update := map[string]any{"description": "A project", "lab_id": lab}
	before := e.state(t, []string{self, partner}, []int64{lab})
	for _, who := range []string{self, adminNumber} {
		tok := signIn(t, e.s, who)
		for _, id := range []string{"abc", "1234567", "123456789", "3000000x", "-3000000", "%20" + self[1:], "30000000.0"} {
			for _, req := range []struct {
				method, path string
				body         any
			}{
				{"GET", "/api/students/" + id, nil},
				{"GET", "/api/students/" + id + "/project", nil},
				{"POST", "/api/students/" + id + "/project", body},
				{"PUT", "/api/students/" + id + "/project", update},
				{"DELETE", "/api/students/" + id + "/project", nil},
			} {
				r := e.s.Client.Do(t, req.method, req.path, tok, req.body)
				if r.Status != 400 {
					t.Fatalf("%s %s by %s: %d, want 400; body %s", req.method, req.path, who, r.Status, r.Body)
				}
				if p := r.Problem(t); !slices.Equal(p.Fields(), []string{"id"}) {
					t.Fatalf("%s %s: errors name %v, want [id]", req.method, req.path, p.Fields())
				}
			}
		}
	}
	if after := e.state(t, []string{self, partner}, []int64{lab}); after != before {
		t.Fatalf("a refused request changed the data:\nbefore:\n%safter:\n%s", before, after)
	}
}

// TestAzTUnknownRoutesAndMethods: unknown /api routes are a 404 problem and known routes with an
// unsupported method a 405 problem, with or without a token.
func TestAzTUnknownRoutesAndMethods(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 1, 1)
	self := e.student(t)
	tok := signIn(t, e.s, self)
	for _, auth := range []apitest.Auth{nil, tok} {
		for _, path := range []string{
			"/api/nope", "/api/", "/api", "/api/students", "/api/students/" + self + "/projects",
			"/api/students/" + self + "/project/1", "/api/labs/3", "/api/projects/1", "/api/tokens/x",
			"/api/health/db", "/api/students/" + self + "/project/../../x",
		} {
			r := e.s.Client.Do(t, "GET", path, auth, nil)
			if r.Status != 404 {
				t.Errorf("GET %s (token %v): %d, want 404; body %s", path, auth != nil, r.Status, r.Body)
				continue
			}
			r.Problem(t)
		}
		for _, req := range []struct{ method, path string }{
			{"PATCH", "/api/students/" + self + "/project"},
			{"POST", "/api/students/" + self},
			{"DELETE", "/api/students/" + self},
			{"PUT", "/api/labs"},
			{"POST", "/api/labs"},
			{"DELETE", "/api/projects"},
			{"POST", "/api/projects"},
			{"GET", "/api/tokens"},
			{"PUT", "/api/tokens"},
			{"POST", "/api/health"},
			{"DELETE", "/api/health/"},
		} {
			r := e.s.Client.Do(t, req.method, req.path, auth, nil)
			if r.Status != 405 {
				t.Errorf("%s %s (token %v): %d, want 405; body %s", req.method, req.path, auth != nil, r.Status, r.Body)
				continue
			}
			r.Problem(t)
			if allow := r.Header.Get("Allow"); allow == "" || strings.Contains(allow, req.method) {
				t.Errorf("%s %s: Allow %q", req.method, req.path, allow)
			}
		}
	}
}

// TestAzTNoProjectIsNotFound: a student without a project gets a 404 problem from GET, PUT and
// DELETE on their project, not an empty 200 or a 500.
func TestAzTNoProjectIsNotFound(t *testing.T) {
	t.Parallel()
	e := azTNewEnv(t, 1, 1)
	self, lab := e.student(t), e.slot(t)
	tok := signIn(t, e.s, self)
	path := "/api/students/" + self + "/project"
	for _, req := range []struct {
		method string
		body   any
	}{
		{"GET", nil},
		{"PUT", map[string]any{"description": "A project", "lab_id": lab}},
		{"DELETE", nil},
	} {
		r := e.s.Client.Do(t, req.method, path, tok, req.body)
		if r.Status != 404 {
			t.Fatalf("%s %s: %d, want 404; body %s", req.method, path, r.Status, r.Body)
		}
		r.Problem(t)
	}
	if after, want := e.state(t, []string{self}, []int64{lab}), self+": no project\nlab "+strconv.FormatInt(lab, 10)+" free: true\n"; after != want {
		t.Fatalf("state %q, want %q", after, want)
	}
}
