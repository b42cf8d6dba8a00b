package web_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/pairup/pairup/api/web"
)

func newSite(t *testing.T) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "assets"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html><title>Pair-Up</title>"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "assets", "index-abc123.js"), []byte("console.log(1)"), 0o644))
	e := echo.New()
	e.Use(web.SecurityHeaders)
	e.GET("/api/health", func(c echo.Context) error { return c.JSON(200, map[string]string{"status": "ok"}) })
	if !web.Register(e, dir) {
		t.Fatal("Register refused a directory with index.html")
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp, b.String()
}

func TestServesSPAWithFallbackAndCaching(t *testing.T) {
	t.Parallel()
	srv := newSite(t)
	cases := []struct {
		path, wantBody, wantCache string
		wantStatus                int
	}{
		{"/", "<title>Pair-Up</title>", "no-cache", 200},
		{"/projects", "<title>Pair-Up</title>", "no-cache", 200},   // a client-side route
		{"/my/project", "<title>Pair-Up</title>", "no-cache", 200}, // nested client-side route
		{"/assets/index-abc123.js", "console.log(1)", "public, max-age=31536000, immutable", 200},
		{"/assets/missing.js", "", "", 404},
		{"/favicon.ico", "", "", 404},
		{"/api/unknown", "", "", 404}, // never the SPA for an API path
		{"/api/health", `"ok"`, "", 200},
		{"/..%2f..%2f..%2fetc%2fpasswd", "", "", 404},                       // never a file outside dir
		{"/../../../etc/passwd", "<title>Pair-Up</title>", "no-cache", 200}, // cleaned to a route inside dir
	}
	for _, c := range cases {
		resp, body := get(t, srv.URL+c.path)
		if resp.StatusCode != c.wantStatus {
			t.Errorf("%s: status %d, want %d", c.path, resp.StatusCode, c.wantStatus)
		}
		if c.wantBody != "" && !strings.Contains(body, c.wantBody) {
			t.Errorf("%s: body %q lacks %q", c.path, body, c.wantBody)
		}
		if got := resp.Header.Get("Cache-Control"); c.wantCache != "" && got != c.wantCache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.wantCache)
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if strings.HasPrefix(c.path, "/api/") {
			if csp != web.APIContentSecurityPolicy {
				t.Errorf("%s: Content-Security-Policy %q, want %q", c.path, csp, web.APIContentSecurityPolicy)
			}
		} else if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: Content-Security-Policy %q must allow only the app's own scripts", c.path, csp)
		}
	}
}

func TestCompressesAssets(t *testing.T) {
	t.Parallel()
	srv := newSite(t)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/assets/index-abc123.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", got)
	}
}

func TestRegisterRefusesUnbuiltDirectory(t *testing.T) {
	t.Parallel()
	if web.Register(echo.New(), t.TempDir()) {
		t.Fatal("Register accepted a directory without index.html")
	}
}
