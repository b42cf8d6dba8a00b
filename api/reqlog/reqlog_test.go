package reqlog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func TestHandlerAddsTheRequestsAttributes(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil)))
	ctx := WithUnit(WithRequestID(context.Background(), "rid-1"), "cits3403")
	entry := func(log func()) map[string]any {
		t.Helper()
		buf.Reset()
		log()
		if n := strings.Count(buf.String(), `"request_id"`); n > 1 {
			t.Errorf("request_id appears %d times: %s", n, buf.String())
		}
		if n := strings.Count(buf.String(), `"unit"`); n > 1 {
			t.Errorf("unit appears %d times: %s", n, buf.String())
		}
		var e map[string]any
		if err := json.Unmarshal(buf.Bytes(), &e); err != nil {
			t.Fatalf("%q: %v", buf.String(), err)
		}
		return e
	}

	e := entry(func() { logger.InfoContext(ctx, "hello", "n", 1) })
	if e["request_id"] != "rid-1" || e["unit"] != "cits3403" || e["n"] != 1.0 {
		t.Errorf("with a request's context: %v", e)
	}
	// Without one, nothing is added.
	e = entry(func() { logger.Info("hello") })
	if _, ok := e["request_id"]; ok {
		t.Errorf("without a request's context: %v", e)
	}
	if _, ok := e["unit"]; ok {
		t.Errorf("without a request's context: %v", e)
	}
	// What the line says itself wins, once.
	e = entry(func() { logger.InfoContext(ctx, "deleted", "unit", "other") })
	if e["unit"] != "other" || e["request_id"] != "rid-1" {
		t.Errorf("a line naming its unit: %v", e)
	}
	e = entry(func() { logger.With("request_id", "explicit").InfoContext(ctx, "x") })
	if e["request_id"] != "explicit" || e["unit"] != "cits3403" {
		t.Errorf("a logger With a request_id: %v", e)
	}
	// Only the unit when there is no request id (a background job's context, say).
	e = entry(func() { logger.InfoContext(WithUnit(context.Background(), "u1"), "x") })
	if e["unit"] != "u1" {
		t.Errorf("unit only: %v", e)
	}
	if _, ok := e["request_id"]; ok {
		t.Errorf("unit only: %v", e)
	}
	// Levels are the wrapped handler's.
	if logger.Enabled(ctx, slog.LevelDebug) {
		t.Error("debug enabled through the wrapper of an info handler")
	}
}

// TestClientRequestIDs: a client's X-Request-ID is kept when it is a plain id and replaced by a
// generated one otherwise, on a real Echo server with the middleware as the API installs it.
func TestClientRequestIDs(t *testing.T) {
	t.Parallel()
	e := echo.New()
	e.Use(middleware.RequestIDWithConfig(RequestIDConfig()))
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, RequestID(c.Request().Context())) })
	srv := httptest.NewServer(e)
	defer srv.Close()
	for id, kept := range map[string]bool{
		"abc-123_X.y":           true,
		strings.Repeat("a", 64): true,
		strings.Repeat("a", 65): false,
		"two words":             false,
		"new\u00e9":             false,
		"":                      false,
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		if id != "" {
			req.Header.Set(echo.HeaderXRequestID, id)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got := resp.Header.Get(echo.HeaderXRequestID)
		if kept != (got == id) || string(body) != got || !ValidRequestID(got) {
			t.Errorf("client id %q: answered %q (logged as %q), kept %v", id, got, body, kept)
		}
	}
}
