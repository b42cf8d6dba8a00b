package importer

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pairup/pairup/api/pairup"
)

// checkLineErrors fails unless err is what a rejected file gives: *LineError or LineErrors, each
// naming a line of the file and a reason.
func checkLineErrors(t *testing.T, err error, data []byte) {
	t.Helper()
	lines := bytes.Count(data, []byte("\n")) + 1
	var les LineErrors
	var le *LineError
	switch {
	case errors.As(err, &les):
		if len(les) == 0 || len(les) > MaxLineErrors+1 {
			t.Fatalf("%d line errors, want 1 to %d", len(les), MaxLineErrors+1)
		}
		for i, e := range les {
			if e.Line < 1 || e.Line > lines || e.Reason == "" {
				t.Fatalf("line error %d is %+v in a file of %d lines", i, e, lines)
			}
			if i > 0 && e.Line < les[i-1].Line {
				t.Fatalf("line errors out of order: %v", les)
			}
		}
	case errors.As(err, &le):
		if le.Line < 1 || le.Line > lines || le.Reason == "" {
			t.Fatalf("line error %+v in a file of %d lines", le, lines)
		}
	default:
		t.Fatalf("error %v (%T) names no line", err, err)
	}
	if !utf8.ValidString(err.Error()) && utf8.Valid(data) {
		t.Fatalf("error text %q is not UTF-8 for a UTF-8 file", err)
	}
}

// FuzzRoster feeds arbitrary files to the roster reader: it never panics, a rejected file names
// its bad lines and yields no rows, and every accepted row is one the use case may store as it is.
func FuzzRoster(f *testing.F) {
	for _, s := range []string{
		"student_number,name,pin\n31000001,Ada Lovelace,1234\n",
		"\ufeffName, STUDENT_NUMBER ,pin,role,Email\r\n31000001,Ada,1234,,ada@example.edu\r\n\r\n\"Hopper, Grace\",31000002,87654321,admin,\r\n",
		"pin,name,student_number\n,Edsger Dijkstra,31000004\n",
		"student_number,name,pin\n31000001,\"unclosed,1234\n31000002,B,1234\n",
		"student_number,name,pin\n31000001,A,12\n3100000x,,1234\n31000001,\x01,1234\n",
		"student_number,name,pin,role\n31000001,\xff\xfe,1234,teacher\n",
		"student_number,name,pin,email\n31000001,A,1234,a@b@c\n",
		"student_number,name,pin,pin\n",
		"",
		"student_number,name,pin\n31000001,A\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := Roster(bytes.NewReader(data))
		if err != nil {
			if lines != nil {
				t.Fatalf("a rejected roster returned %d rows", len(lines))
			}
			checkLineErrors(t, err, data)
			return
		}
		seen := map[string]bool{}
		prev := 1
		for _, l := range lines {
			st := l.Student
			if !pairup.ValidStudentNumber(st.Number) || seen[st.Number] {
				t.Fatalf("line %d: student number %q is not a fresh 8-digit number", l.Line, st.Number)
			}
			seen[st.Number] = true
			if name, err := pairup.NormalizeName(st.Name); err != nil || name != st.Name || !utf8.ValidString(st.Name) {
				t.Fatalf("line %d: name %q is not a normalized name (%v)", l.Line, st.Name, err)
			}
			if l.PIN != "" && !pairup.ValidPIN(l.PIN) {
				t.Fatalf("line %d: pin %q", l.Line, l.PIN)
			}
			if l.Email != "" && !pairup.ValidEmail(l.Email) {
				t.Fatalf("line %d: email %q", l.Line, l.Email)
			}
			if st.Role != pairup.RoleStudent && st.Role != pairup.RoleCoordinator {
				t.Fatalf("line %d: role %q", l.Line, st.Role)
			}
			if l.Line <= prev {
				t.Fatalf("line %d follows line %d", l.Line, prev)
			}
			prev = l.Line
		}
	})
}

// FuzzSlots feeds arbitrary files to the slot reader: it never panics, a rejected file names its
// first bad line, and every accepted slot has a room the API would accept (valid UTF-8, 1 to 100
// characters, no control characters), a time that writes back as it was read, and a capacity
// from 1 to 1000, with no room and time twice.
func FuzzSlots(f *testing.F) {
	for _, s := range []string{
		"room,starts_at,capacity\nLab 1,2027-05-20T17:15,2\nLab 1,2027-05-20T18:15,\n",
		"starts_at,room\n2027-05-20T17:15,Lab 2\n",
		"room,starts_at\nLab 1,2027-05-20T17:15\nLab 1,2027-05-20T17:15\n",
		"room,starts_at,capacity\nLab 1,2027-13-20T17:15,0\n",
		"room,starts_at\n\xff\xfe,2027-05-20T17:15\n",
		"room,starts_at\n\"Lab\n1\",2027-05-20T17:15\n",
		"room,starts_at,capacity\n" + strings.Repeat("x", 101) + ",2027-05-20T17:15,1001\n",
		"room\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Slots(bytes.NewReader(data))
		if err != nil {
			if entries != nil {
				t.Fatalf("a rejected file returned %d slots", len(entries))
			}
			checkLineErrors(t, err, data)
			return
		}
		seen := map[string]bool{}
		for _, e := range entries {
			s := e.Slot
			if room, err := pairup.NormalizeRoom(s.Room); err != nil || room != s.Room {
				t.Fatalf("line %d: room %q is not one the API accepts (%v)", e.Line, s.Room, err)
			}
			if back, err := time.Parse(pairup.LabTimeLayout, s.StartsAt.Format(pairup.LabTimeLayout)); err != nil || !back.Equal(s.StartsAt) {
				t.Fatalf("line %d: start %v does not round-trip (%v)", e.Line, s.StartsAt, err)
			}
			if s.Capacity < 1 || s.Capacity > 1000 {
				t.Fatalf("line %d: capacity %d", e.Line, s.Capacity)
			}
			key := s.Room + "\x00" + s.StartsAt.String()
			if seen[key] {
				t.Fatalf("line %d: room %q at %v twice", e.Line, s.Room, s.StartsAt)
			}
			seen[key] = true
		}
	})
}
