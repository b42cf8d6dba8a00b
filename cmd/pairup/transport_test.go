package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/pairup/pairup/api/httpapi"
	"github.com/pairup/pairup/api/web"
	"github.com/pairup/pairup/internal/apitest"
)

// Bad transport settings stop the program before it serves, naming the variable; good ones are
// read as documented.
func TestTransportConfig(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cfg, err := loadConfig(env())
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Transport; got.ReadHeaderTimeout != 10*time.Second || got.MaxSocketsPerPerson != 8 || got.CORSOrigins != nil {
		t.Fatalf("defaults: %+v, want 10s, 8 sockets, no CORS origins", got)
	}
	cfg, err = loadConfig(env("PAIRUP_READ_HEADER_TIMEOUT", "300ms", "PAIRUP_MAX_SOCKETS_PER_PERSON", "3",
		"PAIRUP_CORS_ORIGINS", " https://App.Example.edu , http://localhost:5173,,http://[::1]:8080,"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://app.example.edu", "http://localhost:5173", "http://[::1]:8080"}
	if got := cfg.Transport; got.ReadHeaderTimeout != 300*time.Millisecond || got.MaxSocketsPerPerson != 3 || !slices.Equal(got.CORSOrigins, want) {
		t.Fatalf("set: %+v, want 300ms, 3 sockets, origins %q", got, want)
	}

	bad := map[string][]string{
		"PAIRUP_READ_HEADER_TIMEOUT":    {"-1s", "0", "0s", "soon", "10"},
		"PAIRUP_MAX_SOCKETS_PER_PERSON": {"0", "-3", "many", "2.5"},
		"PAIRUP_CORS_ORIGINS": {"*", "https://app.example.edu,*", "https://*.example.edu", "app.example.edu",
			"localhost:5173", "ftp://app.example.edu", "https://app.example.edu/", "https://app.example.edu/path",
			"https://u@app.example.edu", "https://app.example.edu?x=1", "https://app.example.edu#x",
			"https://app.example.edu:", "https://app.example.edu:99999", "null", "https://"},
	}
	for name, values := range bad {
		for _, v := range values {
			_, err := loadConfig(env(name, v))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s=%q: error %v, want one naming %s", name, v, err, name)
			}
			if name == "PAIRUP_CORS_ORIGINS" && strings.Contains(v, "*") && (err == nil || !strings.Contains(err.Error(), "wildcard")) {
				t.Errorf("%s=%q: error %v, want it to refuse the wildcard", name, v, err)
			}
		}
	}
	// The program itself refuses to start.
	err = run(context.Background(), []string{"serve"}, env("PAIRUP_CORS_ORIGINS", "*"), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "PAIRUP_CORS_ORIGINS") {
		t.Fatalf("serve with PAIRUP_CORS_ORIGINS=*: %v, want a refusal naming the variable", err)
	}
}

// A client that trickles its headers is cut off once PAIRUP_READ_HEADER_TIMEOUT has passed,
// while an ordinary request is served.
func TestTransportReadHeaderTimeout(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_READ_HEADER_TIMEOUT": "300ms"})
	if r := s.Client.Do(t, "GET", "/api/health", nil, nil); r.Status != 200 {
		t.Fatalf("GET /api/health: %d %s", r.Status, r.Body)
	}

	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /api/health HTTP/1.1\r\nHost: pairup\r\n"); err != nil {
		t.Fatal(err)
	}
	// One byte of a header every 100ms: 200 of them would take 20s, far beyond the deadline.
	header := "X-Trickle: " + strings.Repeat("a", 200)
	stop := make(chan struct{})
	trickled := make(chan int, 1)
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		sent := 0
		defer func() { trickled <- sent }()
		for sent < len(header) {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte{header[sent]}); err != nil {
				return
			}
			sent++
		}
	}()
	// Well under the default of 10s: only the configured timeout can end the connection in time.
	start := time.Now()
	if err := conn.SetReadDeadline(start.Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	elapsed := time.Since(start)
	close(stop)
	sent := <-trickled
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("the connection was still open after %v with %d header bytes trickled", elapsed, sent)
	case err != nil && !errors.Is(err, syscall.ECONNRESET):
		t.Fatalf("read: %v, want the connection closed", err)
	case bytes.Contains(got, []byte(" 200 ")):
		t.Fatalf("the trickled request was answered: %q", got)
	case sent >= len(header):
		t.Fatalf("the whole header was sent before the connection closed")
	}
	t.Logf("closed after %v, %d header bytes trickled", elapsed, sent)
}

