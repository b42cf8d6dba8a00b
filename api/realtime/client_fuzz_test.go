package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testdb"
	"github.com/pairup/pairup/internal/testfactory"
)

// wsFuzz is a hub on a real store and event bus, served over a real HTTP server, and one
// student's socket to it.
type wsFuzz struct {
	st       *store.Store
	url      string
	pid      int64 // the student's team, whose room they may join
	conn     *websocket.Conn
	sync     int   // the number of the last sync frame
	lastChat int64 // the last chat message checked
	joined   bool  // the socket is in the unit's lobby and the team's room
}

// ensureJoined puts the socket in the unit's lobby and the team's room, so that every text frame
// reaches the chat rules.
func (w *wsFuzz) ensureJoined(t *testing.T) {
	t.Helper()
	if w.joined {
		return
	}
	for _, room := range []string{"lobby." + wsFuzzUnit, "team-" + strconv.FormatInt(w.pid, 10)} {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err := w.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"join","room":"`+room+`"}`))
		cancel()
		if err != nil {
			t.Fatalf("join %s: %v", room, err)
		}
		for {
			f := w.read(t)
			if f.Type == "error" {
				t.Fatalf("join %s: %s", room, f.raw)
			}
			if f.Type == "history" {
				break
			}
		}
	}
	w.joined = true
}

// validChat reports whether a chat message obeys the protocol's rule: 1 to MaxChatMessage
// characters of UTF-8 (no replacement characters left by broken input), not only spaces, no
// control characters.
func validChat(msg string) bool {
	n := utf8.RuneCountInString(msg)
	return utf8.ValidString(msg) && !strings.ContainsRune(msg, utf8.RuneError) && n > 0 && n <= pairup.MaxChatMessage &&
		strings.TrimSpace(msg) != "" && !pairup.HasControl(msg)
}

const wsFuzzUnit = "ws-fuzz"

func newWSFuzz(tb testing.TB) *wsFuzz {
	tb.Helper()
	ctx := tb.Context()
	pool, _ := testdb.New(tb)
	st := store.New(pool)
	svc := service.New(st, time.Now)
	hash, err := bcrypt.GenerateFromPassword([]byte("1234"), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	factory := testfactory.New(st, svc, string(hash))
	if _, err := factory.Unit(ctx, testfactory.UnitSpec{Code: wsFuzzUnit}); err != nil {
		tb.Fatal(err)
	}
	if err := factory.Enrol(ctx, wsFuzzUnit, testfactory.Person{Number: "38000001", Name: "Fuzz One"}, testfactory.Person{Number: "38000002", Name: "Fuzz Two"}); err != nil {
		tb.Fatal(err)
	}
	// A slot years ahead of the wall clock, so the team stays formable whenever this runs.
	labs, err := factory.Slots(ctx, wsFuzzUnit, pairup.LabSlot{Room: "Lab", StartsAt: time.Now().AddDate(5, 0, 0).Truncate(time.Hour).UTC()})
	if err != nil {
		tb.Fatal(err)
	}
	team, err := factory.Team(ctx, wsFuzzUnit, "38000001", []string{"38000002"}, labs[0].ID, "")
	if err != nil {
		tb.Fatal(err)
	}
	person, err := st.Person(ctx, "38000001")
	if err != nil {
		tb.Fatal(err)
	}
	// Rates high enough that the fuzzer meets the handlers, not only the limiter.
	hub := NewHub(st, st, slog.New(slog.DiscardHandler), Config{MessageRate: 1e6, MessageBurst: 1e6, RoomRate: 1e6, RoomBurst: 1e6})
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- hub.Run(runCtx) }()
	select {
	case <-hub.Listening():
	case err := <-done:
		stop()
		tb.Fatalf("hub ended before listening: %v", err)
	}
	caller := auth.Caller{Person: person, Token: auth.Claims{Subject: person.Number, ID: "fuzz-token", Expires: time.Now().Add(24 * time.Hour)}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := hub.Serve(w, r, caller); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	w := &wsFuzz{st: st, url: "ws" + strings.TrimPrefix(srv.URL, "http"), pid: team.ID}
	tb.Cleanup(func() {
		if w.conn != nil {
			w.conn.CloseNow()
		}
		srv.Close()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hub.Shutdown(shutdownCtx); err != nil {
			tb.Errorf("hub shutdown: %v", err)
		}
		stop()
		if err := <-done; err != nil {
			tb.Errorf("hub run: %v", err)
		}
	})
	return w
}

// connect opens the student's socket and reads its ready frame. A socket the server has just
// closed may still count against the person's cap for a moment: 429s are retried until a deadline.
func (w *wsFuzz) connect(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		conn, resp, err := websocket.Dial(ctx, w.url, &websocket.DialOptions{Subprotocols: []string{Subprotocol}})
		cancel()
		if err == nil {
			conn.SetReadLimit(1 << 20)
			w.conn = conn
			break
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("dial: %v", err)
		}
	}
	if f := w.read(t); f.Type != "ready" {
		t.Fatalf("first frame %+v, want ready", f)
	}
}

// wsFrame is any server frame, with the members the checks look at.
type wsFrame struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Msg     string `json:"msg"`
	Message string `json:"message"`
	raw     []byte
}

func (w *wsFuzz) read(t *testing.T) wsFrame {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	typ, data, err := w.conn.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var f wsFrame
	if typ != websocket.MessageText || json.Unmarshal(data, &f) != nil || f.Type == "" {
		t.Fatalf("the server sent %v frame %q: not a JSON object with a type", typ, data)
	}
	f.raw = data
	return f
}

// serverTypes are the frames the protocol lets the server send.
var serverTypes = map[string]bool{
	"ready": true, "resync": true, "error": true, "history": true, "message": true, "status": true,
	"project.changed": true, "project.deleted": true, "labs.changed": true, "notice": true,
}

// wellFormed reports whether a text frame is what the protocol's client sends: one UTF-8 JSON
// object whose members are type (a string), room (a string) and msg (a string or null), each
// at most once, nothing else. Anything else must be answered with bad_frame.
func wellFormed(data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return false
		}
		switch key {
		case "type", "room":
			if _, ok := v.(string); !ok && v != nil {
				return false
			}
		case "msg":
			if _, ok := v.(string); !ok && v != nil {
				return false
			}
		default:
			return false
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return false
	}
	_, err = dec.Token()
	return errors.Is(err, io.EOF)
}

// FuzzClientFrame sends one arbitrary frame (text or binary) on a live socket, then a sync frame
// whose error answer marks the end of the answers. The socket must survive every frame of at
// most maxFrame bytes, each answer must be a protocol frame, a frame that is not a well-formed
// client frame must get a bad_frame error, a chat message echoed back must obey the chat rules,
// and a frame over maxFrame must close the socket with 1009.
func FuzzClientFrame(f *testing.F) {
	for _, s := range []struct {
		binary bool
		frame  string
	}{
		{false, `{"type":"join","room":"lobby"}`},
		{false, `{"type":"join","room":"lobby.ws-fuzz"}`},
		{false, `{"type":"join","room":"team-PID"}`},
		{false, `{"type":"text","room":"team-PID","msg":"hello"}`},
		{false, `{"type":"text","room":"lobby.ws-fuzz","msg":"hi \u00e9"}`},
		{false, `{"type":"leave","room":"team-PID"}`},
		{false, `{"type":"leave","room":"lobby"}`},
		{false, `{"type":"text","room":"lobby","msg":"\u0007"}`},
		{false, `{"type":"text","room":"lobby","msg":"   "}`},
		{false, `{"type":"join","room":"team-007"}`},
		{false, `{"type":"join","room":"team-99999999999999999999"}`},
		{false, `{"type":"join","room":"lobby.NOPE"}`},
		{false, `{"type":"join","room":"lobby","msg":"x"}`},
		{false, `{"TYPE":"join","room":"lobby"}`},
		{false, `{"type":"join","room":"lobby","extra":1}`},
		{false, `{"type":7}`},
		{false, `{"type":"join"}{"type":"join"}`},
		{false, `[]`},
		{false, `null`},
		{false, ``},
		{false, "{\"type\":\"text\",\"room\":\"lobby.ws-fuzz\",\"msg\":\"\xff\"}"},
		{false, "{\"type\":\"text\",\"room\":\"team-PID\",\"msg\":\"ok \xc3(\"}"},
		{true, `{"type":"join","room":"lobby"}`},
		{false, `{"type":"text","room":"lobby","msg":"` + strings.Repeat("a", 1001) + `"}`},
		{false, strings.Repeat(" ", maxFrame+1)},
	} {
		f.Add(s.binary, []byte(s.frame))
	}
	w := newWSFuzz(f)
	f.Fuzz(func(t *testing.T, binary bool, frame []byte) {
		if w.conn == nil {
			w.connect(t)
		}
		w.ensureJoined(t)
		frame = bytes.ReplaceAll(frame, []byte("PID"), []byte(strconv.FormatInt(w.pid, 10)))
		typ := websocket.MessageText
		if binary {
			typ = websocket.MessageBinary
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := w.conn.Write(ctx, typ, frame); err != nil {
			t.Fatalf("write %q: %v", frame, err)
		}
		var in struct{ Type any }
		if json.Unmarshal(frame, &in) != nil || in.Type == "leave" {
			w.joined = false // it may have left a room
		}
		if len(frame) > maxFrame {
			// The server closes with 1009; until then it may still send what it had queued.
			for {
				_, _, err := w.conn.Read(ctx)
				if err == nil {
					continue
				}
				if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
					t.Fatalf("a frame of %d bytes ended the socket with %v, want close 1009", len(frame), err)
				}
				w.conn, w.joined = nil, false
				return
			}
		}
		w.sync++
		marker := fmt.Sprintf("sync-%d", w.sync)
		if err := w.conn.Write(ctx, websocket.MessageText, []byte(`{"type":"`+marker+`"}`)); err != nil {
			t.Fatalf("write the sync frame after %q: %v", frame, err)
		}
		var answers []wsFrame
		for {
			fr := w.read(t)
			if fr.Type == "error" && fr.Code == string(oapigen.ErrorMessageCodeUnknownType) && strings.Contains(fr.Message, `"`+marker+`"`) {
				break
			}
			answers = append(answers, fr)
		}
		// The read loop stores a message before it reads the next frame: by the sync answer, what
		// this frame stored is in the database.
		var stored []string
		rows, err := w.st.Pool().Query(ctx, "SELECT id, body FROM chat_messages WHERE id > $1 ORDER BY id", w.lastChat)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var body string
			if err := rows.Scan(&w.lastChat, &body); err != nil {
				t.Fatal(err)
			}
			stored = append(stored, body)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for _, body := range stored {
			if !validChat(body) {
				t.Fatalf("frame %q stored the chat message %q", frame, body)
			}
		}
		if len(stored) > 0 && (binary || !wellFormed(frame)) {
			t.Fatalf("the malformed frame %q stored %q", frame, stored)
		}
		for _, fr := range answers {
			if !serverTypes[fr.Type] {
				t.Fatalf("frame %q got the answer %s of an unknown type", frame, fr.raw)
			}
			if fr.Type == "error" && !oapigen.ErrorMessageCode(fr.Code).Valid() {
				t.Fatalf("frame %q got an error of unknown code: %s", frame, fr.raw)
			}
			// Chat messages come back through the event bus, so one may answer an earlier frame.
			if fr.Type == "message" && !validChat(fr.Msg) {
				t.Fatalf("the chat message %q was sent (after frame %q)", fr.Msg, frame)
			}
		}
		if binary || !wellFormed(frame) {
			for _, a := range answers {
				if a.Type == "error" && a.Code == string(oapigen.ErrorMessageCodeBadFrame) {
					return
				}
			}
			t.Fatalf("the malformed frame %q (binary %v) got %d answers and no bad_frame error", frame, binary, len(answers))
		}
	})
}
