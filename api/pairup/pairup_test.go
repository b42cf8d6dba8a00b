package pairup

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNormalizeDescription(t *testing.T) {
	t.Parallel()
	ok := []struct{ in, want string }{
		{"A compiler", "A compiler"},
		{"  padded\t ", "padded"},
		{"x", "x"},
		{"inner  spaces  kept", "inner  spaces  kept"},
		{"<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"},
		{strings.Repeat("a", 500), strings.Repeat("a", 500)},
		{strings.Repeat("é", 500), strings.Repeat("é", 500)}, // 1000 bytes, 500 characters
		{" " + strings.Repeat("日", 500) + "\n", strings.Repeat("日", 500)},
	}
	for _, tc := range ok {
		got, err := NormalizeDescription(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("NormalizeDescription(%.40q) = %.40q, %v; want %.40q", tc.in, got, err, tc.want)
		}
	}
	bad := []string{
		"", "   ", "\t\n",
		strings.Repeat("a", 501), strings.Repeat("é", 501),
		"a\x00b", "a\x07b", "line\nline", "a\tb", "a\x1b[31mb", "a\x7fb", "a\u0085b",
		"bad \xff utf-8",
	}
	for _, in := range bad {
		if got, err := NormalizeDescription(in); ErrorCode(err) != EINVALID {
			t.Errorf("NormalizeDescription(%.40q) = %q, %v; want an %s error", in, got, err, EINVALID)
		}
	}
}

func TestLabIDUnmarshalJSON(t *testing.T) {
	t.Parallel()
	ok := map[string]LabID{
		`3`: 3, `"3"`: 3, `"0003"`: 3, `42`: 42, `0`: 0,
		`"999999999999999999"`: 999999999999999999,
	}
	for in, want := range ok {
		var v struct {
			L LabID `json:"lab_id"`
		}
		if err := json.Unmarshal([]byte(`{"lab_id":`+in+`}`), &v); err != nil || v.L != want {
			t.Errorf("lab_id %s: %d, %v; want %d", in, v.L, err, want)
		}
	}
	for _, in := range []string{
		`3.5`, `3e0`, `-3`, `"-3"`, `"3a"`, `""`, `" 3"`, `"3 "`, `true`, `null`, `{}`, `[3]`,
		`"1234567890123456789"`, `1234567890123456789012`,
	} {
		id := LabID(7)
		if err := id.UnmarshalJSON([]byte(in)); err != ErrLabID {
			t.Errorf("UnmarshalJSON(%s) = %v (id %d), want ErrLabID", in, err, id)
		}
		if id != 7 {
			t.Errorf("UnmarshalJSON(%s) changed the id to %d", in, id)
		}
	}
	if b, err := json.Marshal(LabID(12)); err != nil || string(b) != "12" {
		t.Errorf("Marshal(12) = %s, %v; want an integer", b, err)
	}
}

func TestProjectTeam(t *testing.T) {
	t.Parallel()
	ada, charles := Student{Number: "21234567", Name: "Ada Lovelace"}, Student{Number: "21234568", Name: "Charles Babbage"}
	for _, tc := range []struct {
		members []Student
		want    string
	}{
		{[]Student{ada, charles}, "Ada Lovelace & Charles Babbage"},
		{[]Student{charles, ada}, "Charles Babbage & Ada Lovelace"},
		{[]Student{ada}, "Ada Lovelace"},
		{nil, ""},
	} {
		if got := (Project{Members: tc.members}).Team(); got != tc.want {
			t.Errorf("Team() = %q, want %q", got, tc.want)
		}
	}
}

func TestLabSlotLabel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		slot LabSlot
		want string
	}{
		{LabSlot{Room: "CSSE 2.01", StartsAt: time.Date(2024, 5, 20, 17, 15, 0, 0, time.UTC)}, "CSSE 2.01 Monday, May 20 17:15"},
		{LabSlot{Room: "CSSE 2.03", StartsAt: time.Date(2027, 6, 4, 9, 5, 0, 0, time.UTC)}, "CSSE 2.03 Friday, June 4 09:05"},
		// The wall-clock time is the label, whatever zone the time carries.
		{LabSlot{Room: "Lab", StartsAt: time.Date(2027, 5, 17, 23, 55, 0, 0, time.FixedZone("X", 10*3600))}, "Lab Monday, May 17 23:55"},
	} {
		if got := tc.slot.Label(); got != tc.want {
			t.Errorf("Label() = %q, want %q", got, tc.want)
		}
	}
}
