// Package realtime is Pair-Up's WebSocket layer: it pushes every committed change to every
// connected client and runs the chat rooms, fanning out across server instances through the
// event bus (Postgres LISTEN/NOTIFY).
package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/wire"
)

// Subprotocol is the protocol the server speaks on /api/ws.
const Subprotocol = "pairup.v1"

// Close codes beyond the standard ones.
const (
	// CloseUnauthorized closes a socket whose token was revoked or has expired.
	CloseUnauthorized websocket.StatusCode = 4401
)

// Store is what the hub reads: current state for pushes, chat history, enrolments, revocations.
type Store interface {
	PostChatMessage(ctx context.Context, unit, room, sender, body string) (pairup.ChatMessage, error)
	ChatMessage(ctx context.Context, id int64) (pairup.ChatMessage, error)
	RecentChatMessages(ctx context.Context, unit, room string, n int) ([]pairup.ChatMessage, error)
	Project(ctx context.Context, pid int64) (pairup.Project, error)
	LabAvailability(ctx context.Context, ids []int64) ([]pairup.LabAvailability, error)
	RevokedAmong(ctx context.Context, tokenIDs []string) ([]string, error)
	UnitsOfPeople(ctx context.Context, numbers []string) (map[string][]string, error)
	DefaultUnitCode(ctx context.Context) (string, error)
	Unit(ctx context.Context, code string) (pairup.Unit, error)
	Notice(ctx context.Context, id int64) (n pairup.Notice, archived bool, err error)
}

// Config tunes the hub; zero values take the defaults.
type Config struct {
	QueueSize       int           // frames queued per client before it counts as too slow (256)
	PingInterval    time.Duration // keepalive ping period (20s)
	RevocationCheck time.Duration // how often tokens are checked for revocation (2s)
	MessageRate     rate.Limit    // chat messages per second per student (5)
	MessageBurst    int           // chat burst per student (10)
	RoomRate        rate.Limit    // joins and leaves per second per student (2)
	RoomBurst       int           // join/leave burst per student (6)
	HistorySize     int           // messages sent on join (50)
	Observer        Observer      // hears of sockets and event lag (metrics); nil: nothing

	MaxSocketsPerPerson int // sockets one person may hold on this instance (DefaultMaxSocketsPerPerson)
}

func (c *Config) defaults() {
	if c.QueueSize == 0 {
		// A burst of 100 bookings is 200 frames for every client at once; a queue that holds
		// such a burst tells a stalled client from one the server itself is slow to serve.
		c.QueueSize = 256
	}
	if c.PingInterval == 0 {
		c.PingInterval = 20 * time.Second
	}
	if c.RevocationCheck == 0 {
		c.RevocationCheck = 2 * time.Second
	}
	if c.MessageRate == 0 {
		c.MessageRate = 5
	}
	if c.MessageBurst == 0 {
		c.MessageBurst = 10
	}
	if c.RoomRate == 0 {
		c.RoomRate = 2
	}
	if c.RoomBurst == 0 {
		c.RoomBurst = 6
	}
	if c.HistorySize == 0 {
		c.HistorySize = 50
	}
	if c.MaxSocketsPerPerson == 0 {
		c.MaxSocketsPerPerson = DefaultMaxSocketsPerPerson
	}
}

// Hub tracks this instance's connections and rooms.
type Hub struct {
	store  Store
	bus    pairup.EventBus
	logger *slog.Logger
	cfg    Config

	mu       sync.Mutex
	clients  map[*client]struct{}
	rooms    map[string]map[*client]string // room key → member → the name it joined by
	limiters map[string]*studentLimits     // per student, shared by their connections on this instance
	sockets  map[string]int                // person → sockets held on this instance, handshakes included
	closing  bool
	wg       sync.WaitGroup

	listening     chan struct{} // closed once the hub hears events
	listeningOnce sync.Once
	feedUp        atomic.Bool // the event listener holds its connection right now
}

// NewHub returns a hub; call Run to start receiving events.
func NewHub(store Store, bus pairup.EventBus, logger *slog.Logger, cfg Config) *Hub {
	cfg.defaults()
	return &Hub{
		store: store, bus: bus, logger: logger, cfg: cfg,
		clients:   map[*client]struct{}{},
		rooms:     map[string]map[*client]string{},
		limiters:  map[string]*studentLimits{},
		listening: make(chan struct{}),
	}
}

// Listening is closed once the hub hears events. A client told "ready" before then would miss
// the pushes of changes committed in between, so the server serves only after.
func (h *Hub) Listening() <-chan struct{} { return h.listening }

// FeedUp reports whether the hub hears events right now: false before the listener first
// connects, while it has lost its connection and after Run has ended. Readiness reports it.
func (h *Hub) FeedUp() bool { return h.feedUp.Load() }

// Run receives events from every instance and checks for revoked tokens until ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	go h.watchRevocations(ctx)
	defer h.feedUp.Store(false)
	return h.bus.Listen(ctx, func(e pairup.Event) { h.dispatch(ctx, e) }, func() {
		h.reloadUnits(ctx)
		h.broadcast(encode(oapigen.ResyncMessage{Type: oapigen.Resync}))
		h.feedUp.Store(true)
		h.listeningOnce.Do(func() { close(h.listening) })
	}, func(error) { h.feedUp.Store(false) })
}