// wsTransportDial opens /api/ws for a token without waiting for anything, as a browser would.
func wsTransportDial(s *testServer, tok apitest.Bearer) (*websocket.Conn, *http.Response, error) {
	return dialWSRaw(s, []string{"pairup.v1", "bearer." + string(tok)})
}

// wsTransportRefused checks that a handshake was refused with 429 problem+json before upgrading.
func wsTransportRefused(t *testing.T, resp *http.Response, err error, max int) {
	t.Helper()
	if err == nil {
		t.Fatalf("handshake over the cap of %d succeeded", max)
	}
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("handshake over the cap: status %d (%v), want 429", status, err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("429 Content-Type %q, want application/problem+json", ct)
	}
	var p apitest.Problem
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &p); err != nil || p.Status != 429 || !strings.Contains(p.Detail, strconv.Itoa(max)+" live connections") {
		t.Fatalf("429 body %s, want a problem naming the cap of %d", body, max)
	}
}

// One person holds at most PAIRUP_MAX_SOCKETS_PER_PERSON sockets on an instance: the next
// handshake gets 429, closing one frees a place, other people are not affected, and the cap
// holds when handshakes race.
func TestTransportSocketsPerPerson(t *testing.T) {
	t.Parallel()
	const max, students = 3, 7
	f := newFixture(t, students, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_MAX_SOCKETS_PER_PERSON": strconv.Itoa(max)})

	tok := signIn(t, s, studentNumber(0))
	var held []*wsConn
	for range max {
		held = append(held, dialWS(t, s, tok))
	}
	_, resp, err := wsTransportDial(s, tok)
	wsTransportRefused(t, resp, err, max)
	// Another person still connects.
	other := dialWS(t, s, signIn(t, s, studentNumber(1)))
	other.wsTQuiet("another person's socket")
	// Closing one frees a place once the server has seen it go: poll until a handshake succeeds.
	if err := held[0].conn.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatalf("close: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		c, resp, err := wsTransportDial(s, tok)
		if err == nil {
			t.Cleanup(func() { c.CloseNow() })
			break
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("handshake after a close: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed socket still counted after 10s")
		}
		<-tick.C
	}
	_, resp, err = wsTransportDial(s, tok)
	wsTransportRefused(t, resp, err, max)

	// max+5 handshakes at once: exactly max upgrade, the rest get 429. A race shows only now
	// and then, so a few people try, each once.
	for i := 2; i < students; i++ {
		wsTransportRace(t, s, signIn(t, s, studentNumber(i)), max)
	}
}

// wsTransportRace makes max+5 handshakes with one token at once and checks that exactly max
// upgrade and the rest get 429.
func wsTransportRace(t *testing.T, s *testServer, tok apitest.Bearer, max int) {
	t.Helper()
	start := make(chan struct{})
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		upgraded, refused int
		unexpected        []string
	)
	for range max + 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, resp, err := wsTransportDial(s, tok)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				upgraded++
				t.Cleanup(func() { c.CloseNow() }) // held until the test ends
			case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
				refused++
			default:
				unexpected = append(unexpected, err.Error())
			}
		}()
	}
	close(start)
	wg.Wait()
	if upgraded != max || refused != 5 || len(unexpected) > 0 {
		t.Fatalf("%d concurrent handshakes: %d upgraded, %d refused with 429, others %q; want %d and 5",
			max+5, upgraded, refused, unexpected, max)
	}
}

