package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/wire"
	"github.com/pairup/pairup/internal/apitest"
)

// wsTLab is one entry of labs.changed.
type wsTLab struct {
	LabID     int64  `json:"lab_id"`
	Lab       string `json:"lab"`
	Room      string `json:"room"`
	StartsAt  string `json:"starts_at"`
	Available bool   `json:"available"`
}

// wsTChat is one chat message as frames show it.
type wsTChat struct {
	ID   int64     `json:"id"`
	Room string    `json:"room"`
	From string    `json:"from"`
	Msg  string    `json:"msg"`
	At   time.Time `json:"at"`
}

// wsTFrame is a server frame with every field any type has.
type wsTFrame struct {
	Type     string    `json:"type"`
	Project  *project  `json:"project"`
	Pid      int64     `json:"pid"`
	Labs     []wsTLab  `json:"labs"`
	Room     string    `json:"room"`
	Messages []wsTChat `json:"messages"`
	wsTChat
	Code    string `json:"code"`
	Message string `json:"message"`
	raw     string
}

// wsTNext reads the next frame and fails unless it has the type.
func wsTNext(w *wsConn, typ string) wsTFrame {
	w.t.Helper()
	f := w.next()
	if f.Type != typ {
		w.t.Fatalf("got frame %s, want a %s frame", f.Raw, typ)
	}
	var out wsTFrame
	if err := json.Unmarshal(f.Raw, &out); err != nil {
		w.t.Fatalf("decode %s: %v", f.Raw, err)
	}
	out.raw = string(f.Raw)
	return out
}

// wsTError sends a frame and fails unless the answer is an error with the code.
func wsTError(w *wsConn, sent any, code string) {
	w.t.Helper()
	w.send(sent)
	if f := wsTNext(w, "error"); f.Code != code || f.Message == "" {
		w.t.Fatalf("frame %v: got %s, want error code %s with a message", sent, f.raw, code)
	}
}

// wsTStatus reads the next frame and fails unless it is the status line.
func wsTStatus(w *wsConn, room, msg string) {
	w.t.Helper()
	if f := wsTNext(w, "status"); f.Room != room || f.Msg != msg {
		w.t.Fatalf("got %s, want status %q in %s", f.raw, msg, room)
	}
}

// wsTJoin joins a room: the answer is its history, then everyone in it (the joiner too) is
// told that name entered. It returns the history.
//
// A joiner on another instance than earlier joiners may also hear their entries: that
// instance may hear of them only after this join. Those status lines are given in earlier;
// each may come before the joiner's own (even before the history, which is queued just after
// the joiner is in the room), in order.
func wsTJoin(w *wsConn, room, name string, earlier ...string) []wsTChat {
	w.t.Helper()
	w.send(map[string]string{"type": "join", "room": room})
	var history []wsTChat
	for seen := false; ; {
		f := w.next()
		var got wsTFrame
		if err := json.Unmarshal(f.Raw, &got); err != nil {
			w.t.Fatal(err)
		}
		switch {
		case f.Type == "history" && !seen && got.Room == room && got.Messages != nil:
			seen, history = true, got.Messages
		case f.Type == "status" && got.Room == room && len(earlier) > 0 && got.Msg == earlier[0]:
			earlier = earlier[1:]
		case f.Type == "status" && got.Room == room && got.Msg == name+" has entered the room." && seen:
			return history
		default:
			w.t.Fatalf("join %s as %s: got %s", room, name, f.Raw)
		}
	}
}

// wsTText sends a chat message.
func wsTText(w *wsConn, room, msg string) {
	w.t.Helper()
	w.send(map[string]string{"type": "text", "room": room, "msg": msg})
}

// wsTMessage reads the next frame and fails unless it is the chat message.
func wsTMessage(w *wsConn, room, from, msg string) wsTChat {
	w.t.Helper()
	f := wsTNext(w, "message")
	if f.Room != room || f.From != from || f.Msg != msg || f.ID <= 0 || time.Since(f.At).Abs() > time.Minute {
		w.t.Fatalf("got %s, want message %q from %s in %s, with an id and the time it was sent", f.raw, msg, from, room)
	}
	m := f.wsTChat
	m.Room = f.Room // the frame's own field shadows the embedded one
	return m
}

// wsTName is the roster name of test student i.
func wsTName(i int) string { return fmt.Sprintf("Student %d", i) }

// wsTDial opens a socket for student i, which must not see any roster number in chat frames.
func wsTDial(t *testing.T, s *testServer, i, roster int) *wsConn {
	t.Helper()
	w := dialWS(t, s, signIn(t, s, studentNumber(i)))
	for j := range roster {
		w.wsTHidden = append(w.wsTHidden, studentNumber(j))
	}
	w.wsTHidden = append(w.wsTHidden, adminNumber)
	return w
}

