package pairup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultUnitCode is the code of the unit a fresh database starts with.
const DefaultUnitCode = "default"

var unitCodeRE = regexp.MustCompile(`^[a-z0-9-]{2,40}$`)

// ValidUnitCode reports whether c has the shape of a unit code: 2–40 of a-z, 0-9 and "-".
func ValidUnitCode(c string) bool { return unitCodeRE.MatchString(c) }

// Unit is one offering of a course, with its own roster, slots and policy.
type Unit struct {
	Code     string
	Title    string
	Timezone string // an IANA zone name; slot times are wall-clock times in it
	Default  bool   // the unit the routes without /units/{unit} act on
	Policy   Policy
	// ArchivedAt is when the unit was archived (nil while it is live): read-only for everyone
	// from then on, with no pushes or chat.
	ArchivedAt *time.Time
}

// Archived reports whether the unit is archived.
func (u Unit) Archived() bool { return u.ArchivedAt != nil }

// Location is the unit's time zone (UTC when the name is unknown, which validation prevents).
func (u Unit) Location() *time.Location {
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SlotStart is the instant a slot of this unit starts: its wall-clock time in the unit's zone.
func (u Unit) SlotStart(l LabSlot) time.Time {
	t := l.StartsAt
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, u.Location())
}

// Policy is what a unit's students may do and when.
type Policy struct {
	TeamMin, TeamMax int        // team size, creator included: 1 ≤ min ≤ max ≤ 10
	OpensAt          *time.Time // sign-up opens; nil: always has
	ClosesAt         *time.Time // sign-up closes; nil: never does
	GuardMinutes     int        // no booking, changing or dissolving within this long of a slot's start
	// Consent is how named partners join a new team: ConsentDirect adds them, ConsentInvite
	// invites them and they accept or decline.
	Consent     string
	InviteHours int // an invitation lapses this long after it was sent
	// Booking is how teams get slots: BookingFirstCome books on request, BookingRanked lets
	// teams rank slots and one allocation books them all.
	Booking     string
	HoldMinutes int // a waitlist hold lasts this long
}

// Consent and booking modes.
const (
	ConsentDirect    = "direct"
	ConsentInvite    = "invite"
	BookingFirstCome = "first_come"
	BookingRanked    = "ranked"
)

// DefaultPolicy is the seed's: pairs, always open, no guard time, partners added directly,
// slots booked first come first served.
func DefaultPolicy() Policy {
	return Policy{TeamMin: 2, TeamMax: 2, Consent: ConsentDirect, InviteHours: 48, Booking: BookingFirstCome, HoldMinutes: 10}
}

// WithDefaults fills the modes and durations left at their zero value with DefaultPolicy's.
func (p Policy) WithDefaults() Policy {
	d := DefaultPolicy()
	if p.Consent == "" {
		p.Consent = d.Consent
	}
	if p.InviteHours == 0 {
		p.InviteHours = d.InviteHours
	}
	if p.Booking == "" {
		p.Booking = d.Booking
	}
	if p.HoldMinutes == 0 {
		p.HoldMinutes = d.HoldMinutes
	}
	return p
}

// InviteTTL is how long an invitation lasts.
func (p Policy) InviteTTL() time.Duration { return time.Duration(p.InviteHours) * time.Hour }

// HoldTTL is how long a waitlist hold lasts.
func (p Policy) HoldTTL() time.Duration { return time.Duration(p.HoldMinutes) * time.Minute }

// Limits of a policy.
const (
	MaxTeamSize     = 10
	MaxGuardMinutes = 7 * 24 * 60
	MaxInviteHours  = 30 * 24
	MaxHoldMinutes  = 24 * 60
)

