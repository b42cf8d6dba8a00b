package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

// client is one WebSocket connection of a signed-in person.
type client struct {
	hub     *Hub
	conn    *websocket.Conn
	person  pairup.Person
	tokenID string

	// Guarded by hub.mu.
	siteAdmin bool               // hears every unit
	units     map[string]bool    // the units the person is enrolled in: the pushes they hear
	joined    map[string]roomRef // room key → the room

	send      chan []byte // frames waiting for the writer; full means the client is too slow
	closeOnce sync.Once
	closed    chan struct{}
}

// Serve upgrades the request to a WebSocket for an authenticated caller and serves it until it
// closes. The caller has offered Subprotocol; authentication happened before.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, caller auth.Caller) error {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return pairup.Errorf(pairup.EINVALID, "/api/ws speaks WebSocket only")
	}
	if !offers(r, Subprotocol) {
		return pairup.Errorf(pairup.EINVALID, "offer the subprotocol %s", Subprotocol)
	}
	// Counted before the upgrade, so that concurrent handshakes cannot all slip under the cap.
	if !h.acquireSocket(caller.Number) {
		return pairup.Errorf(pairup.ETHROTTLED, "you already hold %d live connections; close one first", h.cfg.MaxSocketsPerPerson)
	}
	defer h.releaseSocket(caller.Number)
	// Read before the upgrade, so that a database that does not answer is a 503 (errorHandler)
	// the client can retry, not a socket closed right after it opened.
	units, err := h.store.UnitsOfPeople(r.Context(), []string{caller.Number})
	if err != nil {
		return fmt.Errorf("enrolments of a new connection: %w", err)
	}
	upgradeHeaders(w, r)
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols: []string{Subprotocol},
		// No permessage-deflate: a small compressed frame could inflate into a huge one.
		CompressionMode: websocket.CompressionDisabled,
		// The token travels in the subprotocol header, never in a cookie, so a page on another
		// origin cannot ride on a student's session: the Origin check adds nothing and would
		// refuse the Vite dev server.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return nil // Accept has answered the client already
	}
	conn.SetReadLimit(maxFrame)
	c := &client{
		hub: h, conn: conn, person: caller.Person, tokenID: caller.Token.ID,
		siteAdmin: caller.SiteAdmin, units: setOf(units[caller.Number]), joined: map[string]roomRef{},
		send:   make(chan []byte, h.cfg.QueueSize),
		closed: make(chan struct{}),
	}
	// Queued before the client is registered, so that no push can overtake it: ready comes first.
	c.enqueue(encode(oapigen.ReadyMessage{Type: oapigen.Ready}))
	if !h.register(c) {
		conn.Close(websocket.StatusGoingAway, "server shutting down")
		return nil
	}
	defer h.wg.Done()
	h.observer().OnSocketOpen()
	defer h.observer().OnSocketClose()

	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	expiry := time.AfterFunc(time.Until(caller.Token.Expires), func() { c.close(CloseUnauthorized, "token expired") })
	defer expiry.Stop()

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writeLoop(ctx)
	}()
	c.readLoop(ctx)

	for _, ref := range h.unregister(c) {
		h.announce(ctx, ref, c.person.Name+" has left the room.")
	}
	c.close(websocket.StatusNormalClosure, "")
	cancel()
	<-writerDone
	return nil
}

// enqueue queues a frame without ever blocking the sender: a client whose queue is full has
// fallen behind and is closed (1008) so it reconnects and refetches.
func (c *client) enqueue(frame []byte) {
	select {
	case <-c.closed:
	case c.send <- frame:
	default:
		if c.close(websocket.StatusPolicyViolation, "too slow: reconnect and refetch") {
			c.hub.observer().OnQueueClosure()
		}
	}
}

// close starts the closing handshake once, reporting whether this call did; it never blocks
// the caller.
func (c *client) close(code websocket.StatusCode, reason string) (first bool) {
	c.closeOnce.Do(func() {
		first = true
		close(c.closed)
		go c.conn.Close(code, reason)
	})
	return first
}

func (c *client) writeLoop(ctx context.Context) {
	ping := time.NewTicker(c.hub.cfg.PingInterval)
	defer ping.Stop()
	for {
		select {
		case <-c.closed:
			return
		case <-ctx.Done():
			return
		case frame := <-c.send:
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.conn.Write(wctx, websocket.MessageText, frame)
			cancel()
			if err != nil {
				c.close(websocket.StatusPolicyViolation, "write failed")
				return
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.conn.Ping(pctx)
			cancel()
			if err != nil {
				c.close(websocket.StatusPolicyViolation, "no pong")
				return
			}
		}
	}
}

// inbound is any client frame; which fields matter depends on Type.
type inbound struct {
	Type string  `json:"type"`
	Room string  `json:"room"`
	Msg  *string `json:"msg"`
}

func (c *client) readLoop(ctx context.Context) {
	for {
		typ, data, err := c.conn.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			c.fail(oapigen.ErrorMessageCodeBadFrame, "send JSON text frames")
			continue
		}
		in, err := decodeInbound(data)
		if err != nil {
			c.fail(oapigen.ErrorMessageCodeBadFrame, err.Error())
			continue
		}
		c.handle(ctx, in)
	}
}