// The server never negotiates permessage-deflate, serves frames up to 16 KiB, and closes a
// socket sent a bigger one with 1009.
func TestTransportFrames(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	s := startServer(t, f.DBURL, nil)
	tok := signIn(t, s, studentNumber(0))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/ws", &websocket.DialOptions{
		Subprotocols:    []string{"pairup.v1", "bearer." + string(tok)},
		CompressionMode: websocket.CompressionContextTakeover, // offers permessage-deflate
	})
	if err != nil {
		t.Fatalf("dial offering permessage-deflate: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if ext := resp.Header.Values("Sec-WebSocket-Extensions"); len(ext) > 0 {
		t.Fatalf("the server accepted extensions %q, want none", ext)
	}
	w := &wsConn{t: t, conn: c, ctx: context.Background()}
	w.expect("ready")

	// Exactly 16 KiB: served (a join, padded with whitespace).
	const minimal = `{"type":"join","room":"lobby"}`
	join := `{"type":"join",` + strings.Repeat(" ", 16<<10-len(minimal)) + `"room":"lobby"}`
	w.send(join)
	if f := w.expect("history"); f.Room != "lobby" {
		t.Fatalf("padded join answered %s", f.Raw)
	}
	// 64 KiB: closed with 1009, message too big.
	w.send(`{"type":"text","room":"lobby","msg":"` + strings.Repeat("a", 64<<10) + `"}`)
	if code, _ := w.wsTClosed(time.Now().Add(10 * time.Second)); code != websocket.StatusMessageTooBig {
		t.Fatalf("oversized frame: closed with %d, want 1009", code)
	}
	// One byte over 16 KiB is too big already.
	w = dialWS(t, s, tok)
	w.send(`{"type":"join",` + strings.Repeat(" ", 16<<10+1-len(minimal)) + `"room":"lobby"}`)
	if code, _ := w.wsTClosed(time.Now().Add(10 * time.Second)); code != websocket.StatusMessageTooBig {
		t.Fatalf("frame of 16 KiB + 1: closed with %d, want 1009", code)
	}
}

// wsTransportUpgrade asks for a WebSocket upgrade by hand, so a test can leave out a part.
func wsTransportUpgrade(req *http.Request, protocols string) {
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	if protocols != "" {
		req.Header.Set("Sec-WebSocket-Protocol", protocols)
	}
}

