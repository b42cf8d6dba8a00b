package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// opsTLog keeps what the server logs (and shows it in the test log too).
type opsTLog struct {
	t  *testing.T
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *opsTLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.b.Write(p)
	l.mu.Unlock()
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (l *opsTLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimRight(l.b.String(), "\n"), "\n")
}

// opsTStartLogged is startServer with the server's log written to w.
func opsTStartLogged(t *testing.T, dbURL string, env map[string]string, w io.Writer) *testServer {
	t.Helper()
	getenv := func(k string) string {
		switch k {
		case "DATABASE_URL":
			if strings.Contains(dbURL, "?") {
				return dbURL + "&pool_max_conns=8"
			}
			return dbURL + "?pool_max_conns=8"
		case "PAIRUP_ADDR":
			return "127.0.0.1:0"
		}
		return env[k]
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve"}, getenv, stdoutW, w)
		stdoutW.CloseWithError(fmt.Errorf("server stopped: %v", err))
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server shut down with error: %v", err)
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "pairup: serving on "); ok {
				addr <- u
			}
		}
		close(addr)
	}()
	select {
	case u, ok := <-addr:
		if !ok {
			t.Fatal("server did not start")
		}
		return &testServer{URL: u, Client: apitest.New(t, u)}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not report its address within 30s")
		return nil
	}
}

// opsTEntry finds the JSON log line with the message whose request_id is id.
func opsTEntry(t *testing.T, log *opsTLog, msg, id string) map[string]any {
	t.Helper()
	var found map[string]any
	ccTEventually(t, fmt.Sprintf("a %q log line of request %s", msg, id), func() bool {
		for _, line := range log.lines() {
			var e map[string]any
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("PAIRUP_LOG_FORMAT=json wrote a line that is not JSON: %q", line)
			}
			if e["msg"] == msg && e["request_id"] == id {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

func TestOpsLogJSONCarriesRequestAndUnit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 1)
	ctx := context.Background()
	const code = "ops-log"
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: code, Title: "Ops", Timezone: "UTC", TeamMin: 2, TeamMax: 2}); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, code, testfactory.Person{Number: adminNumber, Name: "Coordinator", Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	log := &opsTLog{t: t}
	s := opsTStartLogged(t, f.DBURL, map[string]string{"PAIRUP_LOG_FORMAT": "json"}, log)
	coord := signIn(t, s, adminNumber)
	student := signIn(t, s, studentNumber(0))

	check := func(r *apitest.Response, status int, msg, unit string) {
		t.Helper()
		if r.Status != status {
			t.Fatalf("%d %s, want %d", r.Status, r.Body, status)
		}
		id := r.Header.Get("X-Request-ID")
		if id == "" {
			t.Fatal("no X-Request-ID on the response")
		}
		e := opsTEntry(t, log, msg, id)
		if got, _ := e["unit"].(string); got != unit {
			t.Errorf("%q line of request %s: unit %q, want %q (%v)", msg, id, got, unit, e)
		}
	}
	// A unit's route, the default unit's route without /units/{unit}, a refusal before the
	// token is checked, and a route of no unit.
	check(s.Client.Do(t, "GET", "/api/units/"+code+"/projects", coord, nil), 200, "request", code)
	check(s.Client.Do(t, "GET", "/api/projects", student, nil), 200, "request", "default")
	check(s.Client.Do(t, "GET", "/api/units/"+code+"/projects", nil, nil), 401, "request", code)
	check(s.Client.Do(t, "GET", "/api/me", student, nil), 200, "request", "")
	// A line the use case writes itself, with the request's context: its request id comes from
	// the context, not from the access log.
	check(s.Client.Do(t, "DELETE", "/api/units/"+code+"?confirm="+code, coord, nil), 204, "unit deleted", code)
}

func TestOpsLogFormat(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"xml", "JSONL", "1"} {
		_, err := loadConfig(func(k string) string {
			if k == "PAIRUP_LOG_FORMAT" {
				return v
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "PAIRUP_LOG_FORMAT") {
			t.Errorf("PAIRUP_LOG_FORMAT=%s: %v, want an error naming the variable", v, err)
		}
	}
	for v, want := range map[string]string{"": "text", "text": "text", "json": "json", "JSON": "json"} {
		cfg, err := loadConfig(func(k string) string {
			if k == "PAIRUP_LOG_FORMAT" {
				return v
			}
			return ""
		})
		if err != nil || cfg.Ops.LogFormat != want {
			t.Errorf("PAIRUP_LOG_FORMAT=%q: %q, %v; want %q", v, cfg.Ops.LogFormat, err, want)
		}
	}
	// The text format is key=value; JSON one object a line.
	var text, js bytes.Buffer
	newLogger(&text, config{Ops: opsConfig{LogFormat: "text"}}).Info("hello", "n", 1)
	newLogger(&js, config{Ops: opsConfig{LogFormat: "json"}}).Info("hello", "n", 1)
	if !strings.Contains(text.String(), "msg=hello n=1") {
		t.Errorf("text log line %q", text.String())
	}
	var e map[string]any
	if err := json.Unmarshal(js.Bytes(), &e); err != nil || e["msg"] != "hello" || e["n"] != 1.0 {
		t.Errorf("json log line %q: %v", js.String(), err)
	}
}
