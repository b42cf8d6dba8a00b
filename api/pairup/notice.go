package pairup

import "time"

// Kinds of Notice. Each is something that happened to one student, kept in their inbox.
const (
	NoticeInvited        = "invite.received" // a team invited them
	NoticeInviteAccepted = "invite.accepted" // someone accepted their team's invitation
	NoticeInviteDeclined = "invite.declined" // someone declined it
	NoticeInviteLapsed   = "invite.lapsed"   // an invitation to them lapsed (they joined a team, or it expired)
	NoticeHoldOffered    = "hold.offered"    // a place from a slot's waitlist is held for their team
	NoticeHoldLapsed     = "hold.lapsed"     // the hold expired and the place passed on
	NoticeMoved          = "team.moved"      // a coordinator moved their team, or changed it
	NoticeMatched        = "team.matched"    // "match the rest" put them in a team
	NoticeAllocated      = "slot.allocated"  // the ranked allocation booked their team a slot
	NoticeReminder       = "demo.reminder"   // their demonstration is tomorrow
)

// Notice is something that concerns one student: it reaches them live in their inbox, as a
// browser notification and, when mail is configured, by email.
type Notice struct {
	ID      int64
	Unit    string
	Student string // the student it is for
	Kind    string // one of the Notice* kinds
	Text    string // the line the inbox shows, in plain words
	// Data carries the ids a client can act on (invitation, hold, pid, lab_id).
	Data      map[string]any
	CreatedAt time.Time
	ReadAt    *time.Time
	// DedupeKey, when set, makes the notice once-only per student: a second one with the same
	// key is dropped (reminders, which every instance may try to send).
	DedupeKey string
}

// EventNotice is the event of a new notice; the realtime hub pushes it to its student alone.
const EventNotice = "notice"