// Shutdown closes every connection with 1001 (going away) and waits for them to end.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	for c := range h.clients {
		c.close(websocket.StatusGoingAway, "server shutting down")
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("close websockets: %w", ctx.Err())
	}
}

// register adds a connection; false when the hub is shutting down.
func (h *Hub) register(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.clients[c] = struct{}{}
	h.wg.Add(1)
	return true
}

// unregister removes a connection and returns the rooms it was in.
func (h *Hub) unregister(c *client) []roomRef {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
	var left []roomRef
	for key, ref := range c.joined {
		if members, ok := h.rooms[key]; ok {
			delete(members, c)
			if len(members) == 0 {
				delete(h.rooms, key)
			}
		}
		left = append(left, ref)
	}
	return left
}

// studentLimits keeps one student from flooding a room, with messages or with join and leave
// announcements.
type studentLimits struct {
	messages *rate.Limiter
	rooms    *rate.Limiter
}

func (h *Hub) limits(student string) *studentLimits {
	h.mu.Lock()
	defer h.mu.Unlock()
	l, ok := h.limiters[student]
	if !ok {
		l = &studentLimits{
			messages: rate.NewLimiter(h.cfg.MessageRate, h.cfg.MessageBurst),
			rooms:    rate.NewLimiter(h.cfg.RoomRate, h.cfg.RoomBurst),
		}
		h.limiters[student] = l
	}
	return l
}

// broadcast queues a frame for every connection on this instance.
func (h *Hub) broadcast(frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.enqueue(frame)
	}
}

// toUnit queues a frame for every connection on this instance whose person belongs to the unit
// (enrolled, or a site admin); unit "" is every connection.
func (h *Hub) toUnit(unit string, frame []byte) {
	if unit == "" {
		h.broadcast(frame)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		if c.siteAdmin || c.units[unit] {
			c.enqueue(frame)
		}
	}
}

// toPerson queues a frame for every connection on this instance of one person, and no one else:
// a notice is for its student alone, never their teammates.
func (h *Hub) toPerson(number string, frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		if c.person.Number == number {
			c.enqueue(frame)
		}
	}
}

// toRoom queues a frame for every connection on this instance that joined the room, named as
// each connection named it when joining (the default unit's lobby is both lobby and lobby.<code>).
func (h *Hub) toRoom(key string, frame func(wire string) []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	frames := map[string][]byte{}
	for c, wire := range h.rooms[key] {
		f, ok := frames[wire]
		if !ok {
			f = frame(wire)
			frames[wire] = f
		}
		c.enqueue(f)
	}
}

// reloadUnits refreshes which units each connection's person belongs to: enrolments may have
// changed (a roster import) or been missed (a lost event feed).
func (h *Hub) reloadUnits(ctx context.Context) {
	h.mu.Lock()
	numbers := make([]string, 0, len(h.clients))
	for c := range h.clients {
		numbers = append(numbers, c.person.Number)
	}
	h.mu.Unlock()
	if len(numbers) == 0 {
		return
	}
	units, err := h.store.UnitsOfPeople(ctx, numbers)
	if err != nil {
		if ctx.Err() == nil {
			h.logger.WarnContext(ctx, "reload enrolments", "err", err)
		}
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		c.units = setOf(units[c.person.Number])
	}
}