// Validate checks the policy's own rules; fields are named as in the API.
func (p Policy) Validate() error {
	switch {
	case p.TeamMin < 1 || p.TeamMin > MaxTeamSize:
		return FieldErrorf(EINVALID, "policy.team_min", "must be from 1 to %d", MaxTeamSize)
	case p.TeamMax < 1 || p.TeamMax > MaxTeamSize:
		return FieldErrorf(EINVALID, "policy.team_max", "must be from 1 to %d", MaxTeamSize)
	case p.TeamMin > p.TeamMax:
		return FieldErrorf(EINVALID, "policy.team_min", "must not be above team_max (%d)", p.TeamMax)
	case p.GuardMinutes < 0 || p.GuardMinutes > MaxGuardMinutes:
		return FieldErrorf(EINVALID, "policy.guard_minutes", "must be from 0 to %d", MaxGuardMinutes)
	case p.Consent != ConsentDirect && p.Consent != ConsentInvite:
		return FieldErrorf(EINVALID, "policy.consent", "must be direct or invite")
	case p.InviteHours < 1 || p.InviteHours > MaxInviteHours:
		return FieldErrorf(EINVALID, "policy.invite_hours", "must be from 1 to %d", MaxInviteHours)
	case p.Booking != BookingFirstCome && p.Booking != BookingRanked:
		return FieldErrorf(EINVALID, "policy.booking", "must be first_come or ranked")
	case p.HoldMinutes < 1 || p.HoldMinutes > MaxHoldMinutes:
		return FieldErrorf(EINVALID, "policy.hold_minutes", "must be from 1 to %d", MaxHoldMinutes)
	case !writable(p.OpensAt):
		return FieldErrorf(EINVALID, "policy.opens_at", "must be a time from year 1 to 9999 in UTC")
	case !writable(p.ClosesAt):
		return FieldErrorf(EINVALID, "policy.closes_at", "must be a time from year 1 to 9999 in UTC")
	case p.OpensAt != nil && p.ClosesAt != nil && !p.ClosesAt.After(*p.OpensAt):
		return FieldErrorf(EINVALID, "policy.closes_at", "must be after opens_at")
	}
	return nil
}

// writable reports whether a policy time (nil: none) can be written back in RFC 3339, which
// knows years 0000 to 9999 only: an offset can push a time a client sent out of them in UTC.
func writable(t *time.Time) bool {
	return t == nil || t.UTC().Year() >= 1 && t.UTC().Year() <= 9999
}

// Phases of sign-up.
const (
	PhaseUpcoming = "upcoming"
	PhaseOpen     = "open"
	PhaseClosed   = "closed"
)

// Phase is where sign-up stands at now.
func (p Policy) Phase(now time.Time) string {
	switch {
	case p.OpensAt != nil && now.Before(*p.OpensAt):
		return PhaseUpcoming
	case p.ClosesAt != nil && !now.Before(*p.ClosesAt):
		return PhaseClosed
	}
	return PhaseOpen
}

// Guard is the guard time as a duration.
func (p Policy) Guard() time.Duration { return time.Duration(p.GuardMinutes) * time.Minute }

// Validate checks a unit's fields (code, title, zone) and its policy.
func (u Unit) Validate() error {
	switch {
	case !ValidUnitCode(u.Code):
		return FieldErrorf(EINVALID, "code", "must be 2 to 40 characters of a-z, 0-9 and -")
	case !validTitle(u.Title):
		return FieldErrorf(EINVALID, "title", "must be 1 to 200 characters without control characters")
	}
	if err := ValidTimezone(u.Timezone); err != nil {
		return err
	}
	return u.Policy.Validate()
}

func validTitle(t string) bool {
	n := utf8.RuneCountInString(t)
	// No U+FFFD either: it is what a decoder leaves of broken UTF-8 or a lone surrogate (\ud800).
	return utf8.ValidString(t) && n >= 1 && n <= 200 && !HasControl(t) && t == trimSpace(t) && !strings.ContainsRune(t, utf8.RuneError)
}