// wsTRefused dials and checks that the upgrade is refused with a problem of that status.
func wsTRefused(t *testing.T, s *testServer, protocols []string, status int) {
	t.Helper()
	c, resp, err := dialWSRaw(s, protocols)
	if err == nil {
		c.CloseNow()
		t.Fatalf("protocols %q: upgraded, want %d", protocols, status)
	}
	if resp == nil {
		t.Fatalf("protocols %q: no response: %v", protocols, err)
	}
	body, _ := io.ReadAll(resp.Body)
	r := &apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if r.Status != status {
		t.Fatalf("protocols %q: status %d, want %d; body %s", protocols, r.Status, status, body)
	}
	r.Problem(t)
	if status == http.StatusUnauthorized {
		if h := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer ") {
			t.Errorf("protocols %q: WWW-Authenticate %q, want the Bearer scheme", protocols, h)
		}
	}
}

// TestWsTFrameSchema checks that the frame validator of the harness is not vacuous: it takes
// frames the spec allows and refuses ones it does not.
func TestWsTFrameSchema(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{
		`{"type":"ready"}`,
		`{"type":"status","unit":"default","room":"lobby","msg":"Ada has entered the room."}`,
		`{"type":"status","unit":"cits3403","room":"lobby.cits3403","msg":"Ada has entered the room."}`,
		`{"type":"message","unit":"default","id":3,"room":"team-12","from":"Ada","msg":"hi","at":"2027-05-17T17:15:00Z"}`,
		`{"type":"labs.changed","unit":"default","labs":[{"lab_id":1,"unit":"default","lab":"x","room":"y","starts_at":"2027-05-17T17:15","available":true}]}`,
		`{"type":"resync","unit":"default"}`,
		`{"type":"error","code":"not_joined","message":"join first"}`,
	} {
		if err := wsTValidate([]byte(ok)); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{
		`[]`,
		`{"room":"lobby"}`,
		`{"type":"hello"}`,
		`{"type":"ready","extra":1}`,
		`{"type":"status","unit":"default","room":"lobby"}`,
		`{"type":"status","unit":"default","room":"Lobby","msg":"x"}`,
		`{"type":"status","room":"lobby","msg":"x"}`,
		`{"type":"status","unit":"default","room":"lobby.X","msg":"x"}`,
		`{"type":"message","id":3,"room":"lobby","from":"Ada","msg":"hi","at":"yesterday"}`,
		`{"type":"labs.changed","labs":[{"lab_id":1,"lab":"x","room":"y","starts_at":"2027-05-17T17:15"}]}`,
		`{"type":"error","code":"oops","message":"x"}`,
		`{"type":"project.deleted","pid":"7"}`,
	} {
		if err := wsTValidate([]byte(bad)); err == nil {
			t.Errorf("%s passed the ServerMessage schema", bad)
		}
	}
}

// TestWsTHandshakeAuth checks who may open /api/ws: the token rides in the subprotocol list,
// and anything but a valid, unrevoked, unexpired one is refused with a 401 Bearer challenge
// before the upgrade; a handshake without pairup.v1, or no handshake at all, is a 400.
func TestWsTHandshakeAuth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_JWT_SECRET": testSecret})
	craft := func(number string, exp time.Time) string {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"iss": "pairup", "sub": number, "jti": uuid.NewString(),
			"iat": exp.Add(-time.Hour).Unix(), "exp": exp.Unix(),
		}).SignedString([]byte(testSecret))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}

	t.Run("valid", func(t *testing.T) {
		t.Parallel()
		tok := signIn(t, s, studentNumber(0))
		dialWS(t, s, tok) // checks pairup.v1 is selected and ready comes first
		// The order of the offer does not matter, and the token is never echoed back.
		c, _, err := dialWSRaw(s, []string{"bearer." + string(tok), "pairup.v1"})
		if err != nil {
			t.Fatalf("dial with the token offered first: %v", err)
		}
		defer c.CloseNow()
		if c.Subprotocol() != "pairup.v1" {
			t.Fatalf("selected %q, want pairup.v1", c.Subprotocol())
		}
		// A token crafted with the server's secret works, so the refusals below are about
		// what differs.
		dialWS(t, s, apitest.Bearer(craft(studentNumber(0), time.Now().Add(time.Hour))))
	})
	t.Run("no subprotocols", func(t *testing.T) {
		t.Parallel()
		wsTRefused(t, s, nil, 401)
	})
	t.Run("no token", func(t *testing.T) {
		t.Parallel()
		wsTRefused(t, s, []string{"pairup.v1"}, 401)
		wsTRefused(t, s, []string{"pairup.v1", "bearer."}, 401)
	})
	t.Run("bad token", func(t *testing.T) {
		t.Parallel()
		wsTRefused(t, s, []string{"pairup.v1", "bearer.not-a-token"}, 401)
		tok := string(signIn(t, s, studentNumber(1)))
		wsTRefused(t, s, []string{"pairup.v1", "bearer." + tok[:len(tok)-2] + "xx"}, 401)
	})
	t.Run("revoked token", func(t *testing.T) {
		t.Parallel()
		tok := signIn(t, s, studentNumber(2))
		if r := s.Client.Do(t, "DELETE", "/api/tokens", tok, nil); r.Status != 204 {
			t.Fatalf("sign out: %d %s", r.Status, r.Body)
		}
		wsTRefused(t, s, []string{"pairup.v1", "bearer." + string(tok)}, 401)
	})
	t.Run("expired token", func(t *testing.T) {
		t.Parallel()
		wsTRefused(t, s, []string{"pairup.v1", "bearer." + craft(studentNumber(3), time.Now().Add(-time.Minute))}, 401)
	})
	t.Run("pairup.v1 not offered", func(t *testing.T) {
		t.Parallel()
		tok := string(signIn(t, s, studentNumber(1)))
		wsTRefused(t, s, []string{"bearer." + tok}, 400)
		wsTRefused(t, s, []string{"pairup.v2", "bearer." + tok}, 400)
	})
	t.Run("no upgrade", func(t *testing.T) {
		t.Parallel()
		tok := string(signIn(t, s, studentNumber(1)))
		req, err := http.NewRequest("GET", s.URL+"/api/ws", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Sec-WebSocket-Protocol", "pairup.v1, bearer."+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		r := &apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
		if r.Status != 400 {
			t.Fatalf("plain GET: %d %s, want 400", r.Status, body)
		}
		r.Problem(t)
	})
}