// Every kind of response carries the security headers: API answers and problems, unknown
// routes and methods inside and outside the API, the SPA and its files, the reference page, and
// refused WebSocket handshakes.
func TestTransportSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"index.html":               "<!doctype html><title>Pair-Up</title>",
		"assets/app-abc123.js":     "console.log(1)",
		"docs/redoc.standalone.js": "/* redoc */",
	} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"PAIRUP_WEB_DIR": dir, "PAIRUP_MAX_SOCKETS_PER_PERSON": "1"}
	spa := startServer(t, f.DBURL, env)
	bare := startServer(t, f.DBURL, map[string]string{"PAIRUP_WEB_DIR": t.TempDir()}) // no SPA built
	tok := signIn(t, spa, studentNumber(0))
	student := studentNumber(0)

	// The one socket student 1 may hold, and the handshake over the cap.
	tok1 := signIn(t, spa, studentNumber(1))
	held, upgrade, err := wsTransportDial(spa, tok1)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { held.CloseNow() })
	_, overCap, err := wsTransportDial(spa, tok1)
	wsTransportRefused(t, overCap, err, 1)

	const (
		api  = web.APIContentSecurityPolicy
		page = web.ContentSecurityPolicy
		docs = httpapi.DocsContentSecurityPolicy
	)
	cases := []struct {
		name         string
		server       *testServer
		method, path string
		prepare      func(*http.Request)
		body         string
		status       int
		csp          string
	}{
		{"200 JSON", spa, "GET", "/api/health", nil, "", 200, api},
		{"HEAD", spa, "HEAD", "/api/health", nil, "", 200, api},
		{"200 JSON with a token", spa, "GET", "/api/labs", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+string(tok)) }, "", 200, api},
		{"400 problem", spa, "POST", "/api/students/" + student + "/project", func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+string(tok))
			r.Header.Set("Content-Type", "application/json")
		}, "{", 400, api},
		{"401", spa, "GET", "/api/labs", nil, "", 401, api},
		{"404 unknown API path", spa, "GET", "/api/no-such-thing", nil, "", 404, api},
		{"405 API method", spa, "DELETE", "/api/health", nil, "", 405, api},
		{"405 outside the API", spa, "POST", "/projects", nil, "", 405, page},
		{"404 unknown path, no SPA", bare, "GET", "/projects", nil, "", 404, page},
		{"404 unknown API path, no SPA", bare, "GET", "/api/no-such-thing", nil, "", 404, api},
		{"SPA index", spa, "GET", "/", nil, "", 200, page},
		{"SPA route", spa, "GET", "/my/project", nil, "", 200, page},
		{"SPA asset", spa, "GET", "/assets/app-abc123.js", nil, "", 200, page},
		{"SPA missing asset", spa, "GET", "/assets/missing.js", nil, "", 404, page},
		{"reference page", spa, "GET", "/api/docs", nil, "", 200, docs},
		{"contract", spa, "GET", "/api/openapi.yaml", nil, "", 200, api},
		{"ws refusal: no token", spa, "GET", "/api/ws", func(r *http.Request) { wsTransportUpgrade(r, "pairup.v1") }, "", 401, api},
		{"ws refusal: not a WebSocket", spa, "GET", "/api/ws", func(r *http.Request) {
			r.Header.Set("Sec-WebSocket-Protocol", "pairup.v1, bearer."+string(tok))
		}, "", 400, api},
		{"ws refusal: no key", spa, "GET", "/api/ws", func(r *http.Request) {
			wsTransportUpgrade(r, "pairup.v1, bearer."+string(tok)) // no Sec-WebSocket-Key: the library refuses
		}, "", 400, api},
	}
	check := func(name string, status int, h http.Header, wantStatus int, csp string) {
		t.Helper()
		if status != wantStatus {
			t.Errorf("%s: status %d, want %d", name, status, wantStatus)
		}
		for header, want := range map[string]string{
			"X-Content-Type-Options":     "nosniff",
			"Referrer-Policy":            "no-referrer",
			"Cross-Origin-Opener-Policy": "same-origin",
			"Content-Security-Policy":    csp,
		} {
			if got := h.Values(header); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %s %q, want %q", name, header, got, want)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s: the policy lets other sites frame the page", name)
		}
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, c.server.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.prepare != nil {
			c.prepare(req)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		resp.Body.Close()
		check(c.name, resp.StatusCode, resp.Header, c.status, c.csp)
	}
	// A 101 is no document: it carries none of them (and so stays the same few bytes).
	if upgrade.StatusCode != http.StatusSwitchingProtocols || upgrade.Header.Get("Cross-Origin-Opener-Policy") != "" {
		t.Errorf("ws upgrade: %d with %q", upgrade.StatusCode, upgrade.Header)
	}
	check("ws refusal: over the cap", overCap.StatusCode, overCap.Header, http.StatusTooManyRequests, api)
}

// corsHeaders lists the Access-Control-* headers of a response.
func corsHeaders(h http.Header) []string {
	var got []string
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			got = append(got, k+": "+strings.Join(v, ", "))
		}
	}
	slices.Sort(got)
	return got
}