// ValidTimezone checks that z names an IANA time zone.
func ValidTimezone(z string) error {
	if z == "" || z == "Local" || len(z) > 64 {
		return FieldErrorf(EINVALID, "timezone", "must be an IANA time zone such as Australia/Perth")
	}
	if _, err := time.LoadLocation(z); err != nil {
		return FieldErrorf(EINVALID, "timezone", "%q is not an IANA time zone", z)
	}
	return nil
}

// Optional is a merge-patch member: absent, null, or a value.
type Optional[T any] struct {
	Set   bool // present in the patch
	Null  bool // present as null
	Value T
}

func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// PolicyPatch is the policy part of a UnitPatch.
type PolicyPatch struct {
	TeamMin      Optional[int]       `json:"team_min"`
	TeamMax      Optional[int]       `json:"team_max"`
	OpensAt      Optional[time.Time] `json:"opens_at"`
	ClosesAt     Optional[time.Time] `json:"closes_at"`
	GuardMinutes Optional[int]       `json:"guard_minutes"`
	Consent      Optional[string]    `json:"consent"`
	InviteHours  Optional[int]       `json:"invite_hours"`
	Booking      Optional[string]    `json:"booking"`
	HoldMinutes  Optional[int]       `json:"hold_minutes"`
}

// UnitPatch is a JSON merge patch (RFC 7396) of a unit's title, timezone and policy.
type UnitPatch struct {
	Title    Optional[string]      `json:"title"`
	Timezone Optional[string]      `json:"timezone"`
	Policy   Optional[PolicyPatch] `json:"policy"`
}