// TestWsTRevokedElsewhere checks that signing out on one instance closes the token's sockets
// on every instance with 4401 within 5 seconds, and no one else's.
func TestWsTRevokedElsewhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 2, 0)
	a, b := startServer(t, f.DBURL, nil), startServer(t, f.DBURL, nil)
	tok := signIn(t, a, studentNumber(0))
	onA, onB := dialWS(t, a, tok), dialWS(t, b, tok)
	bystander := dialWS(t, a, signIn(t, a, studentNumber(1)))

	revoked := time.Now()
	if r := b.Client.Do(t, "DELETE", "/api/tokens", tok, nil); r.Status != 204 {
		t.Fatalf("sign out on B: %d %s", r.Status, r.Body)
	}
	for name, w := range map[string]*wsConn{"socket on A": onA, "socket on B": onB} {
		code, at := w.wsTClosed(revoked.Add(6 * time.Second))
		if code != 4401 {
			t.Errorf("%s closed with %d, want 4401", name, code)
		}
		if d := at.Sub(revoked); d > 5*time.Second {
			t.Errorf("%s closed %v after the sign-out, want within 5s", name, d)
		}
	}
	bystander.wsTQuiet("another student's socket")
}

// TestWsTExpiredToken checks that a socket is closed with 4401 when its token expires, not
// before, and within 5 seconds after.
func TestWsTExpiredToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1, 0)
	s := startServer(t, f.DBURL, map[string]string{"PAIRUP_TOKEN_TTL": "2s"})
	tok := signIn(t, s, studentNumber(0))
	var claims jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(string(tok), &claims); err != nil {
		t.Fatal(err)
	}
	expires := claims.ExpiresAt.Time
	w := dialWS(t, s, tok)
	code, at := w.wsTClosed(expires.Add(6 * time.Second))
	if code != 4401 {
		t.Fatalf("closed with %d, want 4401", code)
	}
	// The exp claim has whole seconds; allow for the clock reading in between.
	if at.Before(expires.Add(-100*time.Millisecond)) || at.After(expires.Add(5*time.Second)) {
		t.Fatalf("closed at %v, token expired at %v: want within 5s after", at, expires)
	}
}

