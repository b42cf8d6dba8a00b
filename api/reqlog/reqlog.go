// Package reqlog ties log lines to the request they were written for: a middleware puts the
// request's id and unit in its context, and a slog.Handler wrapper adds them to every record
// logged with that context (the ...Context logging methods).
package reqlog

import (
	"context"
	"log/slog"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/pairup/pairup/api/pairup"
)

// The attribute keys the handler adds.
const (
	RequestIDKey = "request_id"
	UnitKey      = "unit"
)

// DefaultUnit is the unit logged for the routes without /units/{unit}, which act in the default unit.
const DefaultUnit = "default"

type ctxKey int

const (
	requestIDKey ctxKey = iota
	unitKey
)

// WithRequestID returns ctx carrying the request's id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// WithUnit returns ctx carrying the unit the request acts in.
func WithUnit(ctx context.Context, unit string) context.Context {
	return context.WithValue(ctx, unitKey, unit)
}

// RequestID is the request id ctx carries, or "".
func RequestID(ctx context.Context) string { s, _ := ctx.Value(requestIDKey).(string); return s }

// Unit is the unit ctx carries, or "".
func Unit(ctx context.Context) string { s, _ := ctx.Value(unitKey).(string); return s }

// RequestIDConfig is Echo's RequestID middleware configuration that also puts the id in the
// request's context: middleware.RequestIDWithConfig(reqlog.RequestIDConfig()).
//
// A client's X-Request-ID is kept only when it is an id (1 to 64 letters, digits, '.', '_' or
// '-'); any other value is replaced by a generated one, so what lands in every log line is
// bounded.
func RequestIDConfig() middleware.RequestIDConfig {
	return middleware.RequestIDConfig{
		Skipper: func(c echo.Context) bool {
			if h := c.Request().Header; !ValidRequestID(h.Get(echo.HeaderXRequestID)) {
				h.Del(echo.HeaderXRequestID)
			}
			return false
		},
		RequestIDHandler: func(c echo.Context, id string) {
			c.SetRequest(c.Request().WithContext(WithRequestID(c.Request().Context(), id)))
		},
	}
}

// ValidRequestID reports whether a client's X-Request-ID may be kept: 1 to 64 characters of
// [A-Za-z0-9._-].
func ValidRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// TagUnit is a route middleware for the operations that act in a unit: it puts the {unit} path
// parameter in the request's context, or DefaultUnit on a route without one. A parameter that
// is not a unit code is left out (the request fails validation anyway).
func TagUnit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		unit := DefaultUnit
		if slices.Contains(c.ParamNames(), "unit") {
			unit = c.Param("unit")
		}
		if unit == DefaultUnit || pairup.ValidUnitCode(unit) {
			c.SetRequest(c.Request().WithContext(WithUnit(c.Request().Context(), unit)))
		}
		return next(c)
	}
}

// Handler wraps a slog.Handler, adding request_id and unit from the record's context unless the
// record or the logger already has them.
type Handler struct {
	next slog.Handler
	has  map[string]bool // keys set by WithAttrs
}

// NewHandler wraps next.
func NewHandler(next slog.Handler) *Handler { return &Handler{next: next} }

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if ctx == nil {
		return h.next.Handle(ctx, r)
	}
	add := func(key, value string) {
		if value == "" || h.has[key] {
			return
		}
		present := false
		r.Attrs(func(a slog.Attr) bool {
			present = a.Key == key
			return !present
		})
		if !present {
			r.AddAttrs(slog.String(key, value))
		}
	}
	add(RequestIDKey, RequestID(ctx))
	add(UnitKey, Unit(ctx))
	return h.next.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	has := make(map[string]bool, len(h.has)+len(attrs))
	for k := range h.has {
		has[k] = true
	}
	for _, a := range attrs {
		has[a.Key] = true
	}
	return &Handler{next: h.next.WithAttrs(attrs), has: has}
}

// WithGroup implements slog.Handler. The attributes from the context then go in the group.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), has: h.has}
}
