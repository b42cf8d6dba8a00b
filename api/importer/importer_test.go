package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
)

// wantLineError checks that err is a *LineError at line with a reason mentioning word.
func wantLineError(t *testing.T, err error, line int, word string) {
	t.Helper()
	var le *LineError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T) is not a *LineError", err, err)
	}
	if le.Line != line {
		t.Errorf("line %d, want %d (%v)", le.Line, line, err)
	}
	if !strings.HasPrefix(err.Error(), "line ") || !strings.Contains(le.Reason, word) {
		t.Errorf("error %q does not start with the line and mention %q", err, word)
	}
}

func TestRosterLines(t *testing.T) {
	t.Parallel()
	// A BOM, columns out of order and in capitals, CRLF, blank lines, a quoted comma and spaces
	// around fields: each line still knows the physical line it came from.
	in := "\ufeffName, STUDENT_NUMBER ,pin,role,Email\r\n" +
		"Ada Lovelace,31000001,1234,,ada@example.edu\r\n" +
		"\r\n" +
		"\"Hopper, Grace\",31000002,87654321,admin,\r\n" +
		"\r\n" +
		"\r\n" +
		"  Alan Turing ,31000003, ,student, alan@example.edu \r\n"
	lines, err := Roster(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []pairup.RosterLine{
		{Line: 2, PIN: "1234", Email: "ada@example.edu", Student: pairup.Student{Number: "31000001", Name: "Ada Lovelace", Role: pairup.RoleStudent}},
		{Line: 4, PIN: "87654321", Student: pairup.Student{Number: "31000002", Name: "Hopper, Grace", Role: pairup.RoleCoordinator}},
		{Line: 7, Email: "alan@example.edu", Student: pairup.Student{Number: "31000003", Name: "Alan Turing", Role: pairup.RoleStudent}},
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("lines\n%+v\nwant\n%+v", lines, want)
	}
	// Without the optional columns: students, and no addresses.
	lines, err = Roster(strings.NewReader("pin,name,student_number\n,Edsger Dijkstra,31000004\n"))
	want = []pairup.RosterLine{{Line: 2, Student: pairup.Student{Number: "31000004", Name: "Edsger Dijkstra", Role: pairup.RoleStudent}}}
	if err != nil || !slices.Equal(lines, want) {
		t.Fatalf("lines %+v, %v; want %+v", lines, err, want)
	}
}

func TestRosterHeaderOnly(t *testing.T) {
	t.Parallel()
	lines, err := Roster(strings.NewReader("student_number,name,pin\n"))
	if err != nil || len(lines) != 0 {
		t.Fatalf("lines %v, err %v; want none and no error", lines, err)
	}
}

func TestRosterBadLines(t *testing.T) {
	t.Parallel()
	const h = "student_number,name,pin,role,email\n"
	const good = "31000001,Ada Lovelace,1234,,\n"
	for _, c := range []struct {
		name, in string
		line     int
		word     string
	}{
		{"empty file", "", 1, "empty"},
		{"unknown column", "student_number,name,pin,teacher\n", 1, "unknown column"},
		{"column twice", "student_number,name,pin,name\n", 1, "twice"},
		{"missing column", "student_number,pin\n", 1, "missing column \"name\""},
		{"missing pin column", "student_number,name\n", 1, "missing column \"pin\""},
		{"bad number", h + good + "3100000,Bob,1234,,\n", 3, "student_number"},
		{"duplicate number", h + good + "31000002,Bob,1234,,\n31000001,Eve,1234,,\n", 4, "line 2"},
		{"missing name", h + good + "31000002,,1234,,\n", 3, "name"},
		{"blank name", h + good + "31000002,   ,1234,,\n", 3, "name"},
		{"long name", h + good + "31000002," + strings.Repeat("x", 201) + ",1234,,\n", 3, "name"},
		{"control character in name", h + good + "31000002,\"Bob\tSmith\",1234,,\n", 3, "name"},
		{"short PIN", h + good + "31000002,Bob,12,,\n", 3, "pin"},
		{"long PIN", h + good + "31000002,Bob,123456789,,\n", 3, "pin"},
		{"PIN with letters", h + good + "31000002,Bob,12a4,,\n", 3, "pin"},
		{"bad role", h + good + "31000002,Bob,1234,teacher,\n", 3, "role"},
		{"bad email", h + good + "31000002,Bob,1234,,bob-at-example\n", 3, "email"},
		{"email with a space", h + good + "31000002,Bob,1234,,\"bob @example.edu\"\n", 3, "email"},
		{"few fields", h + good + "31000002,Bob,1234\n", 3, "fields"},
		{"many fields", h + good + "31000002,Bob,1234,student,,x\n", 3, "fields"},
		{"blank lines", h + "\n" + good + "\n\n31000002,Bob,12,,\n", 6, "pin"},
		// A quoted field may span lines: the row is reported where it starts, and later rows
		// where they really are.
		{"multi-line field", h + good + "31000002,\"Bob\nSmith\",1234,,\n", 3, "name"},
		{"after a multi-line field", h + good + "31000002,\"\nBob\",\"1234\n\",,\n" + "31000003,Eve,1,,\n", 6, "pin"},
		{"bare quote", h + good + "31000002,Bo\"b,1234,,\n", 3, "quote"},
		{"unterminated quote", h + good + "31000002,\"Bob,1234,,\n", 3, "quote"},
		// An unclosed quote runs on to the end of the file: the row that opened it is at fault.
		{"unclosed quote before more rows", h + good + "31000002,\"Bob,1234,,\n31000003,Eve,1234,,\n31000004,Joe,1234,,\n", 3, "noticed on line 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			lines, err := Roster(strings.NewReader(c.in))
			if lines != nil {
				t.Errorf("lines %+v returned with an error", lines)
			}
			var all LineErrors
			if !errors.As(err, &all) {
				t.Fatalf("error %v (%T) is not LineErrors", err, err)
			}
			wantLineError(t, err, c.line, c.word)
		})
	}
}