// decodeInbound reads one client frame: a JSON object whose member names are exactly those of
// the protocol (encoding/json alone would also take "TYPE").
func decodeInbound(data []byte) (inbound, error) {
	errFrame := errors.New("a frame must be one JSON object with a type, and room and msg as needed")
	if !utf8.Valid(data) {
		// encoding/json would turn broken bytes into U+FFFD and store that as the student's words.
		return inbound{}, errors.New("a text frame must be UTF-8")
	}
	var members map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&members); err != nil || dec.More() || members == nil {
		return inbound{}, errFrame
	}
	for name := range members {
		if name != "type" && name != "room" && name != "msg" {
			return inbound{}, fmt.Errorf("unknown field %q", name)
		}
	}
	var in inbound
	if err := json.Unmarshal(data, &in); err != nil {
		return inbound{}, errFrame
	}
	return in, nil
}

func (c *client) fail(code oapigen.ErrorMessageCode, message string) {
	c.enqueue(encode(oapigen.ErrorMessage{Type: oapigen.Error, Code: code, Message: message}))
}

func (c *client) handle(ctx context.Context, in inbound) {
	switch in.Type {
	case "join", "leave", "text":
	default:
		c.fail(oapigen.ErrorMessageCodeUnknownType, fmt.Sprintf("unknown type %q; send join, text or leave", in.Type))
		return
	}
	unit, pid, ok := parseRoom(in.Room)
	if !ok {
		c.fail(oapigen.ErrorMessageCodeInvalid, "room must be lobby, lobby.<unit> or team-<pid>")
		return
	}
	if (in.Msg != nil) != (in.Type == "text") {
		c.fail(oapigen.ErrorMessageCodeInvalid, "msg belongs to text frames only, and they need one")
		return
	}
	if in.Type != "text" && !c.hub.limits(c.person.Number).rooms.Allow() {
		c.fail(oapigen.ErrorMessageCodeRateLimited, "slow down: too many joins and leaves")
		return
	}
	switch in.Type {
	case "join":
		c.join(ctx, in.Room, unit, pid)
	case "leave":
		ref, ok := c.hub.leave(c, in.Room)
		if !ok {
			c.fail(oapigen.ErrorMessageCodeNotJoined, "you are not in room "+in.Room)
			return
		}
		c.hub.announce(ctx, ref, c.person.Name+" has left the room.")
	case "text":
		c.text(ctx, in.Room, *in.Msg)
	}
}

// roomRef is a room as stored: its unit and its name within the unit (lobby or team-<pid>).
type roomRef struct {
	unit, room string
}

func (r roomRef) key() string { return roomKey(r.unit, r.room) }

// resolve finds which room a client's name means and whether the client may be in it: a unit's
// lobby is for its people (and site admins), a team's room for its members.
func (c *client) resolve(ctx context.Context, wire, unit string, pid int64) (roomRef, oapigen.ErrorMessageCode, string) {
	if pid != 0 {
		p, err := c.hub.store.Project(ctx, pid)
		switch {
		case pairup.ErrorCode(err) == pairup.ENOTFOUND || err == nil && !p.HasMember(c.person.Number):
			return roomRef{}, oapigen.ErrorMessageCodeForbidden, "only the team's members may join " + wire
		case err != nil:
			c.hub.logger.ErrorContext(ctx, "check team membership", "err", err)
			return roomRef{}, oapigen.ErrorMessageCodeInternal, "could not check your team; try again"
		}
		ref := roomRef{unit: p.Unit, room: teamRoom(pid)}
		if code, why := c.live(ctx, ref); code != "" {
			return roomRef{}, code, why
		}
		return ref, "", ""
	}
	if unit == "" {
		code, err := c.hub.store.DefaultUnitCode(ctx)
		if err != nil {
			c.hub.logger.ErrorContext(ctx, "default unit", "err", err)
			return roomRef{}, oapigen.ErrorMessageCodeInternal, "could not find the lobby; try again"
		}
		unit = code
	}
	c.hub.mu.Lock()
	member := c.siteAdmin || c.units[unit]
	c.hub.mu.Unlock()
	if !member {
		return roomRef{}, oapigen.ErrorMessageCodeForbidden, "only the unit's people may join " + wire
	}
	ref := roomRef{unit: unit, room: "lobby"}
	if code, why := c.live(ctx, ref); code != "" {
		return roomRef{}, code, why
	}
	return ref, "", ""
}

// live refuses rooms of an archived unit: its chat has stopped.
func (c *client) live(ctx context.Context, ref roomRef) (oapigen.ErrorMessageCode, string) {
	u, err := c.hub.store.Unit(ctx, ref.unit)
	switch {
	case err != nil:
		c.hub.logger.ErrorContext(ctx, "unit of a room", "unit", ref.unit, "err", err)
		return oapigen.ErrorMessageCodeInternal, "could not check the room; try again"
	case u.Archived():
		return oapigen.ErrorMessageCodeForbidden, "the unit is archived: its chat has stopped"
	}
	return "", ""
}

