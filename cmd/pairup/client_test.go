package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	contract "github.com/pairup/pairup"
	"github.com/pairup/pairup/api/httpapi"
	"github.com/pairup/pairup/api/oapiclient"
	"github.com/pairup/pairup/api/web"
)

// clTClient is the generated Go client for the server, on an HTTP client that checks every
// response against openapi.yaml.
func clTClient(t *testing.T, s *testServer) *oapiclient.ClientWithResponses {
	t.Helper()
	c, err := oapiclient.NewClientWithResponses(s.URL+"/api", oapiclient.WithHTTPClient(s.Client.HTTPClient()))
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

// clTStatus fails the test unless a call of the generated client answered want.
func clTStatus(t *testing.T, what string, resp interface {
	StatusCode() int
	GetBody() []byte
}, err error, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got := resp.StatusCode(); got != want {
		t.Fatalf("%s: status %d, want %d; body %s", what, got, want, resp.GetBody())
	}
}

// clTMembers lists a project's members' student numbers.
func clTMembers(p *oapiclient.Project) []string {
	var ids []string
	for _, m := range p.Members {
		ids = append(ids, m.Id)
	}
	slices.Sort(ids)
	return ids
}

// The generated client walks a student's whole session: every call goes through
// api/oapiclient, and every answer is checked against openapi.yaml on the way.
func TestClTGeneratedClientWalksTheMainFlow(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, 3, 3)
	s := startServer(t, fx.DBURL, nil)
	c := clTClient(t, s)
	ctx := t.Context()
	me, partner := studentNumber(0), studentNumber(1)

	wrong, err := c.CreateTokenWithResponse(ctx, oapiclient.BasicAuth(me, "0000"))
	clTStatus(t, "sign in with a wrong PIN", wrong, err, http.StatusUnauthorized)
	if wrong.ApplicationproblemJSON401 == nil || wrong.Headers401 == nil || !strings.HasPrefix(*wrong.Headers401.WWWAuthenticate, "Basic") {
		t.Fatalf("wrong PIN: want a problem and a Basic challenge, got %s %v", wrong.Body, wrong.HTTPResponse.Header)
	}

	tok, err := c.CreateTokenWithResponse(ctx, oapiclient.BasicAuth(me, testPIN))
	clTStatus(t, "sign in", tok, err, http.StatusOK)
	if tok.JSON200.Token == "" || !tok.JSON200.Expiry.After(time.Now()) {
		t.Fatalf("sign in: token %+v", tok.JSON200)
	}
	bearer := oapiclient.BearerAuth(tok.JSON200.Token)

	self, err := c.GetStudentWithResponse(ctx, me, bearer)
	clTStatus(t, "read self", self, err, http.StatusOK)
	if self.JSON200.Id != me || self.JSON200.Name != "Student 0" {
		t.Fatalf("read self: %+v", self.JSON200)
	}

	labs, err := c.ListAvailableLabsWithResponse(ctx, bearer)
	clTStatus(t, "list labs", labs, err, http.StatusOK)
	var free []int64
	for _, l := range labs.JSON200.AvailableLabs {
		free = append(free, l.LabId)
	}
	if want := []int64{fx.Labs[0].ID, fx.Labs[1].ID, fx.Labs[2].ID}; !slices.Equal(free, want) {
		t.Fatalf("free labs %v, want %v", free, want)
	}

	none, err := c.GetStudentProjectWithResponse(ctx, me, bearer)
	clTStatus(t, "read project before creating it", none, err, http.StatusNotFound)
	if none.ApplicationproblemJSON404 == nil || none.ApplicationproblemJSON404.Status != http.StatusNotFound {
		t.Fatalf("no project yet: want a 404 problem, got %s", none.Body)
	}

	created, err := c.CreateStudentProjectWithResponse(ctx, me, oapiclient.NewProject{
		PartnerNumber: &partner, Description: "  A generated client  ", LabId: oapiclient.LabId(fx.Labs[0].ID),
	}, bearer)
	clTStatus(t, "create project", created, err, http.StatusCreated)
	p := created.JSON201
	if p.Description != "A generated client" || p.LabId == nil || *p.LabId != fx.Labs[0].ID || !slices.Equal(clTMembers(p), []string{me, partner}) {
		t.Fatalf("created %+v", p)
	}
	if loc := created.HTTPResponse.Header.Get("Location"); loc != "/api/students/"+me+"/project" {
		t.Fatalf("Location %q", loc)
	}

	again, err := c.CreateStudentProjectWithResponse(ctx, me, oapiclient.NewProject{
		PartnerNumber: ptr(studentNumber(2)), Description: "A second team", LabId: oapiclient.LabId(fx.Labs[1].ID),
	}, bearer)
	clTStatus(t, "create a second project", again, err, http.StatusConflict)
	if again.ApplicationproblemJSON409 == nil {
		t.Fatalf("second project: want a 409 problem, got %s", again.Body)
	}

	got, err := c.GetStudentProjectWithResponse(ctx, me, bearer)
	clTStatus(t, "read project", got, err, http.StatusOK)
	if got.JSON200.Pid != p.Pid || got.JSON200.Team != p.Team {
		t.Fatalf("read %+v, created %+v", got.JSON200, p)
	}

	// The 2019 client sends lab_id as a string; the typed body would send an integer, so this
	// goes through the generated raw-body variant.
	body := fmt.Sprintf(`{"description":"Moved to the next slot","lab_id":"%d"}`, fx.Labs[1].ID)
	updated, err := c.UpdateStudentProjectWithBodyWithResponse(ctx, me, "application/json", strings.NewReader(body), bearer)
	clTStatus(t, "update with lab_id as a string", updated, err, http.StatusOK)
	if updated.JSON200.LabId == nil || *updated.JSON200.LabId != fx.Labs[1].ID || updated.JSON200.Description != "Moved to the next slot" || updated.JSON200.Pid != p.Pid {
		t.Fatalf("updated %+v", updated.JSON200)
	}

	list, err := c.ListProjectsWithResponse(ctx, bearer)
	clTStatus(t, "list projects", list, err, http.StatusOK)
	if n := len(list.JSON200.ProjectList); n != 1 || list.JSON200.ProjectList[0].Pid != p.Pid || list.JSON200.ProjectList[0].LabId == nil || *list.JSON200.ProjectList[0].LabId != fx.Labs[1].ID {
		t.Fatalf("project list %+v", list.JSON200.ProjectList)
	}

	deleted, err := c.DeleteStudentProjectWithResponse(ctx, me, bearer)
	clTStatus(t, "delete project", deleted, err, http.StatusNoContent)
	gone, err := c.GetStudentProjectWithResponse(ctx, me, bearer)
	clTStatus(t, "read the project after deleting it", gone, err, http.StatusNotFound)
	labs, err = c.ListAvailableLabsWithResponse(ctx, bearer)
	clTStatus(t, "list labs after deleting", labs, err, http.StatusOK)
	if n := len(labs.JSON200.AvailableLabs); n != 3 {
		t.Fatalf("after deleting, %d labs are free, want all 3", n)
	}

	out, err := c.RevokeTokenWithResponse(ctx, bearer)
	clTStatus(t, "sign out", out, err, http.StatusNoContent)
	refused, err := c.GetStudentWithResponse(ctx, me, bearer)
	clTStatus(t, "use the revoked token", refused, err, http.StatusUnauthorized)
	if refused.ApplicationproblemJSON401 == nil || refused.Headers401 == nil || !strings.HasPrefix(*refused.Headers401.WWWAuthenticate, "Bearer") {
		t.Fatalf("revoked token: want a problem and a Bearer challenge, got %s %v", refused.Body, refused.HTTPResponse.Header)
	}

	health, err := c.GetHealthWithResponse(ctx)
	clTStatus(t, "health", health, err, http.StatusOK)
	if health.JSON200.Status != oapiclient.Ok {
		t.Fatalf("health %+v", health.JSON200)
	}
}