// TestRosterEveryBadLine: every bad line is reported, in order, each with all its faults; the
// good lines between them are not; past MaxLineErrors one more line says there are more.
func TestRosterEveryBadLine(t *testing.T) {
	t.Parallel()
	in := "student_number,name,pin,role\n" +
		"31000001,Ada Lovelace,1234,\n" + // 2: good
		"3100000x,,12,teacher\n" + // 3: four faults
		"31000003,Alan Turing,,\n" + // 4: good
		"31000004,Grace\n" + // 5: fields
		"31000001,Ada Again,,\n" + // 6: duplicate of line 2
		"31000007,Bob,1,\n" + // 7: pin
		"31000008,\"Eve,1234,\n" // 8: unclosed quote, the end of what can be read
	_, err := Roster(strings.NewReader(in))
	var all LineErrors
	if !errors.As(err, &all) {
		t.Fatalf("error %v (%T) is not LineErrors", err, err)
	}
	want := []struct {
		line  int
		words []string
	}{
		{3, []string{"student_number", "name", "pin", "role"}},
		{5, []string{"fields"}},
		{6, []string{"line 2"}},
		{7, []string{"pin"}},
		{8, []string{"quote"}},
	}
	if len(all) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(all), len(want), err)
	}
	for i, w := range want {
		if all[i].Line != w.line {
			t.Errorf("error %d on line %d, want %d: %v", i, all[i].Line, w.line, all[i])
		}
		for _, word := range w.words {
			if !strings.Contains(all[i].Reason, word) {
				t.Errorf("line %d: %q does not mention %q", all[i].Line, all[i].Reason, word)
			}
		}
	}
	if !strings.HasPrefix(err.Error(), "line 3: ") || !strings.Contains(err.Error(), "; line 8: ") {
		t.Errorf("error text %q does not list the lines", err)
	}

	var b strings.Builder
	b.WriteString("student_number,name,pin\n")
	for i := range MaxLineErrors + 50 {
		fmt.Fprintf(&b, "%08d,Student %d,1\n", 31000000+i, i)
	}
	_, err = Roster(strings.NewReader(b.String()))
	if !errors.As(err, &all) || len(all) != MaxLineErrors+1 {
		t.Fatalf("%d errors, want %d", len(all), MaxLineErrors+1)
	}
	if last := all[MaxLineErrors]; last.Line != MaxLineErrors+2 || !strings.Contains(last.Reason, "more lines") {
		t.Errorf("last error %v, want line %d saying there are more", last, MaxLineErrors+2)
	}
}

