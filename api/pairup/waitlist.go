package pairup

import "time"

// Audit actions of waitlists and holds.
const (
	AuditQueueJoined  = "queue.joined"  // a team joined a full slot's line
	AuditQueueLeft    = "queue.left"    // a team left it
	AuditHoldOffered  = "hold.offered"  // a freed place was held for the first team in line
	AuditHoldAccepted = "hold.accepted" // the team took it: its booking moved there
	AuditHoldDeclined = "hold.declined" // the team passed it on
	AuditHoldLapsed   = "hold.lapsed"   // the hold expired and the place passed on
)

// QueueSlot is a slot as its line sees it: its bookings, and the places held from the line,
// which count against its capacity as bookings do.
type QueueSlot struct {
	LabSlot
	Held int
}

// Free is how many places the slot can still offer: its capacity less its bookings and holds
// (places given by force are never offered).
func (q QueueSlot) Free() int { return q.Capacity - q.Booked - q.Held }

// QueueEntry is a team's place in a slot's line; Position 1 is next.
type QueueEntry struct {
	Lab       LabSlot
	ProjectID int64
	Position  int
	QueuedAt  time.Time
}

// Hold is a place of a slot held for a team until ExpiresAt.
type Hold struct {
	ID        int64
	Unit      string
	Lab       LabSlot
	ProjectID int64
	OfferedAt time.Time
	ExpiresAt time.Time
}

// Lapsed reports whether the hold has run out at the instant.
func (h Hold) Lapsed(now time.Time) bool { return !h.ExpiresAt.After(now) }

// Waitlist is the lines and holds a caller may see (one team's, or a whole unit's) and the
// unit's slots that are full now, which a team may queue for.
type Waitlist struct {
	Entries []QueueEntry
	Holds   []Hold
	Full    []LabSlot
}