// CORS is closed unless PAIRUP_CORS_ORIGINS lists origins: then exactly those get answers
// they may read, and preflights for the API's methods and headers; any other origin gets
// nothing, so browsers refuse.
func TestTransportCORS(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	const listed, local = "https://app.example.edu", "http://localhost:5173"
	closed := startServer(t, f.DBURL, nil)
	open := startServer(t, f.DBURL, map[string]string{"PAIRUP_CORS_ORIGINS": listed + ", " + local})
	tok := signIn(t, open, studentNumber(0))

	do := func(s *testServer, method, path, origin string, headers ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, s.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		for i := 0; i < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	preflight := func(s *testServer, origin string) *http.Response {
		t.Helper()
		return do(s, "OPTIONS", "/api/students/"+studentNumber(0)+"/project", origin,
			"Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "authorization, content-type, if-none-match")
	}
	bearer := "Bearer " + string(tok)

	// Closed: nothing for anyone, preflights included.
	for _, origin := range []string{listed, "https://evil.example"} {
		for name, resp := range map[string]*http.Response{
			"GET":       do(closed, "GET", "/api/labs", origin, "Authorization", bearer),
			"401":       do(closed, "GET", "/api/labs", origin),
			"preflight": preflight(closed, origin),
		} {
			if got := corsHeaders(resp.Header); len(got) > 0 {
				t.Errorf("closed, %s from %s: %q, want no CORS headers", name, origin, got)
			}
		}
	}

	// Open: a listed origin may read answers, errors included.
	for _, origin := range []string{listed, local} {
		for name, resp := range map[string]*http.Response{
			"GET": do(open, "GET", "/api/labs", origin, "Authorization", bearer),
			"401": do(open, "GET", "/api/labs", origin),
		} {
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
				t.Errorf("open, %s from %s: Access-Control-Allow-Origin %q, want it echoed", name, origin, got)
			}
			if !slices.Contains(resp.Header.Values("Vary"), "Origin") {
				t.Errorf("open, %s from %s: Vary %q, want Origin", name, origin, resp.Header.Values("Vary"))
			}
			if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("open, %s from %s: credentials allowed, want bearer tokens only", name, origin)
			}
			if !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
				t.Errorf("open, %s from %s: Access-Control-Expose-Headers %q, want ETag among them", name, origin,
					resp.Header.Get("Access-Control-Expose-Headers"))
			}
		}
		resp := preflight(open, origin)
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("open, preflight from %s: %d %q, want 204 with the origin echoed", origin, resp.StatusCode, corsHeaders(resp.Header))
		}
		methods := strings.Split(resp.Header.Get("Access-Control-Allow-Methods"), ",")
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if !slices.Contains(methods, m) {
				t.Errorf("open, preflight from %s: Access-Control-Allow-Methods %q lacks %s", origin, methods, m)
			}
		}
		allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
		for _, h := range []string{"authorization", "content-type", "if-none-match"} {
			if !strings.Contains(allowed, h) {
				t.Errorf("open, preflight from %s: Access-Control-Allow-Headers %q lacks %s", origin, allowed, h)
			}
		}
		if age, err := strconv.Atoi(resp.Header.Get("Access-Control-Max-Age")); err != nil || age <= 0 {
			t.Errorf("open, preflight from %s: Access-Control-Max-Age %q, want a positive number", origin, resp.Header.Get("Access-Control-Max-Age"))
		}
		if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("open, preflight from %s: credentials allowed", origin)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("open, preflight from %s: no security headers", origin)
		}
	}

	// Open: any other origin, however close to a listed one, gets nothing.
	u, _ := url.Parse(listed)
	for _, origin := range []string{"https://evil.example", "http://" + u.Host, listed + ".evil.example",
		"https://sub." + u.Host, listed + ":8443", "null"} {
		for name, resp := range map[string]*http.Response{
			"GET":       do(open, "GET", "/api/labs", origin, "Authorization", bearer),
			"preflight": preflight(open, origin),
		} {
			if got := corsHeaders(resp.Header); len(got) > 0 {
				t.Errorf("open, %s from unlisted %s: %q, want no CORS headers", name, origin, got)
			}
		}
	}
}
