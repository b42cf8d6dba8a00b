package metrics

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	dto "github.com/prometheus/client_model/go"

	"github.com/pairup/pairup/api/pairup"
)

// newTestEcho is an Echo laid out as the API is: routes with parameters, a catch-all for
// unknown /api paths, errors turned into statuses by the error handler, and the middleware
// added with Pre.
func newTestEcho(m *Metrics) *echo.Echo {
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status := http.StatusInternalServerError
		var de *pairup.Error
		var he *echo.HTTPError
		switch {
		case errors.As(err, &de):
			status = map[string]int{pairup.EUNAUTHORIZED: 401, pairup.ETHROTTLED: 429, pairup.ECONFLICT: 409}[de.Code]
		case errors.As(err, &he):
			status = he.Code
		}
		_ = c.NoContent(status)
	}
	e.Pre(m.Middleware())
	e.GET("/api/units/:unit/labs", func(c echo.Context) error { return c.String(200, "labs of "+c.Param("unit")) })
	e.POST("/api/tokens", func(c echo.Context) error {
		switch c.Request().Header.Get("X-Test") {
		case "throttle":
			return pairup.Errorf(pairup.ETHROTTLED, "slow down")
		case "ok":
			return c.NoContent(200)
		}
		return pairup.Errorf(pairup.EUNAUTHORIZED, "wrong PIN")
	})
	e.POST("/api/students/:id/project", func(c echo.Context) error {
		switch c.Request().Header.Get("X-Test") {
		case "index":
			return fmt.Errorf("wrapped: %w", pairup.FieldErrorf(pairup.ECONFLICT, "teams[3]", "in a team already"))
		case "state":
			return pairup.Errorf(pairup.ECONFLICT, "the window has closed")
		}
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "that lab slot is full")
	})
	e.GET("/api/me", func(c echo.Context) error { return pairup.Errorf(pairup.ECONFLICT, "not a booking route") })
	e.GET("/api/boom", func(c echo.Context) error { return errors.New("a fault of ours") })
	e.Any("/api/*", func(c echo.Context) error { return echo.ErrNotFound })
	return e
}

