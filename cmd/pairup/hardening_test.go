package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
)

// HEAD answers like GET without a body, on every GET route of the API.
func TestHardeningHead(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 1)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))
	for _, path := range []string{"/api/health", "/api/labs", "/api/projects", "/api/students/" + studentNumber(0)} {
		req, _ := http.NewRequest(http.MethodHead, s.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+string(tok))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("HEAD %s: %d %q, want 200 application/json", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// Two Authorization headers are refused whatever their order, rather than the first winning.
func TestHardeningTwoAuthorizationHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 1)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))
	for _, order := range [][]string{{"Bearer " + string(tok), "Bearer forged"}, {"Bearer forged", "Bearer " + string(tok)}} {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/api/labs", nil)
		req.Header["Authorization"] = order
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("headers %q: status %d, want 401", order, resp.StatusCode)
		}
	}
}

// Text that did not arrive as valid Unicode is refused rather than stored altered.
func TestHardeningBrokenUnicode(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 1)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))
	lab := f.Labs[0].ID
	for name, body := range map[string]string{
		"invalid UTF-8":  "{\"partnerNumber\":\"" + studentNumber(1) + "\",\"description\":\"a\xffb\",\"lab_id\":" + itoa(lab) + "}",
		"lone surrogate": `{"partnerNumber":"` + studentNumber(1) + `","description":"a\ud800b","lab_id":` + itoa(lab) + `}`,
	} {
		r := s.Client.Do(t, "POST", "/api/students/"+studentNumber(0)+"/project", tok, []byte(body))
		if r.Status != 400 {
			t.Errorf("%s: status %d %s, want 400", name, r.Status, r.Body)
		}
	}
	if r := s.Client.Do(t, "GET", "/api/students/"+studentNumber(0)+"/project", tok, nil); r.Status != 404 {
		t.Fatalf("a refused body created a project: %d %s", r.Status, r.Body)
	}
}

// PUT ignores the read-only fields of a project whatever their values, as the 2019 client
// sends back whatever it holds.
func TestHardeningPutIgnoresReadOnlyValues(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 2)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))
	p := createProject(t, s, tok, studentNumber(0), studentNumber(1), f.Labs[0].ID)
	r := s.Client.Do(t, "PUT", "/api/students/"+studentNumber(0)+"/project", tok, map[string]any{
		"description": "Changed", "lab_id": itoa(f.Labs[1].ID),
		"pid": "garbage", "team": nil, "lab": []int{1}, "room": 7, "starts_at": false, "members": 5,
	})
	if r.Status != 200 {
		t.Fatalf("PUT with odd read-only values: %d %s", r.Status, r.Body)
	}
	var got project
	r.JSON(t, &got)
	if got.Pid != p.Pid || got.Description != "Changed" || got.LabID != f.Labs[1].ID {
		t.Fatalf("PUT answered %+v", got)
	}
}

// A roster import cannot make a team member an admin (admins are never in teams), and a good
// import tells every open socket to refetch.
func TestHardeningImportAdminAndResync(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 1)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))
	createProject(t, s, tok, studentNumber(0), studentNumber(1), f.Labs[0].ID)
	w := dialWS(t, s, signIn(t, s, studentNumber(1)))

	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return f.DBURL
		}
		return ""
	}
	var out strings.Builder
	bad := write("bad.csv", "student_number,name,pin,role\n"+studentNumber(0)+",Student 0,2468,admin\n")
	err := run(context.Background(), []string{"import", "students", bad}, env, &out, testLogWriter{t})
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "coordinator") {
		t.Fatalf("promoting a team member: err = %v, want a line 2 error about coordinators", err)
	}
	if st, err := f.Service.Student(context.Background(), f.cli(t), studentNumber(0)); err != nil || st.Role != pairup.RoleStudent {
		t.Fatalf("after the refused import: %+v, %v", st, err)
	}

	good := write("labs.csv", "room,starts_at,capacity\nNew Room,2027-06-01T09:00,2\n")
	if err := run(context.Background(), []string{"import", "labs", good}, env, &out, testLogWriter{t}); err != nil {
		t.Fatal(err)
	}
	w.expect("resync")
	if r := s.Client.Do(t, "GET", "/api/labs", apitest.Bearer(tok), nil); !strings.Contains(string(r.Body), "New Room") {
		t.Fatalf("imported slot not listed: %s", r.Body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