// TestWsTPushesAcrossInstances checks that every change made through the API on one instance
// reaches sockets on both instances, after it commits, with the project as the API shows it
// and the slots whose availability changed; and that refused requests push nothing.
func TestWsTPushesAcrossInstances(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 5, 3)
	a, b := startServer(t, f.DBURL, nil), startServer(t, f.DBURL, nil)
	creator, partner, other, stranger := studentNumber(0), studentNumber(1), studentNumber(2), studentNumber(3)
	tokCreator, tokPartner := signIn(t, a, creator), signIn(t, b, partner)
	tokOther, tokStranger := signIn(t, a, other), signIn(t, b, stranger)
	watchers := []*wsConn{dialWS(t, a, tokOther), dialWS(t, b, tokStranger), dialWS(t, b, tokCreator)}
	lab := func(i int, available bool) wsTLab {
		l := wire.Lab(f.Labs[i])
		return wsTLab{LabID: l.LabId, Lab: l.Lab, Room: l.Room, StartsAt: l.StartsAt, Available: available}
	}
	expect := func(step string, p *project, pid int64, labs ...wsTLab) {
		t.Helper()
		for i, w := range watchers {
			if p != nil {
				got := wsTNext(w, "project.changed")
				if !reflect.DeepEqual(*got.Project, *p) {
					t.Fatalf("%s, watcher %d: pushed project %+v, want %+v as the API answered", step, i, *got.Project, *p)
				}
			} else {
				if got := wsTNext(w, "project.deleted"); got.Pid != pid {
					t.Fatalf("%s, watcher %d: %s, want pid %d", step, i, got.raw, pid)
				}
			}
			if len(labs) == 0 {
				continue
			}
			got := wsTNext(w, "labs.changed").Labs
			slices.SortFunc(got, func(x, y wsTLab) int { return int(x.LabID - y.LabID) })
			if !reflect.DeepEqual(got, labs) {
				t.Fatalf("%s, watcher %d: labs.changed %+v, want %+v", step, i, got, labs)
			}
		}
	}

	p := createProject(t, a, tokCreator, creator, partner, f.Labs[0].ID)
	expect("create on A", &p, 0, lab(0, false))

	// Refused requests, on either instance, push nothing: the next push is the next change.
	refused := []struct {
		s      *testServer
		method string
		path   string
		tok    apitest.Bearer
		body   any
		status int
	}{
		{a, "POST", "/api/students/" + other + "/project", tokOther, map[string]any{"partnerNumber": stranger, "description": "x", "lab_id": f.Labs[0].ID}, 409},
		{b, "POST", "/api/students/" + other + "/project", tokOther, map[string]any{"partnerNumber": partner, "description": "x", "lab_id": f.Labs[2].ID}, 409},
		{b, "DELETE", "/api/students/" + creator + "/project", tokStranger, nil, 403},
		{a, "PUT", "/api/students/" + creator + "/project", tokCreator, map[string]any{"description": "", "lab_id": f.Labs[1].ID}, 400},
	}
	for _, r := range refused {
		if got := r.s.Client.Do(t, r.method, r.path, r.tok, r.body); got.Status != r.status {
			t.Fatalf("%s %s: %d %s, want %d", r.method, r.path, got.Status, got.Body, r.status)
		}
	}

	r := b.Client.Do(t, "PUT", "/api/students/"+partner+"/project", tokPartner, map[string]any{"description": "moved", "lab_id": f.Labs[1].ID})
	if r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &p)
	expect("move on B", &p, 0, lab(0, true), lab(1, false))

	// A change that keeps the slot pushes no labs.changed: the next push is the deletion.
	r = a.Client.Do(t, "PUT", "/api/students/"+creator+"/project", tokCreator, map[string]any{"description": "renamed", "lab_id": f.Labs[1].ID})
	if r.Status != 200 {
		t.Fatalf("rename: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &p)
	expect("rename on A", &p, 0)

	if r := a.Client.Do(t, "DELETE", "/api/students/"+creator+"/project", tokCreator, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	expect("delete on A", nil, p.Pid, lab(1, true))
	for _, w := range watchers {
		w.wsTQuiet("after the last change")
	}
}

// TestWsTLobbyChat checks join, status, message and leave in the lobby across two instances:
// everyone in the room hears it wherever they are connected, those who did not join hear
// nothing, and names are shown, never student numbers.
func TestWsTLobbyChat(t *testing.T) {
	t.Parallel()
	const roster = 6
	f := newFixture(t, roster, 0)
	a, b := startServer(t, f.DBURL, nil), startServer(t, f.DBURL, nil)
	ada, cat := wsTDial(t, a, 0, roster), wsTDial(t, a, 2, roster) // cat never joins
	bob, eve, dan := wsTDial(t, b, 1, roster), wsTDial(t, b, 4, roster), wsTDial(t, b, 3, roster)

	if h := wsTJoin(ada, "lobby", wsTName(0)); len(h) != 0 {
		t.Fatalf("history of a new lobby: %+v", h)
	}
	wsTJoin(bob, "lobby", wsTName(1), wsTName(0)+" has entered the room.")
	wsTStatus(ada, "lobby", wsTName(1)+" has entered the room.")
	wsTJoin(eve, "lobby", wsTName(4))
	wsTStatus(ada, "lobby", wsTName(4)+" has entered the room.")
	wsTStatus(bob, "lobby", wsTName(4)+" has entered the room.")

	in := []*wsConn{ada, bob, eve}
	wsTText(ada, "lobby", "hello from A")
	var first wsTChat
	for _, w := range in {
		first = wsTMessage(w, "lobby", wsTName(0), "hello from A")
	}
	wsTText(bob, "lobby", "hi from B <b>&amp;</b> ✓")
	for _, w := range in {
		if m := wsTMessage(w, "lobby", wsTName(1), "hi from B <b>&amp;</b> ✓"); m.ID <= first.ID {
			t.Fatalf("second message id %d after %d", m.ID, first.ID)
		}
	}
	// Both messages reached both instances; those who did not join got neither.
	cat.wsTQuiet("socket on A that did not join")
	dan.wsTQuiet("socket on B that did not join")

	// Leaving: the others are told, and the leaver hears no more.
	bob.send(map[string]string{"type": "leave", "room": "lobby"})
	wsTStatus(ada, "lobby", wsTName(1)+" has left the room.")
	wsTStatus(eve, "lobby", wsTName(1)+" has left the room.")
	wsTError(bob, map[string]string{"type": "leave", "room": "lobby"}, "not_joined")
	wsTError(bob, map[string]string{"type": "text", "room": "lobby", "msg": "still here?"}, "not_joined")
	wsTText(eve, "lobby", "bob is gone")
	wsTMessage(ada, "lobby", wsTName(4), "bob is gone")
	wsTMessage(eve, "lobby", wsTName(4), "bob is gone")
	bob.wsTQuiet("socket that left")

	// Disconnecting counts as leaving.
	eve.conn.Close(websocket.StatusNormalClosure, "")
	wsTStatus(ada, "lobby", wsTName(4)+" has left the room.")
	wsTText(ada, "lobby", "alone")
	wsTMessage(ada, "lobby", wsTName(0), "alone")
	for _, w := range []*wsConn{cat, bob, dan} {
		w.wsTQuiet("socket not in the lobby")
	}
}

// TestWsTTeamRoom checks that a team's room is its members' alone: they chat across
// instances, a third student (in no team, or in another) can neither join nor write to it nor
// hear it, and when the team dissolves its members are out of the room.
func TestWsTTeamRoom(t *testing.T) {
	t.Parallel()
	const roster = 5
	f := newFixture(t, roster, 2)
	// Formed before the servers start, so their events reach no one.
	team := func(a, b int, lab int64) int64 {
		return f.team(t, studentNumber(a), []string{studentNumber(b)}, lab).ID
	}
	pid, other := team(0, 1, f.Labs[0].ID), team(3, 4, f.Labs[1].ID)
	room, otherRoom := fmt.Sprintf("team-%d", pid), fmt.Sprintf("team-%d", other)
	a, b := startServer(t, f.DBURL, nil), startServer(t, f.DBURL, nil)
	m1, m2 := wsTDial(t, a, 0, roster), wsTDial(t, b, 1, roster)
	third, thirdB := wsTDial(t, a, 2, roster), wsTDial(t, b, 3, roster) // in no team; in the other team

	if h := wsTJoin(m1, room, wsTName(0)); len(h) != 0 {
		t.Fatalf("history of a new team room: %+v", h)
	}
	wsTJoin(m2, room, wsTName(1), wsTName(0)+" has entered the room.")
	wsTStatus(m1, room, wsTName(1)+" has entered the room.")

	wsTError(third, map[string]string{"type": "join", "room": room}, "forbidden")
	wsTError(thirdB, map[string]string{"type": "join", "room": room}, "forbidden")
	wsTError(third, map[string]string{"type": "text", "room": room, "msg": "let me in"}, "not_joined")
	wsTError(thirdB, map[string]string{"type": "leave", "room": room}, "not_joined")
	wsTError(third, map[string]string{"type": "join", "room": otherRoom}, "forbidden")
	wsTError(third, map[string]string{"type": "join", "room": fmt.Sprintf("team-%d", pid+other+1000)}, "forbidden")
	wsTJoin(thirdB, otherRoom, wsTName(3)) // their own team's room is open to them

	wsTText(m1, room, "our secret plan")
	wsTMessage(m1, room, wsTName(0), "our secret plan")
	wsTMessage(m2, room, wsTName(0), "our secret plan")
	wsTText(m2, room, "agreed")
	wsTMessage(m1, room, wsTName(1), "agreed")
	wsTMessage(m2, room, wsTName(1), "agreed")
	third.wsTQuiet("non-member on A")
	thirdB.wsTQuiet("non-member on B")
	// Members may not write to rooms they have not joined.
	wsTError(m1, map[string]string{"type": "text", "room": "lobby", "msg": "hi"}, "not_joined")

	// The team dissolves: after the deletion has reached each instance (proved by a later
	// event, a lobby status, arriving there), its members are no longer in the room.
	if r := a.Client.Do(t, "DELETE", "/api/students/"+studentNumber(0)+"/project", signIn(t, a, studentNumber(0)), nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	for _, w := range []*wsConn{m1, m2} {
		if d := wsTNext(w, "project.deleted"); d.Pid != pid {
			t.Fatalf("got %s, want pid %d", d.raw, pid)
		}
		wsTNext(w, "labs.changed")
	}
	wsTJoin(m1, "lobby", wsTName(0))
	wsTError(m1, map[string]string{"type": "text", "room": room, "msg": "anyone?"}, "not_joined")
	wsTJoin(m2, "lobby", wsTName(1), wsTName(0)+" has entered the room.")
	wsTStatus(m1, "lobby", wsTName(1)+" has entered the room.")
	wsTError(m2, map[string]string{"type": "text", "room": room, "msg": "anyone?"}, "not_joined")
	wsTError(m2, map[string]string{"type": "join", "room": room}, "forbidden")
	wsTError(m1, map[string]string{"type": "leave", "room": room}, "not_joined")
}

// TestWsTHistoryOnJoin checks that a join first sends the room's last 50 messages, oldest
// first, and only that room's.
func TestWsTHistoryOnJoin(t *testing.T) {
	t.Parallel()
	const roster = 4
	f := newFixture(t, roster, 0)
	ctx := context.Background()
	for i := 1; i <= 55; i++ {
		if _, err := f.Store.PostChatMessage(ctx, pairup.DefaultUnitCode, "lobby", studentNumber(i%3), fmt.Sprintf("m%02d", i)); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := f.Store.PostChatMessage(ctx, pairup.DefaultUnitCode, "team-1", studentNumber(0), "elsewhere"); err != nil {
				t.Fatal(err)
			}
		}
	}
	s := startServer(t, f.DBURL, nil)
	w := wsTDial(t, s, 3, roster)
	h := wsTJoin(w, "lobby", wsTName(3))
	if len(h) != 50 {
		t.Fatalf("history has %d messages, want 50", len(h))
	}
	for j, m := range h {
		i := j + 6
		if m.Msg != fmt.Sprintf("m%02d", i) || m.From != wsTName(i%3) || m.Room != "lobby" || m.At.IsZero() {
			t.Fatalf("history[%d] = %+v, want m%02d from %s", j, m, i, wsTName(i%3))
		}
		if j > 0 && m.ID <= h[j-1].ID {
			t.Fatalf("history ids not increasing: %d after %d", m.ID, h[j-1].ID)
		}
	}
	wsTText(w, "lobby", "live")
	if m := wsTMessage(w, "lobby", wsTName(3), "live"); m.ID <= h[49].ID {
		t.Fatalf("live message id %d not after the history's last %d", m.ID, h[49].ID)
	}
}

// TestWsTRateLimit checks that a student sending as fast as they can is held to the rate
// (burst 10, 5 a second): the excess is refused with rate_limited and not stored, and the
// connection stays open.
func TestWsTRateLimit(t *testing.T) {
	t.Parallel()
	const roster = 2
	f := newFixture(t, roster, 0)
	s := startServer(t, f.DBURL, nil)
	w, other := wsTDial(t, s, 0, roster), wsTDial(t, s, 1, roster)
	wsTJoin(other, "lobby", wsTName(1))
	wsTJoin(w, "lobby", wsTName(0))
	wsTStatus(other, "lobby", wsTName(0)+" has entered the room.")

	const sent = 20
	start := time.Now()
	for i := range sent {
		wsTText(w, "lobby", fmt.Sprintf("spam %d", i))
	}
	// Frames are handled in order, so once a probe is answered all 20 have been handled;
	// stored messages come back through the event bus, maybe later.
	probe := "wsT.rate.probe"
	w.send(map[string]string{"type": probe})
	limited, delivered := 0, 0
	for {
		f := w.next()
		if f.Type == "message" {
			delivered++
			continue
		}
		if f.Type != "error" {
			t.Fatalf("unexpected frame %s", f.Raw)
		}
		if f.Code == "unknown_type" && strings.Contains(string(f.Raw), probe) {
			break
		}
		if f.Code != "rate_limited" {
			t.Fatalf("got %s, want rate_limited", f.Raw)
		}
		limited++
	}
	elapsed := time.Since(start)
	var stored int
	if err := f.Store.Pool().QueryRow(context.Background(),
		"SELECT count(*) FROM chat_messages WHERE student_number = $1", studentNumber(0)).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	allowed := 10 + int(5*elapsed.Seconds()) + 1
	if stored+limited != sent || stored < 10 || stored > allowed || limited == 0 {
		t.Fatalf("in %v: %d stored, %d rate_limited of %d sent; want all accounted for, 10 to %d stored and some refused",
			elapsed, stored, limited, sent, allowed)
	}
	// The connection is still open, and every stored message reaches the room in order.
	for _, r := range []*wsConn{w, other} {
		n := delivered
		if r == other {
			n = 0
		}
		last := -1
		for ; n < stored; n++ {
			m := wsTNext(r, "message")
			var i int
			if _, err := fmt.Sscanf(m.Msg, "spam %d", &i); err != nil || i <= last {
				t.Fatalf("message %q after spam %d", m.Msg, last)
			}
			last = i
		}
		r.wsTQuiet("after the stored messages")
	}
}

// TestWsTMalformedFrames checks that every kind of bad frame gets an error of the right code,
// keeps the connection open and disturbs no one else; and that an oversized frame closes
// only its own connection.
func TestWsTMalformedFrames(t *testing.T) {
	t.Parallel()
	const roster = 3
	f := newFixture(t, roster, 0)
	s := startServer(t, f.DBURL, nil)
	v, o := wsTDial(t, s, 0, roster), wsTDial(t, s, 1, roster)
	wsTJoin(o, "lobby", wsTName(1))

	long := strings.Repeat("é", 1001)
	for _, c := range []struct {
		frame string
		code  string
	}{
		{`hello`, "bad_frame"},
		{``, "bad_frame"},
		{`[]`, "bad_frame"},
		{`[{"type":"join","room":"lobby"}]`, "bad_frame"},
		{`"join"`, "bad_frame"},
		{`{"type":"join","room":"lobby"} {"type":"join","room":"lobby"}`, "bad_frame"},
		{`{"type":"join","room":"lobby"`, "bad_frame"},
		{`{"type":42,"room":"lobby"}`, "bad_frame"},
		{`{"type":"join","room":"lobby","extra":1}`, "bad_frame"},
		{`{"type":"shout","room":"lobby"}`, "unknown_type"},
		{`{"room":"lobby"}`, "unknown_type"},
		{`{"type":"join"}`, "invalid"},
		{`{"type":"join","room":""}`, "invalid"},
		{`{"type":"join","room":"team-abc"}`, "invalid"},
		{`{"type":"join","room":"team-"}`, "invalid"},
		{`{"type":"join","room":"team--1"}`, "invalid"},
		{`{"type":"join","room":"Lobby"}`, "invalid"},
		{`{"type":"join","room":"team-007"}`, "invalid"}, // one spelling per room
		{`{"type":"join","room":"team-0"}`, "invalid"},
		{`{"TYPE":"join","room":"lobby"}`, "bad_frame"}, // member names are exact
		{`null`, "bad_frame"},
		{`{"type":"join","room":"lobby ","msg":"x"}`, "invalid"},
		{`{"type":"join","room":"lobby","msg":"x"}`, "invalid"},
		{`{"type":"leave","room":"lobby"}`, "not_joined"},
		{`{"type":"text","room":"lobby","msg":"too early"}`, "not_joined"},
	} {
		wsTError(v, c.frame, c.code)
	}
	if err := v.conn.Write(v.ctx, websocket.MessageBinary, []byte(`{"type":"join","room":"lobby"}`)); err != nil {
		t.Fatal(err)
	}
	if e := wsTNext(v, "error"); e.Code != "bad_frame" {
		t.Fatalf("binary frame: got %s, want bad_frame", e.raw)
	}

	// Still open: a valid join works, and then text is checked.
	wsTJoin(v, "lobby", wsTName(0))
	wsTStatus(o, "lobby", wsTName(0)+" has entered the room.")
	for _, c := range []string{
		`{"type":"text","room":"lobby"}`,
		`{"type":"text","room":"lobby","msg":""}`,
		`{"type":"text","room":"lobby","msg":"   "}`,
		`{"type":"text","room":"lobby","msg":"` + long + `"}`,
		`{"type":"text","room":"lobby","msg":"bell\u0007"}`,
		`{"type":"text","room":"lobby","msg":"two\nlines"}`,
		`{"type":"text","room":"lobby","msg":"nul\u0000"}`,
		`{"type":"text","room":"lobby","msg":"del\u007f"}`,
		`{"type":"text","room":"lobby","msg":"c1\u0085"}`,
	} {
		wsTError(v, c, "invalid")
	}
	// 1000 characters (2000 bytes) is the longest message.
	wsTText(v, "lobby", long[len("é"):])
	for _, w := range []*wsConn{v, o} {
		wsTMessage(w, "lobby", wsTName(0), long[len("é"):])
	}
	// None of it reached the other client: the status and the message were all it got.
	o.wsTQuiet("bystander of the bad frames")

	// A frame over 16 KiB closes that connection only.
	x := wsTDial(t, s, 2, roster)
	wsTJoin(x, "lobby", wsTName(2))
	wsTStatus(v, "lobby", wsTName(2)+" has entered the room.")
	wsTStatus(o, "lobby", wsTName(2)+" has entered the room.")
	x.send(`{"type":"text","room":"lobby","msg":"` + strings.Repeat("x", 17<<10) + `"}`)
	if code, _ := x.wsTClosed(time.Now().Add(10 * time.Second)); code != websocket.StatusMessageTooBig {
		t.Fatalf("oversized frame: closed with %d, want %d", code, websocket.StatusMessageTooBig)
	}
	for _, w := range []*wsConn{v, o} {
		wsTStatus(w, "lobby", wsTName(2)+" has left the room.")
	}
	wsTText(o, "lobby", "still here")
	for _, w := range []*wsConn{v, o} {
		wsTMessage(w, "lobby", wsTName(1), "still here")
	}
}

// TestWsTShutdown checks that stopping a server closes its sockets with 1001 (going away) and
// that it then stops cleanly.
func TestWsTShutdown(t *testing.T) {
	t.Parallel()
	const roster = 2
	f := newFixture(t, roster, 0)
	s, stop := startServerWithStop(t, f.DBURL, nil)
	w1, w2 := wsTDial(t, s, 0, roster), wsTDial(t, s, 1, roster)
	wsTJoin(w1, "lobby", wsTName(0))
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	for _, w := range []*wsConn{w1, w2} {
		if code, _ := w.wsTClosed(time.Now().Add(10 * time.Second)); code != websocket.StatusGoingAway {
			t.Errorf("closed with %d, want 1001", code)
		}
	}
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("run returned %v, want nil", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop within 20s")
	}
	if c, _, err := dialWSRaw(s, []string{"pairup.v1", "bearer.x"}); err == nil {
		c.CloseNow()
		t.Fatal("a stopped server accepted a WebSocket")
	}
}

// wsTDialStalledTCP opens a socket whose kernel receive buffer is as small as the system allows,
// for a client that never reads: the server's writes to it soon block.
// It also returns the TCP connection, so that a test can widen the receive buffer once the
// server has fallen behind: through a 1 KiB window, Linux delivers a 6 KB frame only as
// zero-window probes let it, seconds per frame.
func wsTDialStalledTCP(t *testing.T, s *testServer, tok apitest.Bearer) (*websocket.Conn, *net.TCPConn) {
	t.Helper()
	var tcp *net.TCPConn
	dialer := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024)
		})
		return errors.Join(err, serr)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http")+"/api/ws", &websocket.DialOptions{
		Subprotocols: []string{"pairup.v1", "bearer." + string(tok)},
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err == nil {
				tcp, _ = conn.(*net.TCPConn)
			}
			return conn, err
		}}},
	})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if tcp == nil {
		t.Fatal("dial: no TCP connection")
	}
	return c, tcp
}

