package metrics

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/pairup/pairup/api/pairup"
)

// Unmatched is the route label of requests no route of the API matched (the /api/* catch-all
// included), so made-up paths never become label values.
const Unmatched = "unmatched"

// bookingRoutes are the routes that book, move or queue for a slot: their 409s count as
// booking conflicts.
var bookingRoutes = map[string]bool{
	"POST /api/students/:id/project":             true,
	"PUT /api/students/:id/project":              true,
	"POST /api/units/:unit/students/:id/project": true,
	"PUT /api/units/:unit/students/:id/project":  true,
	"POST /api/units/:unit/projects":             true,
	"POST /api/units/:unit/projects/:pid/move":   true,
	"POST /api/units/:unit/labs/:lab/queue":      true,
	"POST /api/units/:unit/holds/:hid/accept":    true,
	"POST /api/units/:unit/allocation":           true,
}

// signinRoute is where sign-in failures (401) and throttles (429) are counted.
const signinRoute = "POST /api/tokens"

// Middleware counts and times every request by method, route template and status. Add it with
// Echo's Pre, outside the API's own middleware, so it sees every answer: an error still on its
// way is handed to the Echo's error handler here (as Echo itself would do next), so the status is
// the one the client gets. On a nil *Metrics it passes requests through.
func (m *Metrics) Middleware() echo.MiddlewareFunc {
	if m == nil {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	var (
		once   sync.Once
		routes map[string]bool
	)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil && !c.Response().Committed {
				c.Error(err)
			}
			// The routes are read once, at the first request: the server registers them all
			// before it serves.
			once.Do(func() { routes = routePaths(c.Echo()) })
			method := methodLabel(c.Request().Method)
			route := c.Path()
			if !routes[route] {
				route = Unmatched
			}
			status := c.Response().Status
			m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
			m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())

			key := method + " " + route
			switch {
			case key == signinRoute && status == http.StatusUnauthorized:
				m.signinFailures.Inc()
			case key == signinRoute && status == http.StatusTooManyRequests:
				m.signinThrottled.Inc()
			case status == http.StatusConflict && bookingRoutes[key]:
				m.conflicts.WithLabelValues(route, conflictReason(err)).Inc()
			}
			return err
		}
	}
}

// routePaths is every route template the Echo serves, without the /api/* catch-all that answers
// unknown API paths.
func routePaths(e *echo.Echo) map[string]bool {
	paths := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Path != "/api/*" && r.Path != "" {
			paths[r.Path] = true
		}
	}
	return paths
}

// methodLabel keeps the method label to the methods HTTP defines; anything else is OTHER.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// conflictReason is the field a conflict names (lab_id: the slot is full; hid: the hold is gone;
// partnerNumber: the partner is taken), with any index dropped (teams[3] is teams), or state
// when it names none (the window, the unit archived).
func conflictReason(err error) string {
	var de *pairup.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Field == "" {
		return "state"
	}
	field, _, _ := strings.Cut(de.Fields[0].Field, "[")
	return field
}
