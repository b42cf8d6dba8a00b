package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/internal/apitest"
)

// wsConn is a test client of /api/ws.
type wsConn struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context

	// wsTHidden are strings (student numbers) no chat frame (history, status, message) may
	// contain: chat shows names only.
	wsTHidden []string
}

// frame is any server frame; raw keeps it whole for the fields a test cares about.
type frame struct {
	Type string          `json:"type"`
	Room string          `json:"room"`
	Msg  string          `json:"msg"`
	From string          `json:"from"`
	Code string          `json:"code"`
	Pid  int64           `json:"pid"`
	Raw  json.RawMessage `json:"-"`
}

// dialWS opens /api/ws with the token in the subprotocol list and waits for "ready", after
// which the connection receives every push.
func dialWS(t *testing.T, s *testServer, tok apitest.Bearer) *wsConn {
	t.Helper()
	c, resp, err := dialWSRaw(s, []string{"pairup.v1", "bearer." + string(tok)})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial /api/ws: status %d: %v", status, err)
	}
	if c.Subprotocol() != "pairup.v1" {
		t.Fatalf("server selected subprotocol %q, want pairup.v1", c.Subprotocol())
	}
	ws := &wsConn{t: t, conn: c, ctx: context.Background()}
	t.Cleanup(func() { c.CloseNow() })
	ws.expect("ready")
	return ws
}

func dialWSRaw(s *testServer, protocols []string) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(s.URL, "http") + "/api/ws"
	return websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: protocols})
}

// next reads the next frame, failing the test after 10 seconds.
func (w *wsConn) next() frame {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 10*time.Second)
	defer cancel()
	_, data, err := w.conn.Read(ctx)
	if err != nil {
		w.t.Fatalf("read frame: %v", err)
	}
	f := wsTParse(w.t, data)
	if f.Type == "history" || f.Type == "status" || f.Type == "message" {
		for _, h := range w.wsTHidden {
			if strings.Contains(string(data), h) {
				w.t.Fatalf("chat frame shows %q, which only names may replace: %s", h, data)
			}
		}
	}
	return f
}

// wsTParse decodes a server frame and checks it against the ServerMessage schema of the
// embedded spec, so openapi.yaml cannot drift from what the server pushes.
func wsTParse(t testing.TB, data []byte) frame {
	t.Helper()
	var f frame
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("frame %q is not JSON: %v", data, err)
	}
	f.Raw = data
	if err := wsTValidate(data); err != nil {
		t.Fatalf("frame does not match openapi.yaml: %v\nframe: %s", err, data)
	}
	return f
}

// wsTMessages maps each `type` of a ServerMessage to its schema, from the discriminator.
var wsTMessages = sync.OnceValues(func() (map[string]*openapi3.Schema, error) {
	spec, err := oapigen.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	const prefix = "#/components/schemas/"
	sm := spec.Components.Schemas["ServerMessage"]
	if sm == nil || sm.Value == nil || sm.Value.Discriminator == nil {
		return nil, fmt.Errorf("openapi.yaml has no ServerMessage with a discriminator")
	}
	byType := map[string]*openapi3.Schema{}
	mapped := map[string]bool{}
	for typ, ref := range sm.Value.Discriminator.Mapping {
		s := spec.Components.Schemas[strings.TrimPrefix(ref.Ref, prefix)]
		if s == nil || s.Value == nil {
			return nil, fmt.Errorf("ServerMessage maps %q to %s, which is not a schema", typ, ref.Ref)
		}
		byType[typ] = s.Value
		mapped[ref.Ref] = true
	}
	for _, one := range sm.Value.OneOf {
		if !mapped[one.Ref] {
			return nil, fmt.Errorf("ServerMessage lists %s in oneOf but not in its discriminator", one.Ref)
		}
	}
	if len(sm.Value.OneOf) != len(byType) {
		return nil, fmt.Errorf("ServerMessage has %d oneOf entries and %d discriminator mappings", len(sm.Value.OneOf), len(byType))
	}
	return byType, nil
})

// wsTValidate checks one server frame against the schema its `type` selects.
func wsTValidate(data []byte) error {
	byType, err := wsTMessages()
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("a frame must be a JSON object")
	}
	typ, ok := obj["type"].(string)
	if !ok {
		return fmt.Errorf("a frame must have a string type")
	}
	schema, ok := byType[typ]
	if !ok {
		return fmt.Errorf("type %q is not a ServerMessage", typ)
	}
	return schema.VisitJSON(v, openapi3.MultiErrors(), openapi3.EnableFormatValidation())
}

// expect reads frames until one of the given type arrives, skipping pushes of other types.
func (w *wsConn) expect(typ string) frame {
	w.t.Helper()
	for {
		f := w.next()
		if f.Type == typ {
			return f
		}
	}
}

// send writes one text frame.
func (w *wsConn) send(v any) {
	w.t.Helper()
	var data []byte
	switch b := v.(type) {
	case string:
		data = []byte(b)
	default:
		var err error
		if data, err = json.Marshal(v); err != nil {
			w.t.Fatal(err)
		}
	}
	if err := w.conn.Write(w.ctx, websocket.MessageText, data); err != nil {
		w.t.Fatalf("write frame: %v", err)
	}
}

// wsTClosed reads (and checks) frames until the server closes the connection, failing the
// test if it is still open at deadline. It returns the close status and when the close came.
func (w *wsConn) wsTClosed(deadline time.Time) (websocket.StatusCode, time.Time) {
	w.t.Helper()
	ctx, cancel := context.WithDeadline(w.ctx, deadline)
	defer cancel()
	for {
		_, data, err := w.conn.Read(ctx)
		if err != nil {
			at := time.Now()
			if ctx.Err() != nil {
				w.t.Fatalf("connection still open at the deadline (%v)", err)
			}
			return websocket.CloseStatus(err), at
		}
		wsTParse(w.t, data)
	}
}

// wsTProbes numbers probe frames so each answer is told apart.
var wsTProbes atomic.Int64

// wsTQuiet proves that nothing is queued for the connection: it sends a frame of an unknown
// type, whose error answer is queued behind whatever the server had queued before, and fails
// unless that answer is the very next frame. Once a push has reached one client of an
// instance it has been queued for every client of that instance, so wsTQuiet on another
// client of the same instance proves that client was not sent it.
func (w *wsConn) wsTQuiet(why string) {
	w.t.Helper()
	typ := fmt.Sprintf("wsT.probe.%d", wsTProbes.Add(1))
	w.send(map[string]string{"type": typ})
	f := w.next()
	if f.Type != "error" || f.Code != "unknown_type" || !strings.Contains(string(f.Raw), typ) {
		w.t.Fatalf("%s: got %s, want nothing before the answer to probe %s", why, f.Raw, typ)
	}
}
