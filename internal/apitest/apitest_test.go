package apitest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pairup/pairup/internal/apitest"
)

// recorder is a testing.TB that keeps the failures reported to it instead of failing the test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// The Transport passes a response that matches openapi.yaml through untouched, and refuses one
// that does not (a body outside the schema, a status the spec does not list, a non-problem
// error) with an error and a test failure.
func TestTransportValidatesEveryResponse(t *testing.T) {
	t.Parallel()
	answers := map[string]struct {
		status int
		ct     string
		body   string
	}{
		"/api/health":          {200, "application/json", `{"status":"ok"}`},
		"/api/projects":        {200, "application/json", `{"projectList":[{"pid":"seven"}]}`},
		"/api/labs":            {418, "application/problem+json", `{"type":"about:blank","title":"Teapot","status":418}`},
		"/api/nowhere":         {404, "text/plain", `not found`},
		"/api/students/123456": {200, "application/json", `{}`},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := answers[r.URL.Path]
		w.Header().Set("Content-Type", a.ct)
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)

	for path, a := range answers {
		rec := &recorder{TB: t}
		client := apitest.New(rec, srv.URL).HTTPClient()
		resp, err := client.Get(srv.URL + path)
		if path == "/api/health" {
			if err != nil || len(rec.errors) > 0 {
				t.Fatalf("GET %s: a valid answer was refused: %v %v", path, err, rec.errors)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != a.body {
				t.Fatalf("GET %s: body %q after validation, want %q", path, body, a.body)
			}
			continue
		}
		t.Logf("GET %s: %v", path, err)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s: %d %s passed validation", path, a.status, a.body)
		} else if len(rec.errors) != 1 || !strings.Contains(err.Error(), rec.errors[0]) {
			t.Errorf("GET %s: error %v, test failures %q: want the one reported", path, err, rec.errors)
		}
	}
}

// A request body survives validation: the server receives every byte the caller sent.
func TestTransportForwardsRequestBodies(t *testing.T) {
	t.Parallel()
	const sent = `{"description":"x","lab_id":"3"}`
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/api/students/30000000/project", strings.NewReader(sent))
	resp, err := apitest.New(t, srv.URL).HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != sent {
		t.Fatalf("server received %q, want %q", got, sent)
	}
}
