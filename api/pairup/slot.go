package pairup

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Audit actions of the coordinators' slot admin. Generating a session records one
// AuditLabsImported entry, as an import of slots does.
const (
	AuditSlotCreated = "slot.created"
	AuditSlotUpdated = "slot.updated"
	AuditSlotDeleted = "slot.deleted"
)

// Limits of slots and sessions.
const (
	MaxRoom         = 100  // characters in a room's name
	MaxCapacity     = 1000 // teams in one slot
	MaxSessionRooms = 20   // rooms in one session
	MaxSessionSlots = 500  // slots one session makes at most
	MinSlotMinutes  = 5
	MaxSlotMinutes  = 480
)

// Violations the storage reports about slots.
var (
	ErrSlotTaken  = errors.New("the room has a slot at that time already")
	ErrSlotBooked = errors.New("teams are booked in the slot")
)

// SlotTeam is a team booked in a slot, as the console lists it.
type SlotTeam struct {
	ProjectID int64
	Team      string // the members' names joined by " & "
}

// BookedSlot is a slot with the teams booked in it, by project id.
type BookedSlot struct {
	LabSlot
	Teams []SlotTeam
}

// TeamsText names the booked teams the way a coordinator reads them:
// "team 7 (Ada Lovelace & Charles Babbage), team 9 (Grace Hopper & Alan Turing)".
func (b BookedSlot) TeamsText() string {
	parts := make([]string, len(b.Teams))
	for i, t := range b.Teams {
		parts[i] = fmt.Sprintf("team %d (%s)", t.ProjectID, t.Team)
	}
	return strings.Join(parts, ", ")
}

// MinCapacity is the smallest capacity the slot may be given with its current bookings: the
// places given by force stay beyond it.
func (b BookedSlot) MinCapacity() int { return max(1, b.Booked-b.Forced) }

// NormalizeRoom trims a room's name and checks it: 1 to 100 characters, no control characters.
func NormalizeRoom(room string) (string, error) {
	r := strings.TrimSpace(room)
	if !utf8.ValidString(r) || r == "" || utf8.RuneCountInString(r) > MaxRoom || HasControl(r) || strings.ContainsRune(r, utf8.RuneError) {
		return "", Errorf(EINVALID, "must be 1 to %d characters without control characters", MaxRoom)
	}
	return r, nil
}

// ParseSlotTime reads a slot's start as the API writes it (2027-05-20T17:15): a wall-clock time
// in the unit's zone.
func ParseSlotTime(s string) (time.Time, error) {
	t, err := time.Parse(LabTimeLayout, s)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "must be a date and time like 2027-05-20T17:15")
	}
	return t, nil
}

func validCapacity(field string, c *int) (int, error) {
	if c == nil {
		return 1, nil
	}
	if *c < 1 || *c > MaxCapacity {
		return 0, FieldErrorf(EINVALID, field, "must be from 1 to %d", MaxCapacity)
	}
	return *c, nil
}

// NewSlot is a slot a coordinator adds, as sent.
type NewSlot struct {
	Room     string
	StartsAt string // LabTimeLayout, wall-clock time in the unit's zone
	Capacity *int   // nil: 1
}

// Slot checks the new slot and returns it (without a unit or id): EINVALID naming the field.
func (n NewSlot) Slot() (LabSlot, error) {
	room, err := NormalizeRoom(n.Room)
	if err != nil {
		return LabSlot{}, FieldErrorf(EINVALID, "room", "%s", err.(*Error).Message)
	}
	start, err := ParseSlotTime(n.StartsAt)
	if err != nil {
		return LabSlot{}, FieldErrorf(EINVALID, "starts_at", "%s", err.(*Error).Message)
	}
	capacity, err := validCapacity("capacity", n.Capacity)
	if err != nil {
		return LabSlot{}, err
	}
	return LabSlot{Room: room, StartsAt: start, Capacity: capacity}, nil
}

// SlotPatch changes a slot's room, start or capacity; nil fields stay as they are.
type SlotPatch struct {
	Room     *string
	StartsAt *string // LabTimeLayout
	Capacity *int
}

// Apply returns the slot with the patch applied: EINVALID naming the field. Whether the bookings
// allow the change is the use case's to decide.
func (p SlotPatch) Apply(l LabSlot) (LabSlot, error) {
	if p.Room != nil {
		room, err := NormalizeRoom(*p.Room)
		if err != nil {
			return l, FieldErrorf(EINVALID, "room", "%s", err.(*Error).Message)
		}
		l.Room = room
	}
	if p.StartsAt != nil {
		start, err := ParseSlotTime(*p.StartsAt)
		if err != nil {
			return l, FieldErrorf(EINVALID, "starts_at", "%s", err.(*Error).Message)
		}
		l.StartsAt = start
	}
	if p.Capacity != nil {
		c, err := validCapacity("capacity", p.Capacity)
		if err != nil {
			return l, err
		}
		l.Capacity = c
	}
	return l, nil
}