// UnmarshalJSON decodes strictly: unknown members and wrong types are errors naming the field.
func (p *UnitPatch) UnmarshalJSON(b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil {
		return FieldErrorf(EINVALID, "body", "must be a JSON object")
	}
	for name, raw := range top {
		var err error
		switch name {
		case "title":
			err = decodeMember(raw, &p.Title, "title", "a string")
		case "timezone":
			err = decodeMember(raw, &p.Timezone, "timezone", "a string")
		case "policy":
			p.Policy.Set = true
			if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
				return FieldErrorf(EINVALID, "policy", "must be an object")
			}
			var pol map[string]json.RawMessage
			if json.Unmarshal(raw, &pol) != nil || pol == nil {
				return FieldErrorf(EINVALID, "policy", "must be an object")
			}
			pp := &p.Policy.Value
			for k, v := range pol {
				field := "policy." + k
				switch k {
				case "team_min":
					err = decodeMember(v, &pp.TeamMin, field, "an integer")
				case "team_max":
					err = decodeMember(v, &pp.TeamMax, field, "an integer")
				case "guard_minutes":
					err = decodeMember(v, &pp.GuardMinutes, field, "an integer")
				case "invite_hours":
					err = decodeMember(v, &pp.InviteHours, field, "an integer")
				case "hold_minutes":
					err = decodeMember(v, &pp.HoldMinutes, field, "an integer")
				case "consent":
					err = decodeMember(v, &pp.Consent, field, "direct or invite")
				case "booking":
					err = decodeMember(v, &pp.Booking, field, "first_come or ranked")
				case "opens_at":
					err = decodeMember(v, &pp.OpensAt, field, "an RFC 3339 time or null")
				case "closes_at":
					err = decodeMember(v, &pp.ClosesAt, field, "an RFC 3339 time or null")
				case "":
					err = FieldErrorf(EINVALID, "policy", "has a member with an empty name")
				default:
					err = FieldErrorf(EINVALID, field, "is not a known field")
				}
				if err != nil {
					return err
				}
			}
		case "":
			err = FieldErrorf(EINVALID, "body", "has a member with an empty name")
		default:
			err = FieldErrorf(EINVALID, name, "is not a known field")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func decodeMember[T any](raw json.RawMessage, o *Optional[T], field, want string) error {
	if err := o.UnmarshalJSON(raw); err != nil {
		return FieldErrorf(EINVALID, field, "must be %s", want)
	}
	return nil
}

// Apply returns the unit with the patch applied and checks the result. Title, timezone and the
// integers may not be null; the times may.
func (p UnitPatch) Apply(u Unit) (Unit, error) {
	if p.Title.Set {
		if p.Title.Null || !validTitle(p.Title.Value) {
			return u, FieldErrorf(EINVALID, "title", "must be 1 to 200 characters without control characters or surrounding spaces")
		}
		u.Title = p.Title.Value
	}
	if p.Timezone.Set {
		if p.Timezone.Null {
			return u, FieldErrorf(EINVALID, "timezone", "must be an IANA time zone such as Australia/Perth")
		}
		if err := ValidTimezone(p.Timezone.Value); err != nil {
			return u, err
		}
		u.Timezone = p.Timezone.Value
	}
	if p.Policy.Set {
		pp := p.Policy.Value
		for _, f := range []struct {
			name string
			o    Optional[int]
			dst  *int
		}{{"team_min", pp.TeamMin, &u.Policy.TeamMin}, {"team_max", pp.TeamMax, &u.Policy.TeamMax}, {"guard_minutes", pp.GuardMinutes, &u.Policy.GuardMinutes},
			{"invite_hours", pp.InviteHours, &u.Policy.InviteHours}, {"hold_minutes", pp.HoldMinutes, &u.Policy.HoldMinutes}} {
			if f.o.Set {
				if f.o.Null {
					return u, FieldErrorf(EINVALID, "policy."+f.name, "must be an integer")
				}
				*f.dst = f.o.Value
			}
		}
		for _, f := range []struct {
			name string
			o    Optional[string]
			dst  *string
		}{{"consent", pp.Consent, &u.Policy.Consent}, {"booking", pp.Booking, &u.Policy.Booking}} {
			if f.o.Set {
				if f.o.Null {
					return u, FieldErrorf(EINVALID, "policy."+f.name, "must not be null")
				}
				*f.dst = f.o.Value
			}
		}
		for _, f := range []struct {
			o   Optional[time.Time]
			dst **time.Time
		}{{pp.OpensAt, &u.Policy.OpensAt}, {pp.ClosesAt, &u.Policy.ClosesAt}} {
			if f.o.Set {
				if f.o.Null {
					*f.dst = nil
				} else {
					t := f.o.Value.UTC()
					*f.dst = &t
				}
			}
		}
	}
	if err := u.Policy.Validate(); err != nil {
		return u, err
	}
	return u, nil
}

// Audit actions.
const (
	AuditProjectCreated = "project.created"
	AuditProjectUpdated = "project.updated"
	AuditProjectDeleted = "project.deleted"
	AuditMemberRemoved  = "member.removed"
	AuditUnitCreated    = "unit.created"
	AuditUnitUpdated    = "unit.updated"
	AuditRosterImported = "roster.imported"
	AuditLabsImported   = "labs.imported"
)

// CommandLineActor is the audit name of changes made with the pairup command.
const CommandLineActor = "command line"

// AuditEntry is one recorded change in a unit.
type AuditEntry struct {
	ID        int64
	Unit      string
	At        time.Time
	ActorID   string // "" for the command line
	ActorName string
	Action    string
	ProjectID int64  // 0 when none
	LabID     int64  // 0 when none
	Student   string // "" when none
	Details   map[string]any
	Reason    string
}

// Enrolment is a person's role in a unit.
type Enrolment struct {
	Unit  string
	Title string
	Role  Role
}

// Person is one account: a student number, a name and a PIN, across every unit.
type Person struct {
	Number    string
	Name      string
	SiteAdmin bool // may act in every unit
	// TokensValidFrom, when set, refuses the tokens issued before it (their PIN was reset).
	TokensValidFrom *time.Time
}

func trimSpace(s string) string {
	return string(bytes.TrimSpace([]byte(s)))
}

// String is for logs.
func (u Unit) String() string { return fmt.Sprintf("%s (%s)", u.Code, u.Title) }
