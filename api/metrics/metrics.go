// Package metrics is Pair-Up's Prometheus instrumentation: one private registry per server
// (so many servers in one process never collide), the Go and process collectors, HTTP request
// counters, bookings and conflicts, sign-in failures and throttles, WebSocket counts and event
// lag, and the database pool. Every method works on a nil *Metrics and does nothing, so a
// server without a metrics listener pays nothing.
//
// Labels are bounded: route templates (never raw paths), methods, statuses, booking kinds and
// conflict fields; never student numbers or unit codes.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds one server's collectors and the registry they are served from.
type Metrics struct {
	reg *prometheus.Registry

	requests *prometheus.CounterVec   // method, route, status
	duration *prometheus.HistogramVec // method, route

	bookings  *prometheus.CounterVec // kind
	conflicts *prometheus.CounterVec // route, reason

	signinFailures  prometheus.Counter
	signinThrottled prometheus.Counter

	socketsOpen   prometheus.Gauge
	queueClosures prometheus.Counter
	eventLag      prometheus.Histogram
}

// New returns a registry with the Go and process collectors and every Pair-Up metric.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pairup_http_requests_total",
			Help: "HTTP requests answered, by method, route template (unmatched for no route) and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "pairup_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route template (a WebSocket's is its lifetime).",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		bookings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pairup_bookings_total",
			Help: "Teams that got a lab slot, by how: create, change, move, hold, allocation.",
		}, []string{"kind"}),
		conflicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pairup_booking_conflicts_total",
			Help: "409 answers of booking routes, by route template and reason (the field at fault, or state).",
		}, []string{"route", "reason"}),
		signinFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pairup_signin_failures_total",
			Help: "Sign-ins (POST /api/tokens) refused with 401: a wrong student number or PIN, or none.",
		}),
		signinThrottled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pairup_signin_throttled_total",
			Help: "Sign-ins (POST /api/tokens) refused with 429: too many failures for the student number.",
		}),
		socketsOpen: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "pairup_sockets_open",
			Help: "WebSocket connections open on this instance.",
		}),
		queueClosures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "pairup_socket_queue_closures_total",
			Help: "WebSocket clients closed (1008) because their send queue overflowed: too slow to keep up.",
		}),
		eventLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "pairup_event_lag_seconds",
			Help:    "Time from an event's NOTIFY to this instance's hub having queued its pushes.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.bookings, m.conflicts,
		m.signinFailures, m.signinThrottled,
		m.socketsOpen, m.queueClosures, m.eventLag,
	)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the server's own registry.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Booked counts n teams that got a slot (service.Metrics).
func (m *Metrics) Booked(kind string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.bookings.WithLabelValues(kind).Add(float64(n))
}

// OnSocketOpen counts a WebSocket connection opened (realtime.Observer).
func (m *Metrics) OnSocketOpen() {
	if m != nil {
		m.socketsOpen.Inc()
	}
}

// OnSocketClose counts a WebSocket connection closed (realtime.Observer).
func (m *Metrics) OnSocketClose() {
	if m != nil {
		m.socketsOpen.Dec()
	}
}

// OnQueueClosure counts a client closed for a full send queue (realtime.Observer).
func (m *Metrics) OnQueueClosure() {
	if m != nil {
		m.queueClosures.Inc()
	}
}

// OnEventLag observes the time from an event's NOTIFY to its dispatch (realtime.Observer).
// Lags below zero (clocks of two instances apart) count as zero.
func (m *Metrics) OnEventLag(d time.Duration) {
	if m != nil {
		m.eventLag.Observe(max(d, 0).Seconds())
	}
}