func setOf(codes []string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// dispatch turns an event from any instance into frames for this instance's clients. It reads
// the current state, so a burst of events for one project pushes its latest version.
func (h *Hub) dispatch(ctx context.Context, e pairup.Event) {
	if ctx.Err() != nil {
		return // shutting down: the sockets are closing anyway
	}
	defer h.observeLag(e)
	switch e.Kind {
	case pairup.EventProjectChanged:
		p, err := h.store.Project(ctx, e.ProjectID)
		switch pairup.ErrorCode(err) {
		case "":
			h.toUnit(p.Unit, encode(oapigen.ProjectChangedMessage{Type: oapigen.ProjectChanged, Unit: p.Unit, Project: wire.Project(p)}))
		case pairup.ENOTFOUND: // deleted since; its own event follows
		default:
			h.logger.ErrorContext(ctx, "push project", "pid", e.ProjectID, "err", err)
		}
		h.pushLabs(ctx, e.Unit, e.LabIDs)
	case pairup.EventProjectDeleted:
		h.toUnit(e.Unit, encode(oapigen.ProjectDeletedMessage{Type: oapigen.ProjectDeletedMessageTypeProjectDeleted, Unit: e.Unit, Pid: e.ProjectID}))
		h.pushLabs(ctx, e.Unit, e.LabIDs)
		h.closeRoom(teamRoom(e.ProjectID))
	case pairup.EventChatMessage:
		m, err := h.store.ChatMessage(ctx, e.MessageID)
		if err != nil {
			h.logger.ErrorContext(ctx, "push chat message", "id", e.MessageID, "err", err)
			return
		}
		h.toRoom(roomKey(m.Unit, m.Room), func(wire string) []byte { return encode(chatJSON(m, wire)) })
	case pairup.EventResync, pairup.EventUnitChanged:
		h.reloadUnits(ctx)
		frame := oapigen.ResyncMessage{Type: oapigen.Resync}
		if e.Unit != "" {
			frame.Unit = &e.Unit
		}
		h.toUnit(e.Unit, encode(frame))
	case pairup.EventNotice:
		h.pushNotice(ctx, e)
	case pairup.EventChatStatus:
		h.toRoom(roomKey(e.Unit, e.Room), func(wire string) []byte {
			return encode(oapigen.StatusMessage{Type: oapigen.Status, Unit: e.Unit, Room: wire, Msg: e.Text})
		})
	default:
		h.logger.WarnContext(ctx, "unknown event", "kind", e.Kind)
	}
}

// pushNotice sends a new notice to its student's connections; an archived unit pushes nothing.
func (h *Hub) pushNotice(ctx context.Context, e pairup.Event) {
	n, archived, err := h.store.Notice(ctx, e.NoticeID)
	switch {
	case pairup.ErrorCode(err) == pairup.ENOTFOUND || err == nil && (archived || n.Student != e.Student):
		return // deleted since (the unit, or the person), or archived
	case err != nil:
		h.logger.ErrorContext(ctx, "push notice", "id", e.NoticeID, "err", err)
		return
	}
	h.toPerson(n.Student, encode(oapigen.NoticeMessage{Type: oapigen.NoticeMessageTypeNotice, Unit: n.Unit, Notice: wire.Notice(n)}))
}

func (h *Hub) pushLabs(ctx context.Context, unit string, ids []int64) {
	if len(ids) == 0 {
		return
	}
	labs, err := h.store.LabAvailability(ctx, ids)
	if err != nil {
		h.logger.ErrorContext(ctx, "push labs", "err", err)
		return
	}
	msg := oapigen.LabsChangedMessage{Type: oapigen.LabsChanged, Unit: unit, Labs: make([]oapigen.LabAvailability, len(labs))}
	for i, l := range labs {
		msg.Labs[i] = wire.LabAvailability(l)
	}
	h.toUnit(unit, encode(msg))
}

// closeRoom empties a dissolved team's room: its members are no longer a team.
func (h *Hub) closeRoom(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.rooms[key] {
		delete(c.joined, key)
	}
	delete(h.rooms, key)
}

// watchRevocations closes, within one check period, every socket whose token was revoked on
// any instance. One query per period covers all of this instance's connections.
func (h *Hub) watchRevocations(ctx context.Context) {
	t := time.NewTicker(h.cfg.RevocationCheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		h.mu.Lock()
		byToken := map[string][]*client{}
		for c := range h.clients {
			byToken[c.tokenID] = append(byToken[c.tokenID], c)
		}
		h.mu.Unlock()
		if len(byToken) == 0 {
			continue
		}
		ids := make([]string, 0, len(byToken))
		for id := range byToken {
			ids = append(ids, id)
		}
		revoked, err := h.store.RevokedAmong(ctx, ids)
		if err != nil {
			if ctx.Err() == nil {
				h.logger.WarnContext(ctx, "check token revocations", "err", err)
			}
			continue
		}
		for _, id := range revoked {
			for _, c := range byToken[id] {
				c.close(CloseUnauthorized, "token revoked")
			}
		}
	}
}

func teamRoom(pid int64) string { return "team-" + strconv.FormatInt(pid, 10) }

// roomKey is the hub's own name of a unit's room: lobby.<unit> for its lobby, team-<pid> for a
// team's room (pids are unique across units).
func roomKey(unit, room string) string {
	if room == "lobby" {
		return "lobby." + unit
	}
	return room
}

// parseRoom reads a room name as clients write it: lobby (the default unit's lobby),
// lobby.<unit>, or team-<pid> (pid > 0). ok is false when the name is not a room.
func parseRoom(room string) (unit string, pid int64, ok bool) {
	if room == "lobby" {
		return "", 0, true
	}
	if code, found := strings.CutPrefix(room, "lobby."); found {
		return code, 0, pairup.ValidUnitCode(code)
	}
	digits, found := strings.CutPrefix(room, "team-")
	// Only the canonical spelling: team-007 would otherwise be a second room for team 7.
	if !found || digits == "" || digits[0] == '0' || len(digits) > 18 || strings.TrimLeft(digits, "0123456789") != "" {
		return "", 0, false
	}
	pid, err := strconv.ParseInt(digits, 10, 64)
	return "", pid, err == nil && pid > 0
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("realtime: encode %T: %v", v, err)) // our own types always encode
	}
	return b
}

func chatJSON(m pairup.ChatMessage, wire string) oapigen.ChatMessage {
	return oapigen.ChatMessage{Type: oapigen.Message, Id: m.ID, Unit: m.Unit, Room: wire, From: m.From, Msg: m.Body, At: m.SentAt.UTC()}
}
