package importer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
)

// cheapHash stands in for bcrypt: the line-number logic does not care how PINs are hashed.
func cheapHash(pin string) (string, error) { return "hash:" + pin, nil }

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

func TestStudentsLines(t *testing.T) {
	t.Parallel()
	// A BOM, columns out of order and in capitals, CRLF, blank lines, a quoted comma and spaces
	// around fields: each entry still knows the physical line it came from.
	in := "\ufeffName, STUDENT_NUMBER ,pin,role\r\n" +
		"Ada Lovelace,31000001,1234,\r\n" +
		"\r\n" +
		"\"Hopper, Grace\",31000002,87654321,admin\r\n" +
		"\r\n" +
		"\r\n" +
		"  Alan Turing ,31000003, 0000 ,student\r\n"
	entries, err := Students(strings.NewReader(in), cheapHash)
	if err != nil {
		t.Fatal(err)
	}
	want := []pairup.RosterEntry{
		{Line: 2, PINHash: "hash:1234", Student: pairup.Student{Number: "31000001", Name: "Ada Lovelace", Role: pairup.RoleStudent}},
		{Line: 4, PINHash: "hash:87654321", Student: pairup.Student{Number: "31000002", Name: "Hopper, Grace", Role: pairup.RoleCoordinator}},
		{Line: 7, PINHash: "hash:0000", Student: pairup.Student{Number: "31000003", Name: "Alan Turing", Role: pairup.RoleStudent}},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i := range want {
		if entries[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, entries[i], want[i])
		}
	}
}

func TestStudentsHeaderOnly(t *testing.T) {
	t.Parallel()
	entries, err := Students(strings.NewReader("student_number,name,pin\n"), cheapHash)
	if err != nil || len(entries) != 0 {
		t.Fatalf("entries %v, err %v; want none and no error", entries, err)
	}
}

func TestStudentsBadLines(t *testing.T) {
	t.Parallel()
	const h = "student_number,name,pin,role\n"
	const good = "31000001,Ada Lovelace,1234,\n"
	for _, c := range []struct {
		name, in string
		line     int
		word     string
	}{
		{"empty file", "", 1, "empty"},
		{"unknown column", "student_number,name,pin,email\n", 1, "unknown column"},
		{"column twice", "student_number,name,pin,name\n", 1, "twice"},
		{"missing column", "student_number,pin\n", 1, "missing column \"name\""},
		{"bad number", h + good + "3100000,Bob,1234,\n", 3, "student_number"},
		{"duplicate number", h + good + "31000002,Bob,1234,\n31000001,Eve,1234,\n", 4, "line 2"},
		{"missing name", h + good + "31000002,,1234,\n", 3, "name"},
		{"long name", h + good + "31000002," + strings.Repeat("x", 201) + ",1234,\n", 3, "name"},
		{"control character in name", h + good + "31000002,\"Bob\tSmith\",1234,\n", 3, "name"},
		{"short PIN", h + good + "31000002,Bob,12,\n", 3, "pin"},
		{"long PIN", h + good + "31000002,Bob,123456789,\n", 3, "pin"},
		{"bad role", h + good + "31000002,Bob,1234,teacher\n", 3, "role"},
		{"few fields", h + good + "31000002,Bob,1234\n", 3, "fields"},
		{"many fields", h + good + "31000002,Bob,1234,student,x\n", 3, "fields"},
		{"blank lines", h + "\n" + good + "\n\n31000002,Bob,12,\n", 6, "pin"},
		// A quoted field may span lines: the row is reported where it starts, and later rows
		// where they really are.
		{"multi-line field", h + good + "31000002,\"Bob\nSmith\",1234,\n", 3, "name"},
		{"after a multi-line field", h + good + "31000002,\"\nBob\",\"1234\n\",\n" + "31000003,Eve,1,\n", 6, "pin"},
		{"bare quote", h + good + "31000002,Bo\"b,1234,\n", 3, "quote"},
		{"unterminated quote", h + good + "31000002,\"Bob,1234,\n", 3, "quote"},
		// An unclosed quote runs on to the end of the file: the row that opened it is at fault.
		{"unclosed quote before more rows", h + good + "31000002,\"Bob,1234,\n31000003,Eve,1234,\n31000004,Joe,1234,\n", 3, "noticed on line 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			entries, err := Students(strings.NewReader(c.in), cheapHash)
			if entries != nil {
				t.Errorf("entries %+v returned with an error", entries)
			}
			wantLineError(t, err, c.line, c.word)
		})
	}
}

func TestStudentsHashFailure(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	entries, err := Students(strings.NewReader("student_number,name,pin\n31000001,Ada,1234\n31000002,Bob,9999\n"),
		func(pin string) (string, error) {
			if pin == "9999" {
				return "", boom
			}
			return cheapHash(pin)
		})
	if !errors.Is(err, boom) || entries != nil {
		t.Fatalf("entries %v, err %v; want the hash error", entries, err)
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
