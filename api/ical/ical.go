// Package ical writes iCalendar files (RFC 5545): a calendar of events with UTC times, TEXT
// values escaped, lines ended by CRLF and folded at 75 octets. It writes only what Pair-Up's
// calendars need and reads nothing.
package ical

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT.
type Event struct {
	UID         string    // stable across downloads, globally unique
	Stamp       time.Time // DTSTAMP: when the file was made
	Start, End  time.Time // written in UTC
	Summary     string
	Location    string // "" leaves it out
	Description string // "" leaves it out
}

// Calendar is one VCALENDAR.
type Calendar struct {
	ProdID string // e.g. -//Pair-Up//EN
	Name   string // X-WR-CALNAME, the name calendar apps show; "" leaves it out
	Events []Event
}

// utcLayout is a DATE-TIME in UTC ("form #2" of RFC 5545 §3.3.5).
const utcLayout = "20060102T150405Z"

// Bytes is the calendar as an iCalendar file.
func (c Calendar) Bytes() []byte {
	var b bytes.Buffer
	line := func(name, value string) { writeLine(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", Text(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	if c.Name != "" {
		line("X-WR-CALNAME", Text(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", Text(e.UID))
		line("DTSTAMP", e.Stamp.UTC().Format(utcLayout))
		line("DTSTART", e.Start.UTC().Format(utcLayout))
		line("DTEND", e.End.UTC().Format(utcLayout))
		line("SUMMARY", Text(e.Summary))
		if e.Location != "" {
			line("LOCATION", Text(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION", Text(e.Description))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

// Text escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a
// backslash, a line break becomes \n, and other control characters are dropped.
func Text(s string) string {
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "\r\n", "\n") {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t', r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// maxLine is the most octets of a content line, line break excluded (RFC 5545 §3.1).
const maxLine = 75

// writeLine writes one content line ended by CRLF, folded so that no line is longer than 75
// octets: each continuation begins with a space. A fold never splits a UTF-8 sequence.
func writeLine(b *bytes.Buffer, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
