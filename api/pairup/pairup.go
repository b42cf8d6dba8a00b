// Package pairup is the domain of Pair-Up: units and their policies, people and enrolments, lab
// slots, projects (teams), the rules they obey and the error vocabulary every adapter speaks. It
// imports no framework.
package pairup

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is a person's role in one unit.
type Role string

const (
	RoleStudent     Role = "student"
	RoleCoordinator Role = "coordinator"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleStudent || r == RoleCoordinator }

// ParseRosterRole reads a roster's role column: student, coordinator, or admin (the seed's name
// for a coordinator); empty means student.
func ParseRosterRole(s string) (Role, bool) {
	switch s {
	case "", "student":
		return RoleStudent, true
	case "coordinator", "admin":
		return RoleCoordinator, true
	}
	return "", false
}

// Student is a person as a member of a unit: number, name and role there.
type Student struct {
	Number string // the 8-digit student number
	Name   string
	Role   Role
}

var studentNumberRE = regexp.MustCompile(`^[0-9]{8}$`)

// ValidStudentNumber reports whether n has the shape of a student number.
func ValidStudentNumber(n string) bool { return studentNumberRE.MatchString(n) }

var pinRE = regexp.MustCompile(`^[0-9]{4,8}$`)

// ValidPIN reports whether p has the shape of a PIN: 4 to 8 digits.
func ValidPIN(p string) bool { return pinRE.MatchString(p) }

// LabSlot is one demonstration slot in a room of a unit, holding at most Capacity projects.
type LabSlot struct {
	ID       int64
	Unit     string
	Room     string
	StartsAt time.Time // wall-clock time in the unit's zone; the zone of the value is meaningless
	Capacity int
	Booked   int
	Forced   int // places given beyond the capacity by a coordinator's force
}

// LabTimeLayout is how a slot's start is written in CSV files and in the API.
const LabTimeLayout = "2006-01-02T15:04"

// Label names the slot the way students read it: "CSSE 2.01 Monday, May 20 17:15".
func (l LabSlot) Label() string {
	return l.Room + " " + l.StartsAt.Format("Monday, January 2 15:04")
}

// Project is a team of one unit: its members, a description and a booked lab slot.
type Project struct {
	ID          int64
	Unit        string
	Description string
	Lab         LabSlot
	Members     []Student // in the order they joined: the creator first
}

// Booked reports whether the team has a slot (Lab.ID 0: none yet).
func (p Project) Booked() bool { return p.Lab.ID != 0 }

// Team is the members' names joined by " & ".
func (p Project) Team() string {
	names := make([]string, len(p.Members))
	for i, m := range p.Members {
		names[i] = m.Name
	}
	return strings.Join(names, " & ")
}

// HasMember reports whether the student with number n is in the team.
func (p Project) HasMember(n string) bool {
	for _, m := range p.Members {
		if m.Number == n {
			return true
		}
	}
	return false
}

// MaxDescription is the longest description, in characters, after trimming.
const MaxDescription = 500

// NormalizeDescription trims surrounding white space and checks the rules for a project
// description: 1–500 characters, no control characters. HTML and the like are kept as typed.
func NormalizeDescription(s string) (string, error) {
	t := strings.TrimSpace(s)
	n := utf8.RuneCountInString(t)
	switch {
	case !utf8.ValidString(s):
		return "", Errorf(EINVALID, "must be valid UTF-8")
	case n == 0:
		return "", Errorf(EINVALID, "must not be empty")
	case n > MaxDescription:
		return "", Errorf(EINVALID, "must be at most %d characters", MaxDescription)
	case HasControl(t):
		return "", Errorf(EINVALID, "must not contain control characters")
	case strings.ContainsRune(t, utf8.RuneError):
		// What a decoder leaves for broken UTF-8 or a lone surrogate: storing it would not be
		// storing what the student typed.
		return "", Errorf(EINVALID, "must be valid Unicode text")
	}
	return t, nil
}

// HasControl reports whether s contains a control character (including newlines and tabs).
func HasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// LabID is a lab slot id as clients send it: a JSON integer or a string of digits, because the
// 2019 client posts the value of a <select>.
type LabID int64

// UnmarshalJSON accepts 3 and "3"; anything else is an error naming the accepted forms.
func (id *LabID) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	if s == "" || len(s) > 18 {
		return ErrLabID
	}
	var v int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return ErrLabID
		}
		v = v*10 + int64(c-'0')
	}
	*id = LabID(v)
	return nil
}

// ErrLabID is returned when a lab id is neither an integer nor a string of digits.
var ErrLabID = errors.New("must be a lab id: a positive integer or a string of digits")

// MarshalJSON writes the id as a JSON integer.
func (id LabID) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, "%d", int64(id)), nil
}

// NewProject is what a student (or a coordinator for them) asks for when forming a team.
type NewProject struct {
	Creator     string   // student number of the student the team is formed for
	Partners    []string // the other members' numbers
	Field       string   // the wire name the partners came in: partnerNumber or partnerNumbers
	Description string   // as sent; the use case normalizes it
	LabID       int64
	Reason      string // a coordinator's reason, for the audit log
	Force       bool   // a coordinator takes a place beyond the slot's capacity (needs a reason)
}

// ProjectChange is what a member may change in their project.
type ProjectChange struct {
	Description string // as sent; the use case normalizes it
	LabID       int64
}

// RosterEntry is one person of an imported roster, with the line it came from.
type RosterEntry struct {
	Line    int
	Student Student // Role is the role in the unit imported into
	PINHash string
}

// SlotEntry is one lab slot of an imported timetable, with the line it came from.
type SlotEntry struct {
	Line int
	Slot LabSlot
}