// The generated client reads the served contract as YAML, without a token.
func TestClTGeneratedClientReadsTheContract(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, 0, 0)
	s := startServer(t, fx.DBURL, nil)
	doc, err := clTClient(t, s).GetOpenAPIDocumentWithResponse(t.Context())
	clTStatus(t, "read the contract", doc, err, http.StatusOK)
	if d := doc.YAML200; d.Openapi != "3.0.3" || d.Info["title"] != "Pair-Up API" || d.Paths["/projects"] == nil {
		t.Fatalf("the contract as the client read it: %+v", d)
	}
}

// GET /api/openapi.yaml serves the exact contract the server was built from, with no token,
// as a valid OpenAPI document that lists these two routes as public.
func TestClTServesTheContract(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, 0, 0)
	s := startServer(t, fx.DBURL, nil)
	for _, path := range []string{"/api/openapi.yaml", "/api/openapi.yaml/"} {
		r := s.Client.Do(t, http.MethodGet, path, nil, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/yaml" {
			t.Errorf("GET %s: Content-Type %q, want application/yaml", path, ct)
		}
		onDisk, err := os.ReadFile(filepath.Join("..", "..", "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(r.Body, onDisk) || !bytes.Equal(r.Body, contract.OpenAPI) {
			t.Fatalf("GET %s: the body (%d bytes) is not openapi.yaml (%d bytes)", path, len(r.Body), len(onDisk))
		}
	}

	r := s.Client.Do(t, http.MethodGet, "/api/openapi.yaml", nil, nil)
	doc, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("parse the served document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid OpenAPI: %v", err)
	}
	for _, path := range []string{"/openapi.yaml", "/docs"} {
		item := doc.Paths.Value(path)
		if item == nil || item.Get == nil {
			t.Fatalf("the served document does not describe GET /api%s", path)
		}
		if item.Get.Security == nil || len(*item.Get.Security) != 0 {
			t.Errorf("GET /api%s: the document must mark it public (security: [])", path)
		}
	}
}

