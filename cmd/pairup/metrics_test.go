package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pairup/pairup/internal/apitest"
)

// metricsServer is the whole program serving the API and, on a listener of its own, metrics.
type metricsServer struct {
	*testServer
	MetricsURL string       // http://host:port of the metrics listener
	stop       func() error // shuts the server down as SIGTERM would
}

// startMetricsServer runs `pairup serve` with PAIRUP_METRICS_ADDR=127.0.0.1:0 and no SPA (every
// path outside the API is unmatched); the harness learns both addresses from the lines the
// server prints, and its pool of 8 connections is what the pool stats below expect.
func startMetricsServer(t *testing.T, dbURL string) *metricsServer {
	t.Helper()
	s, stop := startServerWithStop(t, dbURL, map[string]string{
		"PAIRUP_METRICS_ADDR": "127.0.0.1:0",
		"PAIRUP_WEB_DIR":      t.TempDir() + "/no-spa",
	})
	return &metricsServer{testServer: s, MetricsURL: s.MetricsURL, stop: stop}
}

// scrape reads the metrics listener's /metrics and parses the text format.
func (s *metricsServer) scrape(t *testing.T) scraped {
	t.Helper()
	resp, err := http.Get(s.MetricsURL + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("scrape: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("scrape: not the Prometheus text format: %v", err)
	}
	return families
}

// scraped is one scrape's metric families by name.
type scraped map[string]*dto.MetricFamily

// sample finds the metric of the family whose labels are exactly the given ones ("k=v" pairs);
// ok is false when there is none.
func (sc scraped) sample(name string, labels ...string) (*dto.Metric, bool) {
	f, ok := sc[name]
	if !ok {
		return nil, false
	}
	want := map[string]string{}
	for _, l := range labels {
		k, v, _ := strings.Cut(l, "=")
		want[k] = v
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return m, true
		}
	}
	return nil, false
}

