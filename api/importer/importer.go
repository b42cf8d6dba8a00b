// Package importer reads the coordinator's CSV files (the student roster and the lab slots) into
// domain rows, rejecting a whole file at its first bad line with the line number and the reason.
package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/pairup/pairup/api/pairup"
)

// LineError says which line of a file is wrong and why.
type LineError struct {
	Line   int
	Reason string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// HashFunc turns a PIN into the hash that is stored.
type HashFunc func(pin string) (string, error)

// Students reads a roster with the header student_number,name,pin,role (role optional per row:
// student, the default, or coordinator, which the seed's rosters call admin) and hashes every PIN.
func Students(r io.Reader, hash HashFunc) ([]pairup.RosterEntry, error) {
	rows, err := readCSV(r, []string{"student_number", "name", "pin"}, []string{"role"})
	if err != nil {
		return nil, err
	}
	entries := make([]pairup.RosterEntry, 0, len(rows))
	pins := make([]string, 0, len(rows))
	seen := map[string]int{}
	for _, row := range rows {
		number, name, pin, roleText := row.get("student_number"), row.get("name"), row.get("pin"), row.get("role")
		role, roleOK := pairup.ParseRosterRole(roleText)
		switch {
		case !pairup.ValidStudentNumber(number):
			return nil, &LineError{row.line, fmt.Sprintf("student_number %q is not 8 digits", number)}
		case seen[number] != 0:
			return nil, &LineError{row.line, fmt.Sprintf("student_number %s already appears on line %d", number, seen[number])}
		case name == "" || utf8.RuneCountInString(name) > 200 || pairup.HasControl(name):
			return nil, &LineError{row.line, "name must be 1 to 200 characters without control characters"}
		case !pairup.ValidPIN(pin):
			return nil, &LineError{row.line, "pin must be 4 to 8 digits"}
		case !roleOK:
			return nil, &LineError{row.line, fmt.Sprintf("role %q is none of student, coordinator and admin", roleText)}
		}
		seen[number] = row.line
		entries = append(entries, pairup.RosterEntry{
			Line:    row.line,
			Student: pairup.Student{Number: number, Name: name, Role: role},
		})
		pins = append(pins, pin)
	}
	// Hashing is deliberately slow; spread it over the cores.
	var g errgroup.Group
	g.SetLimit(8)
	for i := range entries {
		g.Go(func() error {
			h, err := hash(pins[i])
			entries[i].PINHash = h
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("hash PINs: %w", err)
	}
	return entries, nil
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
		room, start, capacity := row.get("room"), row.get("starts_at"), row.get("capacity")
		if room == "" || utf8.RuneCountInString(room) > 100 || pairup.HasControl(room) {
			return nil, &LineError{row.line, "room must be 1 to 100 characters without control characters"}
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
}

func (r csvRow) get(name string) string { return r.fields[name] }

// readCSV checks the header (required columns in any order, optional ones allowed, nothing
// else) and returns each data row with its line number. Blank lines are skipped.
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
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &LineError{line, fmt.Sprintf("has %d fields, the header has %d", len(rec), len(header))}
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