// clTScript finds the page's <script> elements: their src attribute and their inline content.
var clTScript = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)

var clTSrc = regexp.MustCompile(`(?i)\bsrc="([^"]*)"`)

// clTDirectives splits a Content-Security-Policy into its directives' sources.
func clTDirectives(csp string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[f[0]] = f[1:]
		}
	}
	return out
}

// GET /api/docs is a small page, public, under a CSP of its own that still allows scripts from
// this origin only, and the renderer it loads is served by the same server from the built web
// client; the rest of the site keeps the strict policy.
func TestClTServesTheReferencePage(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, 0, 0)
	dist := t.TempDir()
	const renderer = "/* Redoc's standalone bundle stands here */"
	for name, content := range map[string]string{
		"index.html":               "<!doctype html><title>Pair-Up</title>",
		"docs/redoc.standalone.js": renderer,
		"assets/index-abc.js":      "console.log(1)",
	} {
		file := filepath.Join(dist, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := startServer(t, fx.DBURL, map[string]string{"PAIRUP_WEB_DIR": dist})

	r := s.Client.Do(t, http.MethodGet, "/api/docs", nil, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/docs: %d %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	page := string(r.Body)
	if !strings.Contains(page, `spec-url="/api/openapi.yaml"`) {
		t.Errorf("the page does not point the renderer at /api/openapi.yaml:\n%s", page)
	}

	csp := r.Header.Get("Content-Security-Policy")
	if csp != httpapi.DocsContentSecurityPolicy {
		t.Errorf("Content-Security-Policy %q, want the reference page's own %q", csp, httpapi.DocsContentSecurityPolicy)
	}
	d := clTDirectives(csp)
	if !slices.Equal(d["script-src"], []string{"'self'"}) || !slices.Equal(d["default-src"], []string{"'self'"}) {
		t.Errorf("CSP %q: scripts and everything else must come from this origin only", csp)
	}
	for directive, sources := range d {
		for _, src := range sources {
			if strings.Contains(src, "://") || src == "*" || src == "https:" || src == "http:" {
				t.Errorf("CSP %q: %s allows another origin (%s)", csp, directive, src)
			}
		}
	}

	scripts := clTScript.FindAllStringSubmatch(page, -1)
	if len(scripts) == 0 {
		t.Fatalf("the page loads no script:\n%s", page)
	}
	for _, sc := range scripts {
		if strings.TrimSpace(sc[2]) != "" {
			t.Errorf("the page has an inline script: %q", sc[0])
		}
		m := clTSrc.FindStringSubmatch(sc[1])
		if m == nil || !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Fatalf("script %q is not loaded from this origin by path", sc[0])
		}
		resp, err := http.Get(s.URL + m[1])
		if err != nil {
			t.Fatal(err)
		}
		js, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || string(js) != renderer {
			t.Fatalf("GET %s: %d %q, want the renderer from PAIRUP_WEB_DIR", m[1], resp.StatusCode, js)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("GET %s: Content-Type %q, want text/javascript", m[1], ct)
		}
	}

	// The relaxed policy is the reference page's alone: the SPA has the site's, the rest of the
	// API the data-only one.
	for path, want := range map[string]string{
		"/": web.ContentSecurityPolicy, "/api/health": web.APIContentSecurityPolicy, "/api/openapi.yaml": web.APIContentSecurityPolicy,
	} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Content-Security-Policy"); got != want {
			t.Errorf("GET %s: Content-Security-Policy %q, want %q", path, got, want)
		}
	}
}