func do(e *echo.Echo, method, path, test string) int {
	req := httptest.NewRequest(method, path, nil)
	if test != "" {
		req.Header.Set("X-Test", test)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec.Code
}

// counter is the value of the registry's series with exactly these labels; 0 when absent.
func counter(t *testing.T, m *Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			if labelsOf(s) == fmt.Sprint(labels) {
				return s.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func labelsOf(s *dto.Metric) string {
	got := map[string]string{}
	for _, lp := range s.GetLabel() {
		got[lp.GetName()] = lp.GetValue()
	}
	return fmt.Sprint(got)
}

func req(method, route, status string) map[string]string {
	return map[string]string{"method": method, "route": route, "status": status}
}

// TestMiddlewareRouteLabels: requests are labelled by route template, never by raw path; paths
// no route matches, the /api/* catch-all's included, are "unmatched"; odd methods are OTHER;
// the status is what the error handler answered.
func TestMiddlewareRouteLabels(t *testing.T) {
	m := New()
	e := newTestEcho(m)
	for _, unit := range []string{"CITS3200", "CITS3002", "X"} {
		if code := do(e, "GET", "/api/units/"+unit+"/labs", ""); code != 200 {
			t.Fatalf("labs of %s: %d", unit, code)
		}
	}
	for _, path := range []string{"/api/nope", "/api/units/X/nope/deeper", "/metrics", "/index.html"} {
		if code := do(e, "GET", path, ""); code != 404 {
			t.Fatalf("GET %s: %d", path, code)
		}
	}
	if code := do(e, "BREW", "/api/units/X/labs", ""); code != 404 && code != 405 {
		t.Fatalf("BREW: %d", code)
	}
	if code := do(e, "GET", "/api/boom", ""); code != 500 {
		t.Fatalf("a fault: %d", code)
	}

	if got := counter(t, m, "pairup_http_requests_total", req("GET", "/api/boom", "500")); got != 1 {
		t.Errorf("the fault's 500 = %v, want 1: the status is the error handler's", got)
	}
	if got := counter(t, m, "pairup_http_requests_total", req("GET", "/api/units/:unit/labs", "200")); got != 3 {
		t.Errorf("labs by template = %v, want 3", got)
	}
	// /metrics and /index.html match no route (Echo's own 404); the two /api ones the catch-all.
	if got := counter(t, m, "pairup_http_requests_total", req("GET", Unmatched, "404")); got != 4 {
		t.Errorf("unmatched 404s = %v, want 4", got)
	}
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, f := range families {
		if f.GetName() != "pairup_http_requests_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, lp := range s.GetLabel() {
				switch lp.GetName() {
				case "route":
					routes[lp.GetValue()] = true
				case "method":
					if v := lp.GetValue(); v != "GET" && v != "OTHER" {
						t.Errorf("method label %q", v)
					}
				}
			}
		}
	}
	for r := range routes {
		if strings.Contains(r, "CITS") || strings.Contains(r, "nope") || r == "/api/*" || r == "/metrics" {
			t.Errorf("route label %q is a raw path or the catch-all", r)
		}
	}
	if !routes["/api/boom"] || len(routes) != 3 {
		t.Errorf("route labels %v, want the labs template, /api/boom and unmatched", routes)
	}
	if got := counter(t, m, "pairup_http_requests_total", map[string]string{"method": "OTHER", "route": Unmatched, "status": "405"}) +
		counter(t, m, "pairup_http_requests_total", map[string]string{"method": "OTHER", "route": Unmatched, "status": "404"}) +
		counter(t, m, "pairup_http_requests_total", map[string]string{"method": "OTHER", "route": "/api/units/:unit/labs", "status": "405"}); got != 1 {
		t.Errorf("BREW counted %v times as OTHER, want 1", got)
	}
}

// TestMiddlewareSigninAndConflicts: 401 and 429 of POST /api/tokens are sign-in failures and
// throttles; 409s of booking routes are conflicts by the field at fault.
func TestMiddlewareSigninAndConflicts(t *testing.T) {
	m := New()
	e := newTestEcho(m)
	for _, test := range []string{"", "", "throttle", "ok"} {
		do(e, "POST", "/api/tokens", test)
	}
	for _, test := range []string{"", "", "index", "state"} {
		if code := do(e, "POST", "/api/students/30000000/project", test); code != 409 {
			t.Fatalf("conflict %q: %d", test, code)
		}
	}
	if code := do(e, "GET", "/api/me", ""); code != 409 {
		t.Fatalf("GET /api/me: %d", code)
	}
	none := map[string]string{}
	if got := counter(t, m, "pairup_signin_failures_total", none); got != 2 {
		t.Errorf("sign-in failures = %v, want 2", got)
	}
	if got := counter(t, m, "pairup_signin_throttled_total", none); got != 1 {
		t.Errorf("sign-in throttles = %v, want 1", got)
	}
	route := "/api/students/:id/project"
	for reason, want := range map[string]float64{"lab_id": 2, "teams": 1, "state": 1} {
		if got := counter(t, m, "pairup_booking_conflicts_total", map[string]string{"route": route, "reason": reason}); got != want {
			t.Errorf("conflicts for %s = %v, want %v", reason, got, want)
		}
	}
	if got := counter(t, m, "pairup_booking_conflicts_total", map[string]string{"route": "/api/me", "reason": "state"}); got != 0 {
		t.Errorf("a 409 outside the booking routes counted as a booking conflict")
	}
}

// TestNilMetrics: a server without a metrics listener has nil *Metrics, and every hook is a
// no-op that passes requests through.
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.Booked("create", 1)
	m.OnSocketOpen()
	m.OnSocketClose()
	m.OnQueueClosure()
	m.OnEventLag(0)
	m.RegisterPool(nil)
	e := newTestEcho(m)
	if code := do(e, "GET", "/api/units/X/labs", ""); code != 200 {
		t.Fatalf("through a nil middleware: %d", code)
	}
	if m.Registry() != nil {
		t.Fatal("nil metrics have a registry")
	}
}