func (c *client) join(ctx context.Context, wire, unit string, pid int64) {
	ref, code, why := c.resolve(ctx, wire, unit, pid)
	if code != "" {
		c.fail(code, why)
		return
	}
	// Joined before the history is read, so nothing said in between is lost; a message stored
	// meanwhile may arrive live before the history and again in it, and clients drop repeated ids.
	// Joining a room again only resends its history: the room hears of an arrival once.
	first := c.hub.joinRoom(c, wire, ref)
	history, err := c.hub.store.RecentChatMessages(ctx, ref.unit, ref.room, c.hub.cfg.HistorySize)
	if err != nil {
		if first {
			c.hub.leaveRef(c, ref)
		}
		c.hub.logger.ErrorContext(ctx, "chat history", "room", wire, "err", err)
		c.fail(oapigen.ErrorMessageCodeInternal, "could not load the room's history; try again")
		return
	}
	msg := oapigen.HistoryMessage{Type: oapigen.History, Unit: ref.unit, Room: wire, Messages: make([]oapigen.ChatMessage, len(history))}
	for i, m := range history {
		msg.Messages[i] = chatJSON(m, wire)
	}
	c.enqueue(encode(msg))
	if first {
		c.hub.announce(ctx, ref, c.person.Name+" has entered the room.")
	}
}

func (c *client) text(ctx context.Context, wire, body string) {
	ref, ok := c.hub.joinedRoom(c, wire)
	if !ok {
		c.fail(oapigen.ErrorMessageCodeNotJoined, "join "+wire+" before writing to it")
		return
	}
	n := utf8.RuneCountInString(body)
	// U+FFFD is what decoding left of a lone surrogate (\ud800): not what the student typed.
	if n == 0 || strings.TrimSpace(body) == "" || n > pairup.MaxChatMessage || pairup.HasControl(body) || !utf8.ValidString(body) ||
		strings.ContainsRune(body, utf8.RuneError) {
		c.fail(oapigen.ErrorMessageCodeInvalid, fmt.Sprintf("msg must be 1 to %d characters without control characters", pairup.MaxChatMessage))
		return
	}
	if !c.hub.limits(c.person.Number).messages.Allow() {
		c.fail(oapigen.ErrorMessageCodeRateLimited, "slow down: at most 5 messages a second")
		return
	}
	if code, why := c.live(ctx, ref); code != "" {
		c.fail(code, why)
		return
	}
	if _, err := c.hub.store.PostChatMessage(ctx, ref.unit, ref.room, c.person.Number, body); err != nil {
		if !errors.Is(err, context.Canceled) {
			c.hub.logger.ErrorContext(ctx, "store chat message", "err", err)
		}
		c.fail(oapigen.ErrorMessageCodeInternal, "the message was not sent; try again")
	}
}

// joinRoom adds the client to the room under the name it used and reports whether it was not in
// it already.
func (h *Hub) joinRoom(c *client, wire string, ref roomRef) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := ref.key()
	members, ok := h.rooms[key]
	if !ok {
		members = map[*client]string{}
		h.rooms[key] = members
	}
	_, already := members[c]
	members[c] = wire
	c.joined[key] = ref
	return !already
}

// joinedRoom finds the room the client joined by that name (for "lobby", the lobby it joined as
// lobby).
func (h *Hub) joinedRoom(c *client, wire string) (roomRef, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for key, ref := range c.joined {
		if h.rooms[key][c] == wire || key == wire {
			return ref, true
		}
	}
	return roomRef{}, false
}

// leave takes the client out of the room it joined by that name.
func (h *Hub) leave(c *client, wire string) (roomRef, bool) {
	ref, ok := h.joinedRoom(c, wire)
	if !ok {
		return roomRef{}, false
	}
	return ref, h.leaveRef(c, ref)
}

func (h *Hub) leaveRef(c *client, ref roomRef) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := ref.key()
	members := h.rooms[key]
	if _, ok := members[c]; !ok {
		return false
	}
	delete(members, c)
	delete(c.joined, key)
	if len(members) == 0 {
		delete(h.rooms, key)
	}
	return true
}

// announce tells the room on every instance that someone entered or left.
func (h *Hub) announce(ctx context.Context, ref roomRef, text string) {
	e := pairup.Event{Kind: pairup.EventChatStatus, Unit: ref.unit, Room: ref.room, Text: text}
	if err := h.bus.Publish(ctx, e); err != nil && ctx.Err() == nil {
		h.logger.WarnContext(ctx, "announce", "room", ref.key(), "err", err)
	}
}

// offers reports whether the handshake lists the subprotocol.
func offers(r *http.Request, protocol string) bool {
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			if strings.TrimSpace(p) == protocol {
				return true
			}
		}
	}
	return false
}