// value is a counter's or gauge's value, 0 when the series does not exist (a counter that has
// not counted yet).
func (sc scraped) value(name string, labels ...string) float64 {
	m, ok := sc.sample(name, labels...)
	switch {
	case !ok:
		return 0
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return 0
}

// sum adds up a family's counters over every label set.
func (sc scraped) sum(name string) float64 {
	total := 0.0
	for _, m := range sc[name].GetMetric() {
		total += m.GetCounter().GetValue()
	}
	return total
}

// TestMetricsScrape drives sign-ins, a booking, a conflict, a socket and unknown routes through
// the real server, then scrapes the metrics listener and checks each count exactly.
func TestMetricsScrape(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 6, 2)
	s := startMetricsServer(t, f.DBURL)
	s0, s1, s2, s3, s5 := studentNumber(0), studentNumber(1), studentNumber(2), studentNumber(3), studentNumber(5)

	before := s.scrape(t)
	if got := before.value("pairup_sockets_open"); got != 0 {
		t.Fatalf("sockets_open before any socket = %v", got)
	}
	if got := before.sum("pairup_bookings_total"); got != 0 {
		t.Fatalf("bookings before any = %v", got)
	}

	// Two successful sign-ins, then one student's wrong PINs until the throttle refuses them.
	tok0, tok2 := signIn(t, s.testServer, s0), signIn(t, s.testServer, s2)
	failures, throttled := 0, 0
	for throttled == 0 {
		r := s.Client.Do(t, "POST", "/api/tokens", apitest.Basic{User: s5, Password: "0000"}, nil)
		switch r.Status {
		case 401:
			failures++
		case 429:
			throttled++
		default:
			t.Fatalf("wrong PIN: %d %s", r.Status, r.Body)
		}
		if failures > 50 {
			t.Fatal("no throttle after 50 failures")
		}
	}

	// A socket, then a booking it hears of.
	ws := dialWS(t, s.testServer, tok0)
	if got := s.scrape(t).value("pairup_sockets_open"); got != 1 {
		t.Fatalf("sockets_open with one socket = %v", got)
	}
	createProject(t, s.testServer, tok0, s0, s1, f.Labs[0].ID)
	for fr := ws.next(); fr.Type != "project.changed"; fr = ws.next() {
	}

	// A conflict: the slot is full.
	r := s.Client.Do(t, "POST", "/api/students/"+s2+"/project", tok2, map[string]any{
		"partnerNumber": s3, "description": "Late", "lab_id": f.Labs[0].ID,
	})
	if r.Status != 409 {
		t.Fatalf("booking a full slot: %d %s", r.Status, r.Body)
	}
	// A team moving itself to the other slot is a booking too.
	r = s.Client.Do(t, "PUT", "/api/students/"+s0+"/project", tok0, map[string]any{"description": "Moved", "lab_id": f.Labs[1].ID})
	if r.Status != 200 {
		t.Fatalf("move to the free slot: %d %s", r.Status, r.Body)
	}

	// Metrics are never on the API's address.
	for _, path := range []string{"/metrics", "/api/metrics"} {
		r := s.Client.Do(t, "GET", path, nil, nil)
		if r.Status != 404 {
			t.Fatalf("GET %s on the API's address: %d %s", path, r.Status, r.Body)
		}
		if p := r.Problem(t); p.Status != 404 {
			t.Fatalf("GET %s: problem %+v", path, p)
		}
	}

	// The lag is observed once the hub has queued the pushes, just after the frame left: poll.
	var sc scraped
	for deadline := time.Now().Add(10 * time.Second); ; {
		sc = s.scrape(t)
		if m, ok := sc.sample("pairup_event_lag_seconds"); ok && m.GetHistogram().GetSampleCount() >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no event lag observed within 10s of the push")
		}
	}

	checks := []struct {
		what string
		got  float64
		want float64
	}{
		{"signin_failures_total", sc.value("pairup_signin_failures_total"), float64(failures)},
		{"signin_throttled_total", sc.value("pairup_signin_throttled_total"), 1},
		{"tokens 200", sc.value("pairup_http_requests_total", "method=POST", "route=/api/tokens", "status=200"), 2},
		{"tokens 401", sc.value("pairup_http_requests_total", "method=POST", "route=/api/tokens", "status=401"), float64(failures)},
		{"tokens 429", sc.value("pairup_http_requests_total", "method=POST", "route=/api/tokens", "status=429"), 1},
		{"project 201", sc.value("pairup_http_requests_total", "method=POST", "route=/api/students/:id/project", "status=201"), 1},
		{"project 409", sc.value("pairup_http_requests_total", "method=POST", "route=/api/students/:id/project", "status=409"), 1},
		{"unmatched 404", sc.value("pairup_http_requests_total", "method=GET", "route=unmatched", "status=404"), 2},
		{"bookings create", sc.value("pairup_bookings_total", "kind=create"), 1},
		{"bookings change", sc.value("pairup_bookings_total", "kind=change"), 1},
		{"bookings all", sc.sum("pairup_bookings_total"), 2},
		{"conflicts lab_id", sc.value("pairup_booking_conflicts_total", "route=/api/students/:id/project", "reason=lab_id"), 1},
		{"conflicts all", sc.sum("pairup_booking_conflicts_total"), 1},
		{"sockets_open", sc.value("pairup_sockets_open"), 1},
		{"queue closures", sc.value("pairup_socket_queue_closures_total"), 0},
		{"pool max conns", sc.value("pairup_db_pool_max_conns"), 8},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if failures < 1 {
		t.Errorf("no sign-in failed before the throttle")
	}
	if m, ok := sc.sample("pairup_http_request_duration_seconds", "method=POST", "route=/api/tokens"); !ok || m.GetHistogram().GetSampleCount() != uint64(failures+3) {
		t.Errorf("duration of POST /api/tokens: %v samples, want %d", m.GetHistogram().GetSampleCount(), failures+3)
	}
	for _, name := range []string{
		"pairup_socket_queue_closures_total", "pairup_db_pool_acquired_conns", "pairup_db_pool_idle_conns",
		"pairup_db_pool_total_conns", "pairup_db_pool_acquires_total", "pairup_db_pool_acquire_duration_seconds_total",
		"pairup_db_pool_empty_acquires_total", "go_goroutines", "process_start_time_seconds",
	} {
		if _, ok := sc[name]; !ok {
			t.Errorf("no %s in the scrape", name)
		}
	}
	if got := sc.value("pairup_db_pool_acquires_total"); got < 1 {
		t.Errorf("pool acquires = %v, want some", got)
	}
	// Labels are bounded: route templates only, never a student number or a raw path.
	for name, fam := range sc {
		if !strings.HasPrefix(name, "pairup_") {
			continue
		}
		for _, m := range fam.GetMetric() {
			for _, lp := range m.GetLabel() {
				if strings.Contains(lp.GetValue(), "3000000") {
					t.Errorf("%s has label %s=%q: a student number", name, lp.GetName(), lp.GetValue())
				}
				if lp.GetName() == "route" && lp.GetValue() != "unmatched" && !strings.HasPrefix(lp.GetValue(), "/api/") {
					t.Errorf("%s has route %q", name, lp.GetValue())
				}
			}
		}
	}

	// The socket's close is counted; a shut-down server stops serving metrics too.
	ws.conn.Close(websocket.StatusNormalClosure, "")
	for deadline := time.Now().Add(10 * time.Second); s.scrape(t).value("pairup_sockets_open") != 0; {
		if time.Now().After(deadline) {
			t.Fatal("sockets_open still not 0 10s after the socket closed")
		}
	}
	if err := s.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if resp, err := http.Get(s.MetricsURL + "/metrics"); err == nil {
		resp.Body.Close()
		t.Fatalf("metrics still served after shutdown: %d", resp.StatusCode)
	}
}

// TestMetricsConfig: no address serves no metrics; a bad one stops the server naming the variable.
func TestMetricsConfig(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "PAIRUP_METRICS_ADDR" {
				return v
			}
			return ""
		}
	}
	cfg, err := loadConfig(env(""))
	if err != nil || cfg.Metrics.Addr != "" {
		t.Fatalf("unset: %+v, %v", cfg.Metrics, err)
	}
	if cfg, err := loadConfig(env("127.0.0.1:9090")); err != nil || cfg.Metrics.Addr != "127.0.0.1:9090" {
		t.Fatalf("127.0.0.1:9090: %+v, %v", cfg.Metrics, err)
	}
	if cfg, err := loadConfig(env(":9090")); err != nil || cfg.Metrics.Addr != ":9090" {
		t.Fatalf(":9090: %+v, %v", cfg.Metrics, err)
	}
	for _, bad := range []string{"9090", "localhost", "127.0.0.1:http", "127.0.0.1:70000", "127.0.0.1:-1"} {
		if _, err := loadConfig(env(bad)); err == nil || !strings.Contains(err.Error(), "PAIRUP_METRICS_ADDR") {
			t.Errorf("PAIRUP_METRICS_ADDR=%q: %v, want an error naming the variable", bad, err)
		}
	}
}
