package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	goical "github.com/arran4/golang-ical"

	"github.com/pairup/pairup/api/ical"
)

func TestText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":                "plain",
		`a\b`:                  `a\\b`,
		"a;b,c":                `a\;b\,c`,
		"line\nline":           `line\nline`,
		"line\r\nline":         `line\nline`,
		"bell\x07 and del\x7f": "bell and del",
		"tab\tkept":            "tab\tkept",
		`C:\dir; x, y \n`:      `C:\\dir\; x\, y \\n`,
		"Ünïcødé, 日本; \\ done": `Ünïcødé\, 日本\; \\ done`,
	} {
		if got := ical.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFileParses writes a calendar with long, escaped and non-ASCII values and reads it back
// with an independent iCalendar parser.
func TestFileParses(t *testing.T) {
	t.Parallel()
	perth, err := time.LoadLocation("Australia/Perth")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Zoë Ñandú & 日本語; a, b \\ c — ", 12) // multi-byte runes across every fold
	events := []ical.Event{
		{
			UID: "lab-3-team-7@pairup", Stamp: time.Date(2027, 5, 10, 1, 0, 0, 0, time.UTC),
			Start: time.Date(2027, 5, 20, 17, 15, 0, 0, perth), End: time.Date(2027, 5, 20, 17, 30, 0, 0, perth),
			Summary: "Demo: Ada Lovelace & Charles Babbage", Location: "CSSE 2.01", Description: long,
		},
		{
			UID: "lab-4-team-8@pairup", Stamp: time.Date(2027, 5, 10, 1, 0, 0, 0, time.UTC),
			Start: time.Date(2027, 5, 21, 9, 0, 0, 0, time.UTC), End: time.Date(2027, 5, 21, 9, 15, 0, 0, time.UTC),
			Summary: "Demo: " + strings.Repeat("x", 200), Location: `Lab; "B", \ 2`,
		},
	}
	raw := ical.Calendar{ProdID: "-//Pair-Up//EN", Name: "Web, Apps; 2027", Events: events}.Bytes()

	if !bytes.HasSuffix(raw, []byte("END:VCALENDAR\r\n")) {
		t.Errorf("the file does not end with END:VCALENDAR and CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare line break: %q", i+1, line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
	}
	unfolded := strings.ReplaceAll(string(raw), "\r\n ", "")
	if unfolded == string(raw) {
		t.Errorf("no line was folded")
	}
	if !strings.Contains(unfolded, "\r\nDESCRIPTION:"+ical.Text(long)+"\r\n") {
		t.Errorf("the unfolded file does not hold the escaped description: %q", unfolded)
	}
	if !strings.Contains(string(raw), "\r\nDTSTART:20270520T091500Z\r\n") {
		t.Errorf("the start in Perth is not written in UTC: %q", raw)
	}

	cal, err := goical.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, raw)
	}
	got := cal.Events()
	if len(got) != len(events) {
		t.Fatalf("%d events parsed, want %d", len(got), len(events))
	}
	for i, e := range events {
		g := got[i]
		if g.Id() != e.UID {
			t.Errorf("event %d UID %q, want %q", i, g.Id(), e.UID)
		}
		for _, p := range []struct {
			prop goical.ComponentProperty
			want string
		}{
			{goical.ComponentPropertySummary, e.Summary},
			{goical.ComponentPropertyLocation, e.Location},
			{goical.ComponentPropertyDescription, e.Description},
		} {
			var value string
			if prop := g.GetProperty(p.prop); prop != nil {
				value = prop.Value
			}
			if value != p.want {
				t.Errorf("event %d %s = %q, want %q", i, p.prop, value, p.want)
			}
		}
		start, err := g.GetStartAt()
		if err != nil || !start.Equal(e.Start) || start.Location() != time.UTC {
			t.Errorf("event %d starts %v (%v), want %v in UTC", i, start, err, e.Start.UTC())
		}
		end, err := g.GetEndAt()
		if err != nil || !end.Equal(e.End) {
			t.Errorf("event %d ends %v (%v), want %v", i, end, err, e.End.UTC())
		}
		stamp, err := g.GetDtStampTime()
		if err != nil || !stamp.Equal(e.Stamp) {
			t.Errorf("event %d stamped %v (%v), want %v", i, stamp, err, e.Stamp)
		}
	}
}

func TestEmptyCalendar(t *testing.T) {
	t.Parallel()
	raw := string(ical.Calendar{ProdID: "-//Pair-Up//EN"}.Bytes())
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pair-Up//EN\r\nCALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n"
	if raw != want {
		t.Errorf("empty calendar = %q, want %q", raw, want)
	}
	cal, err := goical.ParseCalendar(strings.NewReader(raw))
	if err != nil || len(cal.Events()) != 0 {
		t.Errorf("parse the empty calendar: %v, %d events", err, len(cal.Events()))
	}
}