func TestSlotsLines(t *testing.T) {
	t.Parallel()
	in := "Starts_At,room,capacity\n" +
		"2027-05-17T17:15,CSSE 2.01,\n" +
		"\n" +
		"2027-05-17T17:15,\"CSSE 2.03, west\",3\n"
	entries, err := Slots(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2027, 5, 17, 17, 15, 0, 0, time.UTC)
	want := []pairup.SlotEntry{
		{Line: 2, Slot: pairup.LabSlot{Room: "CSSE 2.01", StartsAt: start, Capacity: 1}},
		{Line: 4, Slot: pairup.LabSlot{Room: "CSSE 2.03, west", StartsAt: start, Capacity: 3}},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i := range want {
		if entries[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, entries[i], want[i])
		}
	}
	if got := entries[0].Slot.Label(); got != "CSSE 2.01 Monday, May 17 17:15" {
		t.Errorf("label %q", got)
	}
	// Without the optional column every slot holds one project.
	entries, err = Slots(strings.NewReader("room,starts_at\nCSSE 2.01,2027-05-17T17:15\n"))
	if err != nil || len(entries) != 1 || entries[0].Slot.Capacity != 1 || entries[0].Line != 2 {
		t.Fatalf("entries %+v, err %v", entries, err)
	}
}

func TestSlotsBadLines(t *testing.T) {
	t.Parallel()
	const h = "room,starts_at,capacity\n"
	const good = "CSSE 2.01,2027-05-17T17:15,1\n"
	for _, c := range []struct {
		name, in string
		line     int
		word     string
	}{
		{"empty file", "", 1, "empty"},
		{"unknown column", "room,starts_at,teacher\n", 1, "unknown column"},
		{"missing column", "room,capacity\n", 1, "missing column \"starts_at\""},
		{"missing room", h + good + ",2027-05-17T17:20,1\n", 3, "room"},
		{"long room", h + good + strings.Repeat("r", 101) + ",2027-05-17T17:20,1\n", 3, "room"},
		{"bad starts_at", h + good + "CSSE 2.01,17/05/2027 17:20,1\n", 3, "starts_at"},
		{"starts_at with seconds", h + good + "CSSE 2.01,2027-05-17T17:20:00,1\n", 3, "starts_at"},
		{"capacity 0", h + good + "CSSE 2.01,2027-05-17T17:20,0\n", 3, "capacity"},
		{"capacity x", h + good + "CSSE 2.01,2027-05-17T17:20,x\n", 3, "capacity"},
		{"capacity 1001", h + good + "CSSE 2.01,2027-05-17T17:20,1001\n", 3, "capacity"},
		{"duplicate room and start", h + good + "CSSE 2.03,2027-05-17T17:15,1\nCSSE 2.01,2027-05-17T17:15,2\n", 4, "line 2"},
		{"wrong field count", h + good + "CSSE 2.01,2027-05-17T17:20\n", 3, "fields"},
		{"blank lines", h + "\n\n" + good + "CSSE 2.01,2027-05-17T17:20,0\n", 5, "capacity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			entries, err := Slots(strings.NewReader(c.in))
			if entries != nil {
				t.Errorf("entries %+v returned with an error", entries)
			}
			wantLineError(t, err, c.line, c.word)
		})
	}
}