// SessionSpec describes a session of slots: in each room, from Start stepping SlotMinutes, every
// slot that ends by End, on Date. Times are wall-clock times in the unit's zone (on a day the
// clocks change, a wall-clock time may occur twice or not at all; slots follow the wall clock).
type SessionSpec struct {
	Rooms       []string
	Date        string // 2027-05-20
	Start, End  string // 17:00, within the day
	SlotMinutes int
	Capacity    *int // nil: 1
}

// Slots checks the session and returns its slots in time order (then by room), each with the
// session's capacity: EINVALID naming the field.
func (s SessionSpec) Slots() ([]LabSlot, error) {
	if len(s.Rooms) == 0 || len(s.Rooms) > MaxSessionRooms {
		return nil, FieldErrorf(EINVALID, "rooms", "must name 1 to %d rooms", MaxSessionRooms)
	}
	rooms := make([]string, len(s.Rooms))
	for i, r := range s.Rooms {
		room, err := NormalizeRoom(r)
		if err != nil {
			return nil, FieldErrorf(EINVALID, "rooms", "each room %s", err.(*Error).Message)
		}
		if slices.Contains(rooms[:i], room) {
			return nil, FieldErrorf(EINVALID, "rooms", "must not name %s twice", room)
		}
		rooms[i] = room
	}
	day, err := time.Parse(time.DateOnly, s.Date)
	if err != nil {
		return nil, FieldErrorf(EINVALID, "date", "must be a date like 2027-05-20")
	}
	start, err := time.Parse("15:04", s.Start)
	if err != nil {
		return nil, FieldErrorf(EINVALID, "start", "must be a time like 17:00")
	}
	end, err := time.Parse("15:04", s.End)
	if err != nil {
		return nil, FieldErrorf(EINVALID, "end", "must be a time like 18:00")
	}
	if !end.After(start) {
		return nil, FieldErrorf(EINVALID, "end", "must be after start (%s)", s.Start)
	}
	if s.SlotMinutes < MinSlotMinutes || s.SlotMinutes > MaxSlotMinutes {
		return nil, FieldErrorf(EINVALID, "slot_minutes", "must be from %d to %d", MinSlotMinutes, MaxSlotMinutes)
	}
	capacity, err := validCapacity("capacity", s.Capacity)
	if err != nil {
		return nil, err
	}
	step := time.Duration(s.SlotMinutes) * time.Minute
	perRoom := int(end.Sub(start) / step)
	switch n := perRoom * len(rooms); {
	case perRoom == 0:
		return nil, FieldErrorf(EINVALID, "slot_minutes", "a slot of %d minutes does not fit between %s and %s", s.SlotMinutes, s.Start, s.End)
	case n > MaxSessionSlots:
		return nil, FieldErrorf(EINVALID, "slot_minutes", "the session would make %d slots; one session makes at most %d", n, MaxSessionSlots)
	}
	first := day.Add(time.Duration(start.Hour())*time.Hour + time.Duration(start.Minute())*time.Minute)
	slices.Sort(rooms)
	slots := make([]LabSlot, 0, perRoom*len(rooms))
	for i := range perRoom {
		for _, room := range rooms {
			slots = append(slots, LabSlot{Room: room, StartsAt: first.Add(time.Duration(i) * step), Capacity: capacity})
		}
	}
	return slots, nil
}

// PlannedSlot is a slot a session would make, and whether the unit has it already (same room
// and start); generating leaves an existing slot as it is.
type PlannedSlot struct {
	LabSlot
	Exists bool
}

// Demo is one team's demonstration in its booked slot, as calendars show it.
type Demo struct {
	Team       Project
	Start, End time.Time // instants, in UTC
}

// demoGap is the longest gap to a neighbouring slot of the room taken as a demo's length.
const demoGap = time.Hour

// DefaultDemoLength is how long a demo lasts when its slot's neighbours do not tell.
const DefaultDemoLength = 15 * time.Minute

// DemoLength is how long a demo in the slot lasts, from the unit's other slots: until the next
// slot of the same room that day when that starts at most an hour later; otherwise (the last
// slot of a session) as long as the gap since the previous slot of the room that day, when at
// most an hour; otherwise 15 minutes.
func DemoLength(slots []LabSlot, l LabSlot) time.Duration {
	var next, prev time.Duration
	y, m, d := l.StartsAt.Date()
	for _, o := range slots {
		if o.Room != l.Room || o.ID == l.ID {
			continue
		}
		if oy, om, od := o.StartsAt.Date(); oy != y || om != m || od != d {
			continue
		}
		switch gap := o.StartsAt.Sub(l.StartsAt); {
		case gap > 0 && (next == 0 || gap < next):
			next = gap
		case gap < 0 && (prev == 0 || -gap < prev):
			prev = -gap
		}
	}
	switch {
	case next > 0 && next <= demoGap:
		return next
	case prev > 0 && prev <= demoGap:
		return prev
	}
	return DefaultDemoLength
}

// TeamContacts is a team with its members' e-mail addresses, as the coordinators' export lists
// it.
type TeamContacts struct {
	Project
	Emails []string // Emails[i] is Members[i]'s address; "" when none is known
}
