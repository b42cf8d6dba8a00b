package pairup

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// BoardEntry is a student's "looking for a team" post on a unit's partner board. Only students
// of the unit in no team have one; it disappears when they join a team.
type BoardEntry struct {
	Unit    string
	Student Student
	Note    string   // plain text, at most MaxBoardNote characters
	Tags    []string // at most MaxBoardTags, lower case, no duplicates
	// Times are the session times that suit the student: starts of the unit's slots, written
	// as LabTimeLayout in the unit's zone, in time order.
	Times     []string
	UpdatedAt time.Time
}

// Limits of a board entry.
const (
	MaxBoardNote   = 280
	MaxBoardTags   = 5
	MaxBoardTagLen = 24
	MaxBoardTimes  = 10
)

// NormalizeBoardEntry checks and normalizes what a student posts, naming the field at fault
// (note, tags, times): the note trimmed, at most MaxBoardNote characters without control
// characters (it may be empty); tags trimmed, inner spaces collapsed, lower-cased and
// deduplicated, each 1–24 letters, digits, hyphens or spaces, at most MaxBoardTags; times
// each a LabTimeLayout time, deduplicated and sorted, at most MaxBoardTimes. Whether each
// time is one of the unit's sessions is the use case's to check.
func NormalizeBoardEntry(note string, tags, times []string) (BoardEntry, error) {
	n := strings.TrimSpace(note)
	switch {
	case !utf8.ValidString(note) || strings.ContainsRune(n, utf8.RuneError):
		return BoardEntry{}, FieldErrorf(EINVALID, "note", "must be valid Unicode text")
	case utf8.RuneCountInString(n) > MaxBoardNote:
		return BoardEntry{}, FieldErrorf(EINVALID, "note", "must be at most %d characters", MaxBoardNote)
	case HasControl(n):
		return BoardEntry{}, FieldErrorf(EINVALID, "note", "must not contain control characters or line breaks")
	}
	e := BoardEntry{Note: n, Tags: []string{}, Times: []string{}}
	for _, raw := range tags {
		t := strings.ToLower(strings.Join(strings.Fields(raw), " "))
		if t == "" || utf8.RuneCountInString(t) > MaxBoardTagLen || strings.IndexFunc(t, notTagRune) >= 0 {
			return BoardEntry{}, FieldErrorf(EINVALID, "tags", "each tag must be 1 to %d letters, digits, hyphens or spaces", MaxBoardTagLen)
		}
		if !slices.Contains(e.Tags, t) {
			e.Tags = append(e.Tags, t)
		}
	}
	if len(e.Tags) > MaxBoardTags {
		return BoardEntry{}, FieldErrorf(EINVALID, "tags", "must be at most %d tags", MaxBoardTags)
	}
	for _, raw := range times {
		t, err := time.Parse(LabTimeLayout, raw)
		if err != nil {
			return BoardEntry{}, FieldErrorf(EINVALID, "times", "each time must be a session start such as 2027-05-04T09:00")
		}
		if s := t.Format(LabTimeLayout); !slices.Contains(e.Times, s) {
			e.Times = append(e.Times, s)
		}
	}
	if len(e.Times) > MaxBoardTimes {
		return BoardEntry{}, FieldErrorf(EINVALID, "times", "must be at most %d session times", MaxBoardTimes)
	}
	slices.Sort(e.Times) // the layout sorts as time does
	return e, nil
}

func notTagRune(r rune) bool {
	return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == ' ')
}

// Unteamed is a student of a unit in no team, as "match the rest" sees them: with their board
// entry's tags and times when they posted one.
type Unteamed struct {
	Student     Student
	OnBoard     bool
	Tags, Times []string
}
