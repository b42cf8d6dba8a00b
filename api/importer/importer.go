// Package importer reads the coordinator's CSV files (the student roster and the lab slots) into
// domain rows, rejecting a whole file with the line numbers and reasons of its bad lines: every
// one of them for a roster, the first for lab slots.
package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pairup/pairup/api/pairup"
)

// LineError says which line of a file is wrong and why.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// MaxLineErrors is how many bad lines a file's errors list; the rest are counted in one more.
const MaxLineErrors = 100

// LineErrors is every bad line of a file, in line order.
type LineErrors []*LineError

func (es LineErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap gives errors.As the lines, the first one first.
func (es LineErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// add records a bad line, keeping at most MaxLineErrors and then one line counting the rest.
func (es *LineErrors) add(line int, reason string) {
	switch n := len(*es); {
	case n < MaxLineErrors:
		*es = append(*es, &LineError{line, reason})
	case n == MaxLineErrors:
		*es = append(*es, &LineError{line, "this and more lines have errors; fix the ones above first"})
	}
}

// Roster reads a roster with the header student_number,name,pin and the optional columns role
// (student, the default, or coordinator, which the seed's rosters call admin) and email. An
// empty pin or email keeps the person's own (a new person gets a random PIN). It checks every
// line: a file with bad lines returns LineErrors naming each of them (up to MaxLineErrors) and
// no lines.
func Roster(r io.Reader) ([]pairup.RosterLine, error) {
	rows, readErr := readCSV(r, []string{"student_number", "name", "pin"}, []string{"role", "email"})
	var syntax *LineError // a bad header, or CSV the file cannot be read past
	if readErr != nil && !errors.As(readErr, &syntax) {
		return nil, readErr
	}
	var errs LineErrors
	lines := make([]pairup.RosterLine, 0, len(rows))
	seen := map[string]int{}
	for _, row := range rows {
		if row.bad != "" {
			errs.add(row.line, row.bad)
			continue
		}
		number, pin, roleText, email := row.get("student_number"), row.get("pin"), row.get("role"), row.get("email")
		name, nameErr := pairup.NormalizeName(row.get("name"))
		role, roleOK := pairup.ParseRosterRole(roleText)
		var bad []string
		switch {
		case !pairup.ValidStudentNumber(number):
			bad = append(bad, fmt.Sprintf("student_number %q is not 8 digits", number))
		case seen[number] != 0:
			bad = append(bad, fmt.Sprintf("student_number %s already appears on line %d", number, seen[number]))
		default:
			seen[number] = row.line
		}
		if nameErr != nil {
			bad = append(bad, "name must be 1 to 200 characters without control characters")
		}
		if pin != "" && !pairup.ValidPIN(pin) {
			bad = append(bad, "pin must be 4 to 8 digits, or empty")
		}
		if !roleOK {
			bad = append(bad, fmt.Sprintf("role %q is none of student, coordinator and admin", roleText))
		}
		if email != "" && !pairup.ValidEmail(email) {
			bad = append(bad, fmt.Sprintf("email %q is not an e-mail address", email))
		}
		if len(bad) > 0 {
			errs.add(row.line, strings.Join(bad, "; "))
			continue
		}
		lines = append(lines, pairup.RosterLine{
			Line:    row.line,
			Student: pairup.Student{Number: number, Name: name, Role: role},
			Email:   email,
			PIN:     pin,
		})
	}
	if syntax != nil {
		errs.add(syntax.Line, syntax.Reason)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return lines, nil
}

// Slots reads lab slots with the header room,starts_at,capacity; starts_at is local time such as
// 2027-05-20T17:15 and capacity defaults to 1.
func Slots(r io.Reader) ([]pairup.SlotEntry, error) {
	rows, err := readCSV(r, []string{"room", "starts_at"}, []string{"capacity"})
	if err != nil {
		return nil, err
	}
	entries := make([]pairup.SlotEntry, 0, len(rows))
	seen := map[string]int{}
	for _, row := range rows {
		if row.bad != "" {
			return nil, &LineError{row.line, row.bad}
		}
		start, capacity := row.get("starts_at"), row.get("capacity")
		// The API's own rule, so a file cannot store a room (broken UTF-8, say) the API refuses.
		room, err := pairup.NormalizeRoom(row.get("room"))
		if err != nil {
			return nil, &LineError{row.line, "room must be 1 to 100 characters of UTF-8 without control characters"}
		}
		startsAt, err := time.Parse(pairup.LabTimeLayout, start)
		if err != nil {
			return nil, &LineError{row.line, fmt.Sprintf("starts_at %q is not a local time like 2027-05-20T17:15", start)}
		}
		n := 1
		if capacity != "" {
			n, err = strconv.Atoi(capacity)
			if err != nil || n < 1 || n > 1000 {
				return nil, &LineError{row.line, fmt.Sprintf("capacity %q is not a whole number from 1 to 1000", capacity)}
			}
		}
		key := room + "\x00" + start
		if seen[key] != 0 {
			return nil, &LineError{row.line, fmt.Sprintf("room %s at %s already appears on line %d", room, start, seen[key])}
		}
		seen[key] = row.line
		entries = append(entries, pairup.SlotEntry{
			Line: row.line,
			Slot: pairup.LabSlot{Room: room, StartsAt: startsAt, Capacity: n},
		})
	}
	return entries, nil
}

type csvRow struct {
	line   int
	fields map[string]string
	bad    string // why the row cannot be read (its number of fields); "" when it can
}

func (r csvRow) get(name string) string { return r.fields[name] }

// readCSV checks the header (required columns in any order, optional ones allowed, nothing
// else) and returns each data row with its line number; a row with the wrong number of fields
// says so in bad. Blank lines are skipped. A CSV syntax error ends the file: the rows before it
// are returned with the error.
func readCSV(r io.Reader, required, optional []string) ([]csvRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &LineError{1, "the file is empty; expected a header"}
	} else if err != nil {
		return nil, csvError(err)
	}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, required...), optional...) {
		known[c] = true
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			return nil, &LineError{1, fmt.Sprintf("unknown column %q; expected %s", h, strings.Join(append(required, optional...), ","))}
		}
		if _, dup := col[h]; dup {
			return nil, &LineError{1, fmt.Sprintf("column %q appears twice", h)}
		}
		col[h] = i
	}
	for _, c := range required {
		if _, ok := col[c]; !ok {
			return nil, &LineError{1, fmt.Sprintf("missing column %q; expected %s", c, strings.Join(append(required, optional...), ","))}
		}
	}
	var rows []csvRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return rows, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			rows = append(rows, csvRow{line: line, bad: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(header))})
			continue
		}
		row := csvRow{line: line, fields: map[string]string{}}
		for name, i := range col {
			row.fields[name] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// Report the row at fault where it starts, as for every other error: an unclosed quote
		// swallows the lines after it, and csv only notices at the end.
		reason := pe.Err.Error()
		if pe.StartLine != pe.Line {
			reason = fmt.Sprintf("%s (noticed on line %d)", reason, pe.Line)
		}
		return &LineError{pe.StartLine, reason}
	}
	return fmt.Errorf("read CSV: %w", err)
}
