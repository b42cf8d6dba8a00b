package pairup

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Audit actions of a unit's roster.
const (
	AuditEnrolmentAdded   = "enrolment.added"
	AuditEnrolmentChanged = "enrolment.changed"
	AuditEnrolmentRemoved = "enrolment.removed"
	AuditPINReset         = "pin.reset"
)

// MaxRosterBytes is the largest roster file accepted.
const MaxRosterBytes = 1 << 20

// MaxNameLength is the longest name of a person, in characters.
const MaxNameLength = 200

// NormalizeName trims surrounding white space and checks a person's name: 1–200 characters of
// valid Unicode text without control characters.
func NormalizeName(s string) (string, error) {
	t := strings.TrimSpace(s)
	n := utf8.RuneCountInString(t)
	if !utf8.ValidString(s) || strings.ContainsRune(t, utf8.RuneError) || n == 0 || n > MaxNameLength || HasControl(t) {
		return "", Errorf(EINVALID, "must be 1 to %d characters without control characters", MaxNameLength)
	}
	return t, nil
}

// ValidEmail reports whether e has the shape of an e-mail address: 3–254 characters, one @
// with something on either side, no spaces or control characters. Whether it reaches anyone is
// not checked.
func ValidEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && utf8.ValidString(e) && !strings.ContainsRune(e, utf8.RuneError) &&
		len(e) >= 3 && len(e) <= 254 && local != "" && domain != "" && !strings.Contains(domain, "@") &&
		strings.IndexFunc(e, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) < 0
}

// RosterLine is one row of a roster file as the coordinator wrote it.
type RosterLine struct {
	Line    int
	Student Student // the role in the unit imported into
	Email   string  // "" keeps the person's address
	PIN     string  // in the clear; "" keeps the person's PIN (a new person gets a random one)
}

// LineError says which line of a file is wrong and why.
type LineError struct {
	Line    int // 0 when the fault is not one line's
	Message string
}

// RosterRow is one person of a roster report, as they are (or will be) after the import.
type RosterRow struct {
	Line    int     // the file's line; 0 for a student missing from the file
	Student Student // number, name and role after the import
	Email   string  // "" when none
	PIN     string  // a new random PIN, in an applied report only, for a new person the file gave none
	Note    string  // why the row is not applied as written; "" when it is
}

// RosterReport is what importing a roster file does (a preview) or did (an apply).
type RosterReport struct {
	Applied   bool
	Add       []RosterRow // people not enrolled in the unit yet
	Update    []RosterRow // enrolled people whose role, name, e-mail or PIN changes
	Unchanged []RosterRow
	Remove    []RosterRow // the unit's students missing from the file (unenrolled only on request)
	Errors    []LineError // a file with any error is not applied
}

// EnrolmentChange is what a coordinator asks for one person of the unit's roster.
type EnrolmentChange struct {
	Role  Role
	Name  *string // nil keeps the name; required for a new person
	Email *string // nil keeps the address; "" removes it
	PIN   *string // nil keeps the PIN; a new person without one gets a random PIN
}

// Enrolled is a person as enrolled in a unit.
type Enrolled struct {
	Student Student
	Email   string // "" when none
	PIN     string // a new random PIN, given once; "" when none was made
}
