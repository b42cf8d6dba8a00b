package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// TestErrorHandlerUnavailable: whatever wraps it, an error of a database that does not answer
// is a 503 problem with Retry-After: 2, logged as a warning and not as a fault; a cancelled
// caller and a plain io.EOF are not outages.
func TestErrorHandlerUnavailable(t *testing.T) {
	ctx := context.Background()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "postgres://postgres@" + ln.Addr().String() + "/postgres?sslmode=disable&connect_timeout=5"
	ln.Close()
	_, connectErr := pgx.Connect(ctx, closed)
	pool, err := pgxpool.New(ctx, closed)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	_, storeErr := store.New(pool).Person(ctx, "30000000")

	for _, c := range []struct {
		name   string
		err    error
		status int
		detail string
	}{
		{"store error wrapped by a use case", fmt.Errorf("verify token: %w", storeErr), 503, "the database does not answer; try again shortly"},
		{"driver error wrapped twice", fmt.Errorf("sign in: %w", fmt.Errorf("reserve: %w", connectErr)), 503, "the database does not answer; try again shortly"},
		{"challenge around a store error", bearerChallenge(storeErr), 503, "the database does not answer; try again shortly"},
		{"readiness", &pairup.Error{Code: pairup.EUNAVAILABLE, Message: "the event feed is down"}, 503, "the event feed is down"},
		{"cancelled caller", fmt.Errorf("get project: %w", context.Canceled), 500, ""},
		{"plain io.EOF", fmt.Errorf("read frame: %w", io.EOF), 500, ""},
		{"not found", pairup.Errorf(pairup.ENOTFOUND, "no such project"), 404, "no such project"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, nil))
			e := echo.New()
			rec := httptest.NewRecorder()
			ectx := e.NewContext(httptest.NewRequest(http.MethodGet, "/api/projects", nil), rec)
			errorHandler(logger)(c.err, ectx)

			if rec.Code != c.status {
				t.Fatalf("status %d, want %d (body %s)", rec.Code, c.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p problem
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != c.status {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if c.detail != "" && p.Detail != c.detail {
				t.Errorf("detail %q, want %q", p.Detail, c.detail)
			}
			retry := rec.Header().Get("Retry-After")
			switch {
			case c.status == 503 && retry != "2":
				t.Errorf("Retry-After %q, want 2", retry)
			case c.status != 503 && retry != "":
				t.Errorf("Retry-After %q on a %d", retry, c.status)
			}
			logged := logs.String()
			switch {
			case c.status == 503 && strings.Contains(logged, "level=ERROR"):
				t.Errorf("an outage was logged as a fault: %s", logged)
			case c.status == 503 && !errors.Is(c.err, store.ErrUnavailable) && c.name != "readiness" && c.name != "driver error wrapped twice":
				t.Errorf("%v does not carry store.ErrUnavailable", c.err)
			case c.status == 500 && !strings.Contains(logged, "level=ERROR"):
				t.Errorf("a fault was not logged: %q", logged)
			}
		})
	}
}
