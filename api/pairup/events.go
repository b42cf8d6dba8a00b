package pairup

import (
	"context"
	"time"
)

// Kinds of Event.
const (
	EventProjectChanged = "project.changed" // a project was created or updated
	EventProjectDeleted = "project.deleted" // a team dissolved
	EventChatMessage    = "chat.message"    // a chat message was stored
	EventChatStatus     = "chat.status"     // someone entered or left a room
	EventResync         = "resync"          // many things changed (an import): clients refetch
	EventUnitChanged    = "unit.changed"    // a unit's title, zone or policy changed
)

// Event is a change that every server instance hears of once it has committed. It carries ids,
// not data: each instance reads the current state itself, so events stay small and a slow
// listener never shows stale data.
type Event struct {
	Kind      string  `json:"kind"`
	Unit      string  `json:"unit,omitempty"` // the unit it happened in; "" for every unit
	ProjectID int64   `json:"pid,omitempty"`
	LabIDs    []int64 `json:"labs,omitempty"` // slots whose availability may have changed
	MessageID int64   `json:"msg,omitempty"`
	Room      string  `json:"room,omitempty"`
	Text      string  `json:"text,omitempty"`    // a status line
	Student   string  `json:"student,omitempty"` // the one person it is for (a notice)
	NoticeID  int64   `json:"notice,omitempty"`
	At        int64   `json:"at,omitempty"` // when it was sent (NOTIFY), in Unix microseconds: for the event lag metric
}

// EventBus carries events between instances.
type EventBus interface {
	// Publish sends an event that is not part of a transaction (chat status lines).
	Publish(ctx context.Context, e Event) error
	// Listen calls handle for every event until ctx ends. resync is called each time the
	// listener has connected, the first time included: events committed before then were
	// missed (at startup, or after a lost connection), so listeners can tell clients to refetch.
	// lost, unless nil, is called each time the listener loses its connection (or fails to
	// connect): events are missed until the next resync.
	Listen(ctx context.Context, handle func(Event), resync func(), lost func(error)) error
}

// ChatMessage is one message in a chat room.
type ChatMessage struct {
	ID     int64
	Unit   string // the unit whose room it is
	Room   string // lobby or team-<pid>, within the unit
	From   string // the sender's name; student numbers are never shown
	Body   string
	SentAt time.Time
}

// MaxChatMessage is the longest chat message, in characters.
const MaxChatMessage = 1000

// LabAvailability says whether a slot has room left.
type LabAvailability struct {
	LabSlot
	Available bool
}
