//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/pairup/pairup/internal/apitest"
)

// TestProxy runs two real `pairup serve` processes on one database behind Debian's nginx with
// the repository's deploy/nginx.conf (adapted to loopback by proxy_harness_test.go), and stops
// one of them under load: killed, then drained. No request may fail on the way: nginx's
// proxy_next_upstream sends what the stopped instance could not answer to the other one.
func TestProxy(t *testing.T) {
	t.Parallel()
	nginx := nginxBinary(t)
	bin := buildPairup(t)
	t.Run("Kill", func(t *testing.T) { proxyKill(t, bin, nginx) })
	t.Run("Drain", func(t *testing.T) { proxyDrain(t, bin, nginx) })
}

// proxyKill: under a read load, SIGKILL one instance. Every GET answers 200 across the kill and
// after it; the sockets that were on the killed instance end, come back through nginx on the
// survivor, and get pushes there.
func proxyKill(t *testing.T, bin, nginx string) {
	f := newFixture(t, 6, 2)
	a := startInstance(t, bin, "A", f.DBURL)
	b := startInstance(t, bin, "B", f.DBURL)
	px := startNginx(t, nginx, a, b)
	api := &testServer{URL: px.URL, Client: apitest.New(t, px.URL)}

	readerTok := signIn(t, api, studentNumber(0))
	var watcherToks []apitest.Bearer
	for i := 2; i < 6; i++ {
		watcherToks = append(watcherToks, signIn(t, api, studentNumber(i)))
	}
	// Dialled one after another with nothing else going through nginx: its round robin puts two
	// on each instance.
	var socks []*proxySocket
	for _, tok := range watcherToks {
		socks = append(socks, dialProxySocket(t, px.URL, tok))
	}

	l := newLoad(t, px.URL)
	for range 4 {
		l.reader(readerTok)
	}
	waitFor(t, "100 answers before the kill", 30*time.Second, func() bool { return l.ok.Load() >= 100 })
	a.signal(t, syscall.SIGKILL)
	a.wait(t, 10*time.Second)
	atKill := l.ok.Load()
	servedByA := a.requests(t, "GET", "/api/projects") + a.requests(t, "GET", "/api/labs")
	if servedByA == 0 {
		t.Fatal("A answered none of the load before the kill: the load did not go through both instances")
	}

	// The sockets on A end; those on B stay open.
	ended := func() (n int) {
		for _, s := range socks {
			if s.ended() != nil {
				n++
			}
		}
		return n
	}
	waitFor(t, "two sockets end with A", 10*time.Second, func() bool { return ended() >= 2 })
	for i, s := range socks {
		if s.ended() == nil && !s.probe(t) {
			t.Fatalf("socket %d ended after the kill although it did not end with A", i)
		}
	}
	if n := ended(); n != 2 {
		t.Fatalf("%d of %d sockets ended with A, want 2 (round robin puts half on each)", n, len(socks))
	}
	// Their clients dial again, through nginx, and land on B.
	for i, s := range socks {
		if s.ended() != nil {
			socks[i] = dialProxySocket(t, px.URL, watcherToks[i])
		}
	}

	waitFor(t, "300 more answers after the kill", 30*time.Second, func() bool { return l.ok.Load() >= atKill+300 })
	// A change through the API reaches every socket, the redialled ones included.
	p := createProject(t, api, readerTok, studentNumber(0), studentNumber(1), f.Labs[0].ID)
	for i, s := range socks {
		if !s.pushedProject(t, p.Pid) {
			t.Fatalf("socket %d ended before the push of project %d: %v", i, p.Pid, s.ended())
		}
	}
	l.stop()

	counts, failures := l.report()
	t.Logf("answers: %v (%d before the kill, A served %d of the load)", counts, atKill, servedByA)
	if len(failures) > 0 {
		t.Fatalf("%d requests failed across the kill, want none:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	checkCounts(t, counts, l.ok.Load(), "GET /api/projects 200", "GET /api/labs 200")
	if n := b.requests(t, "GET", "/api/projects"); n == 0 {
		t.Error("B answered none of the load")
	}
	// nginx met the dead instance and passed the requests on: the load did not just miss A.
	if log := readFile(px.errorLog); !strings.Contains(log, "upstream: \"http://"+a.Addr) {
		t.Errorf("nginx's error log names no failed request to A (%s), so nothing was retried:\n%s", a.Addr, log)
	}
}

// proxyDrain: under reads and writes (teams formed and dissolved), SIGTERM one instance. Two
// creates are held in the database by a lock the test takes, one on each instance: the
// draining instance stops taking connections but finishes its held request, and nginx sends
// the load to the other one meanwhile. The instance exits 0 within its shutdown window, no
// request fails, every write has the answer it should, and the survivor serves on; the socket
// on the drained instance closes with 1001 and comes back on the survivor.
func proxyDrain(t *testing.T, bin, nginx string) {
	const writers = 3
	ctx := context.Background()
	// Students: writer pairs, then two held pairs, the reader, the watcher. Slots: one per
	// writer, then one per held pair.
	heldCreator := func(i int) string { return studentNumber(2*writers + 2*i) }
	heldPartner := func(i int) string { return studentNumber(2*writers + 2*i + 1) }
	f := newFixture(t, 2*writers+6, writers+2)
	heldLabs := []int64{f.Labs[writers].ID, f.Labs[writers+1].ID}
	a := startInstance(t, bin, "A", f.DBURL)
	b := startInstance(t, bin, "B", f.DBURL)
	px := startNginx(t, nginx, a, b)
	api := &testServer{URL: px.URL, Client: apitest.New(t, px.URL)}

	readerTok := signIn(t, api, studentNumber(2*writers+4))
	watcherTok := signIn(t, api, studentNumber(2*writers+5))
	var creatorToks, heldToks []apitest.Bearer
	for i := range writers {
		creatorToks = append(creatorToks, signIn(t, api, studentNumber(2*i)))
	}
	for i := range 2 {
		heldToks = append(heldToks, signIn(t, api, heldCreator(i)))
	}
	// One socket on each instance (round robin).
	socks := []*proxySocket{dialProxySocket(t, px.URL, watcherTok), dialProxySocket(t, px.URL, watcherTok)}

	// The held creates: booking a slot updates its row, which the test locks. Sent one after
	// the other with nothing else going through nginx, one goes to each instance.
	tx, err := f.Store.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) // released below; this one is for a failure before then
	if _, err := tx.Exec(ctx, "SELECT id FROM lab_slots WHERE id = ANY($1) FOR UPDATE", heldLabs); err != nil {
		t.Fatal(err)
	}
	waiting := func() int {
		var n int
		if err := f.Store.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			t.Error(err)
		}
		return n
	}
	held := make(chan string, 2)
	heldClient := &http.Client{Timeout: 30 * time.Second}
	t.Cleanup(heldClient.CloseIdleConnections)
	for i := range 2 {
		go func() {
			path := "/api/students/" + heldCreator(i) + "/project"
			status, err := sendJSON(heldClient, "POST", px.URL+path, heldToks[i],
				map[string]any{"partnerNumber": heldPartner(i), "description": "Held create", "lab_id": heldLabs[i]})
			if err != nil || status != 201 {
				held <- fmt.Sprintf("held POST %s: %d %v, want 201", path, status, err)
				return
			}
			held <- ""
		}()
		waitFor(t, fmt.Sprintf("held create %d waits for the lock", i), 10*time.Second, func() bool { return waiting() == i+1 })
	}

	l := newLoad(t, px.URL)
	for range 2 {
		l.reader(readerTok)
	}
	var inTeam []func() bool
	for i := range writers {
		inTeam = append(inTeam, l.writer(creatorToks[i], studentNumber(2*i), studentNumber(2*i+1), f.Labs[i].ID))
	}
	waitFor(t, "100 answers before the drain", 30*time.Second, func() bool { return l.ok.Load() >= 100 })
	a.signal(t, syscall.SIGTERM)
	drainStart := time.Now()
	// A stops taking connections at once, but does not exit while it has a request to finish.
	waitFor(t, "A closes its listener", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", a.Addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	atClose := l.ok.Load()
	waitFor(t, "100 answers while A drains", 30*time.Second, func() bool { return l.ok.Load() >= atClose+100 })
	if a.exited() {
		t.Fatalf("A exited (%v) with a request in flight", a.state)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case msg := <-held:
			if msg != "" {
				t.Fatal(msg)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("a held create did not finish within 20s of the lock's release")
		}
	}
	// serve.go gives in-flight requests 15 s; a little more for the rest of the shutdown.
	state := a.wait(t, 20*time.Second)
	if state.ExitCode() != 0 {
		t.Fatalf("A exited with %v after SIGTERM, want 0", state)
	}
	drained := time.Since(drainStart)
	atExit := l.ok.Load()
	writesByA := a.requests(t, "POST", "/api/students/") + a.requests(t, "DELETE", "/api/students/")
	if writesByA == 0 {
		t.Fatal("A answered none of the writes before the drain: the load did not go through both instances")
	}
	// One held create was A's, finished during the drain; the other was B's.
	for i, inst := range []*instance{a, b} {
		n := 0
		for h := range 2 {
			n += inst.requests(t, "POST", "/api/students/"+heldCreator(h)+"/project status=201")
		}
		if n != 1 {
			t.Errorf("%s answered %d of the held creates with 201, want 1", []string{"A", "B"}[i], n)
		}
	}

	// A closed its socket with 1001 (going away); the one on B is open.
	var gone []int
	for i, s := range socks {
		if s.ended() != nil {
			gone = append(gone, i)
		} else if !s.probe(t) {
			gone = append(gone, i)
		}
	}
	if len(gone) != 1 {
		t.Fatalf("sockets %v ended with A, want exactly one of the two", gone)
	}
	if code := socks[gone[0]].closed(t, time.Second); code != websocket.StatusGoingAway {
		t.Fatalf("the socket on A closed with %d, want %d (going away)", code, websocket.StatusGoingAway)
	}
	socks[gone[0]] = dialProxySocket(t, px.URL, watcherTok)

	waitFor(t, "300 more answers after the drain", 30*time.Second, func() bool { return l.ok.Load() >= atExit+300 })
	for i, s := range socks {
		if _, ok := s.await(t, 10*time.Second, func(f frame) bool { return f.Type == "project.changed" }); !ok {
			t.Fatalf("socket %d got no push after the drain: %v", i, s.ended())
		}
	}
	l.stop()

	counts, failures := l.report()
	t.Logf("answers: %v (%d before A closed its listener, %d before it exited %v after SIGTERM; A answered %d writes)",
		counts, atClose, atExit, drained, writesByA)
	if len(failures) > 0 {
		t.Fatalf("%d requests failed across the drain, want none:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	const create, dissolve = "POST /api/students/{id}/project 201", "DELETE /api/students/{id}/project 204"
	checkCounts(t, counts, l.ok.Load(), "GET /api/projects 200", "GET /api/labs 200", create, dissolve)
	teams := 0
	for _, in := range inTeam {
		if in() {
			teams++
		}
	}
	if counts[create]-counts[dissolve] != teams {
		t.Errorf("%d creates and %d dissolves, but %d teams are formed", counts[create], counts[dissolve], teams)
	}
	// Each write happened once: the teams the API lists are the writers' own and the held two.
	r := api.Client.Do(t, "GET", "/api/projects", readerTok, nil)
	if r.Status != 200 {
		t.Fatalf("list projects after the drain: %d %s", r.Status, r.Body)
	}
	var list struct {
		ProjectList []project `json:"projectList"`
	}
	r.JSON(t, &list)
	if len(list.ProjectList) != teams+2 {
		t.Errorf("the survivor lists %d projects, want the %d teams the writers left formed and the 2 held ones",
			len(list.ProjectList), teams)
	}
}

// sendJSON sends one request with a JSON body and returns the status.
func sendJSON(c *http.Client, method, url string, tok apitest.Bearer, body any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+string(tok))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// checkCounts fails unless every answer counted is of one of the wanted kinds, each kind came
// at least once, and the kinds add up to the requests that succeeded.
func checkCounts(t *testing.T, counts map[string]int, ok int64, want ...string) {
	t.Helper()
	total := 0
	for k, n := range counts {
		if !slices.Contains(want, k) {
			t.Errorf("%d answers %q, want only %v", n, k, want)
		}
		total += n
	}
	for _, k := range want {
		if counts[k] == 0 {
			t.Errorf("no answer %q", k)
		}
	}
	if int64(total) != ok {
		t.Errorf("%d answers counted, %d successes", total, ok)
	}
}