// TestWsTSlowConsumer checks that clients that fall behind are dropped without delaying
// anyone: a client that reads only a twentieth of what it is sent is closed with 1008 once its
// queue is full, one that stops reading altogether is dropped too (the close frame cannot
// pass its full pipe, so it may just see the connection end), and a client of the same server
// receives every push, in order, meanwhile.
func TestWsTSlowConsumer(t *testing.T) {
	t.Parallel()
	const roster = 6
	f := newFixture(t, roster, 0)
	s := startServer(t, f.DBURL, nil)
	normal := wsTDial(t, s, 0, roster)
	wsTJoin(normal, "lobby", wsTName(0))
	join := []byte(`{"type":"join","room":"lobby"}`)
	stalled, stalledTCP := wsTDialStalledTCP(t, s, signIn(t, s, studentNumber(1)))
	if err := stalled.Write(context.Background(), websocket.MessageText, join); err != nil {
		t.Fatal(err)
	}
	wsTStatus(normal, "lobby", wsTName(1)+" has entered the room.")
	lagging, laggingTCP := wsTDialStalledTCP(t, s, signIn(t, s, studentNumber(2)))
	if err := lagging.Write(context.Background(), websocket.MessageText, join); err != nil {
		t.Fatal(err)
	}
	wsTStatus(normal, "lobby", wsTName(2)+" has entered the room.")

	// Other students talk in the lobby as fast as the database takes it, in the longest frames
	// a message makes (each "<" is escaped to 6 bytes): 600 of them, about 3.6 MB, more than
	// the kernel buffers of a connection plus a queue of 256 frames hold.
	const n = 600
	pad := strings.Repeat("<", 995)
	text := func(i int) string { return fmt.Sprintf("%04d%s", i, pad) }
	posted := make(chan error, 1)
	go func() {
		for i := range n {
			if _, err := f.Store.PostChatMessage(context.Background(), pairup.DefaultUnitCode, "lobby", studentNumber(3+i%3), text(i)); err != nil {
				posted <- err
				return
			}
		}
		posted <- nil
	}()

	// read reads one frame of a slow client: its type and msg, or how it ended.
	read := func(c *websocket.Conn) (string, websocket.StatusCode, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, data, err := c.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				t.Fatalf("slow client: no frame and no close within 10s: %v", err)
			}
			return "", websocket.CloseStatus(err), err
		}
		fr := wsTParse(t, data)
		return fr.Type + " " + fr.Msg, 0, nil
	}
	var laggingGot []string
	laggingClosed := websocket.StatusCode(0)
	left := map[string]bool{}
	onLeft := func(fr frame) bool {
		for _, i := range []int{1, 2} {
			if msg := wsTName(i) + " has left the room."; fr.Type == "status" && fr.Msg == msg && !left[msg] {
				left[msg] = true
				return true
			}
		}
		return false
	}
	for i := 0; i < n; {
		fr := normal.next()
		if onLeft(fr) {
			continue
		}
		if fr.Type != "message" || fr.Msg != text(i) || fr.From != wsTName(3+i%3) {
			t.Fatalf("normal client: got %.80s, want message %d", fr.Raw, i)
		}
		i++
		if i%20 == 0 && laggingClosed == 0 {
			got, code, _ := read(lagging)
			if code != 0 {
				laggingClosed = code
			} else {
				laggingGot = append(laggingGot, got)
			}
		}
	}
	if err := <-posted; err != nil {
		t.Fatal(err)
	}
	// Every message is posted and the normal client has had them all, so the server has long
	// given up on both slow clients: let them read what is left at full speed.
	for _, c := range []*net.TCPConn{laggingTCP, stalledTCP} {
		if err := c.SetReadBuffer(4 << 20); err != nil {
			t.Fatal(err)
		}
	}
	for laggingClosed == 0 {
		got, code, err := read(lagging)
		switch {
		case code == -1:
			t.Fatalf("lagging client: %v, want a close frame", err)
		case code != 0:
			laggingClosed = code
		default:
			laggingGot = append(laggingGot, got)
		}
	}
	if laggingClosed != websocket.StatusPolicyViolation {
		t.Fatalf("lagging client closed with %d, want 1008", laggingClosed)
	}
	var stalledGot []string
	for {
		got, code, _ := read(stalled)
		if code != 0 {
			if code != -1 && code != websocket.StatusPolicyViolation {
				t.Fatalf("stalled client closed with %d, want 1008 or the connection cut", code)
			}
			break
		}
		stalledGot = append(stalledGot, got)
	}
	// Each got what was queued before it fell behind, in order, and then nothing.
	prefix := func(name string, got []string, head ...string) {
		t.Helper()
		want := head
		for i := 0; len(want) < len(got); i++ {
			want = append(want, "message "+text(i))
		}
		if !slices.Equal(got, want) || len(got) >= len(head)+n {
			t.Fatalf("%s client got %d frames, want the first of the %d in order", name, len(got), len(head)+n)
		}
		t.Logf("the %s client got %d messages", name, len(got)-len(head))
	}
	entered := func(i int) string { return "status " + wsTName(i) + " has entered the room." }
	prefix("stalled", stalledGot, "ready ", "history ", entered(1), entered(2))
	prefix("lagging", laggingGot, "ready ", "history ", entered(2))
	// Both are gone from the room.
	for len(left) < 2 {
		if fr := normal.next(); !onLeft(fr) {
			t.Fatalf("normal client: got %s, want the slow clients to leave", fr.Raw)
		}
	}
	normal.wsTQuiet("after the slow clients left")
}
