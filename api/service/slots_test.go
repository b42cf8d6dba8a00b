package service_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testdb"
	"github.com/pairup/pairup/internal/testfactory"
)

// The slot admin's tests: sessions at their edges, edits refused while teams are booked, one
// audit entry per change (none on failure), a deletion racing a booking, and the calendars.

// slotNow is the slot tests' clock: weeks before slotsDay.
var slotNow = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)

// slotsDay is the wall-clock day of the slot tests' slots.
var slotsDay = time.Date(2027, 5, 20, 0, 0, 0, 0, time.UTC)

type slotBundle struct {
	st   *store.Store
	svc  *service.Service
	make *testfactory.Factory
	next int
}

func slotSetup(t *testing.T) *slotBundle {
	t.Helper()
	pool, _ := testdb.New(t)
	st := store.New(pool)
	svc := service.New(st, func() time.Time { return slotNow })
	return &slotBundle{st: st, svc: svc, make: testfactory.New(st, svc, "test-pin-hash"), next: 40000000}
}

// unit makes a unit of teams of one to three in the zone, with a coordinator, and returns the
// coordinator's access.
func (b *slotBundle) unit(t *testing.T, code, timezone string) service.Access {
	t.Helper()
	if _, err := b.make.Unit(t.Context(), testfactory.UnitSpec{Code: code, Timezone: timezone, TeamMin: 1, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	coord := b.number()
	if err := b.make.Enrol(t.Context(), code, testfactory.Person{Number: coord, Name: "Coordinator " + coord, Role: pairup.RoleCoordinator}); err != nil {
		t.Fatal(err)
	}
	return b.as(t, code, coord)
}

func (b *slotBundle) number() string {
	b.next++
	return fmt.Sprintf("%08d", b.next)
}

// students enrols students with the names and returns their numbers.
func (b *slotBundle) students(t *testing.T, unit string, names ...string) []string {
	t.Helper()
	people := make([]testfactory.Person, len(names))
	numbers := make([]string, len(names))
	for i, n := range names {
		numbers[i] = b.number()
		people[i] = testfactory.Person{Number: numbers[i], Name: n}
	}
	if err := b.make.Enrol(t.Context(), unit, people...); err != nil {
		t.Fatal(err)
	}
	return numbers
}

func (b *slotBundle) as(t *testing.T, unit, number string) service.Access {
	t.Helper()
	p, err := b.svc.Person(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := b.svc.Access(t.Context(), service.Actor{Person: p}, unit)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

func (b *slotBundle) slot(t *testing.T, acc service.Access, room, startsAt string, capacity int) pairup.BookedSlot {
	t.Helper()
	s, err := b.svc.CreateSlot(t.Context(), acc, pairup.NewSlot{Room: room, StartsAt: startsAt, Capacity: &capacity})
	if err != nil {
		t.Fatalf("create slot %s %s: %v", room, startsAt, err)
	}
	return s
}

func (b *slotBundle) team(t *testing.T, unit string, lab int64, description string, members ...string) pairup.Project {
	t.Helper()
	p, err := b.make.Team(t.Context(), unit, members[0], members[1:], lab, description)
	if err != nil {
		t.Fatalf("team %v: %v", members, err)
	}
	return p
}

func (b *slotBundle) audit(t *testing.T, unit string) []pairup.AuditEntry {
	t.Helper()
	entries, err := b.st.AuditEntries(t.Context(), unit, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// slotState is everything of a unit a slot change may change.
type slotState struct {
	Slots    []pairup.BookedSlot
	Projects []pairup.Project
	Audit    int
}

func (b *slotBundle) state(t *testing.T, unit string) slotState {
	t.Helper()
	slots, err := b.st.SlotsWithTeams(t.Context(), unit, 0)
	if err != nil {
		t.Fatal(err)
	}
	projects, err := b.st.Projects(t.Context(), unit)
	if err != nil {
		t.Fatal(err)
	}
	return slotState{Slots: slots, Projects: projects, Audit: len(b.audit(t, unit))}
}

// change runs a slot change and checks its bookkeeping: on success exactly one new audit entry,
// of the action, about the slot (lab 0: any); on failure nothing changed at all.
func (b *slotBundle) change(t *testing.T, unit, action string, lab int64, do func() error) error {
	t.Helper()
	before := b.state(t, unit)
	err := do()
	after := b.state(t, unit)
	switch {
	case err != nil && !reflect.DeepEqual(before, after):
		t.Errorf("the failed change (%v) changed unit %s:\nbefore %+v\nafter  %+v", err, unit, before, after)
	case err == nil && after.Audit != before.Audit+1:
		t.Errorf("the change wrote %d audit entries in %s, want 1", after.Audit-before.Audit, unit)
	case err == nil:
		if e := b.audit(t, unit)[0]; e.Action != action || lab != 0 && e.LabID != lab {
			t.Errorf("audit entry %+v, want %s about lab %d", e, action, lab)
		}
	}
	return err
}

// slotWant checks the error's code ("" for success), that it names the field (unless ""), and
// that its message holds each of the texts.
func slotWant(t *testing.T, what string, err error, code, field string, texts ...string) {
	t.Helper()
	if got := pairup.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
		return
	}
	if err == nil {
		return
	}
	var e *pairup.Error
	errors.As(err, &e)
	if field != "" && !slices.ContainsFunc(e.Fields, func(f pairup.FieldError) bool { return f.Field == field }) {
		t.Errorf("%s: error %v names fields %+v, want %q", what, err, e.Fields, field)
	}
	for _, text := range texts {
		if !strings.Contains(e.Message, text) {
			t.Errorf("%s: error %q does not say %q", what, e.Message, text)
		}
	}
}

func session(rooms []string, start, end string, minutes int) pairup.SessionSpec {
	return pairup.SessionSpec{Rooms: rooms, Date: slotsDay.Format(time.DateOnly), Start: start, End: end, SlotMinutes: minutes}
}

func plannedText(p []pairup.PlannedSlot) []string {
	out := make([]string, len(p))
	for i, s := range p {
		out[i] = fmt.Sprintf("%s %s cap %d exists %v", s.Room, s.StartsAt.Format("15:04"), s.Capacity, s.Exists)
	}
	return out
}

func TestSessionPlanEdges(t *testing.T) {
	t.Parallel()
	b := slotSetup(t)
	ctx := t.Context()
	coord := b.unit(t, "plan", "Australia/Perth")
	existing := b.slot(t, coord, "B", "2027-05-20T17:15", 3)
	b.slot(t, b.unit(t, "elsewhere", "UTC"), "B", "2027-05-20T17:00", 1) // another unit's is not this one's
	student := b.students(t, "plan", "Ada")[0]

	for _, tc := range []struct {
		name string
		spec pairup.SessionSpec
		want []string
	}{
		{"an hour by 15: the last slot ends at end", session([]string{"B", "A"}, "17:00", "18:00", 15), []string{
			"A 17:00 cap 1 exists false", "B 17:00 cap 1 exists false",
			"A 17:15 cap 1 exists false", "B 17:15 cap 3 exists true",
			"A 17:30 cap 1 exists false", "B 17:30 cap 1 exists false",
			"A 17:45 cap 1 exists false", "B 17:45 cap 1 exists false",
		}},
		{"a slot that would end after end is left out", session([]string{"A"}, "17:00", "18:10", 15), []string{
			"A 17:00 cap 1 exists false", "A 17:15 cap 1 exists false", "A 17:30 cap 1 exists false", "A 17:45 cap 1 exists false",
		}},
		{"exactly one slot", session([]string{" A "}, "17:00", "17:20", 20), []string{"A 17:00 cap 1 exists false"}},
		{"the capacity is the session's", func() pairup.SessionSpec {
			s := session([]string{"A"}, "09:00", "09:30", 15)
			s.Capacity = ptrTo(4)
			return s
		}(), []string{"A 09:00 cap 4 exists false", "A 09:15 cap 4 exists false"}},
		{"a session of 500 slots", session([]string{"1", "2", "3", "4", "5"}, "08:00", "16:20", 5), nil},
	} {
		before := b.state(t, "plan")
		got, err := b.svc.PreviewSession(ctx, coord, tc.spec)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tc.want == nil {
			if len(got) != pairup.MaxSessionSlots {
				t.Errorf("%s: %d slots, want %d", tc.name, len(got), pairup.MaxSessionSlots)
			}
		} else if text := plannedText(got); !slices.Equal(text, tc.want) {
			t.Errorf("%s: planned\n%s\nwant\n%s", tc.name, strings.Join(text, "\n"), strings.Join(tc.want, "\n"))
		}
		for _, p := range got {
			if p.StartsAt.Format(time.DateOnly) != "2027-05-20" || p.Unit != "plan" {
				t.Errorf("%s: planned slot %+v is not on the session's date in the unit", tc.name, p)
			}
			if p.Exists && p.ID != existing.ID {
				t.Errorf("%s: planned slot %+v exists but is not slot %d", tc.name, p, existing.ID)
			}
		}
		if after := b.state(t, "plan"); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the preview changed the unit", tc.name)
		}
	}

	for _, tc := range []struct {
		name, field string
		spec        func(s *pairup.SessionSpec)
	}{
		{"end at start", "end", func(s *pairup.SessionSpec) { s.End = s.Start }},
		{"end before start", "end", func(s *pairup.SessionSpec) { s.End = "16:59" }},
		{"a session shorter than a slot", "slot_minutes", func(s *pairup.SessionSpec) { s.End = "17:14" }},
		{"no such day", "date", func(s *pairup.SessionSpec) { s.Date = "2027-02-30" }},
		{"a date without zeros", "date", func(s *pairup.SessionSpec) { s.Date = "2027-5-20" }},
		{"no date", "date", func(s *pairup.SessionSpec) { s.Date = "" }},
		{"hour 24", "start", func(s *pairup.SessionSpec) { s.Start = "24:00" }},
		{"a time with seconds", "start", func(s *pairup.SessionSpec) { s.Start = "17:00:00" }},
		{"an English end", "end", func(s *pairup.SessionSpec) { s.End = "6pm" }},
		{"no rooms", "rooms", func(s *pairup.SessionSpec) { s.Rooms = nil }},
		{"a blank room", "rooms", func(s *pairup.SessionSpec) { s.Rooms = []string{"A", "  "} }},
		{"a room twice", "rooms", func(s *pairup.SessionSpec) { s.Rooms = []string{"A", " A"} }},
		{"a room with a newline", "rooms", func(s *pairup.SessionSpec) { s.Rooms = []string{"A\nB"} }},
		{"21 rooms", "rooms", func(s *pairup.SessionSpec) {
			s.Rooms = nil
			for i := range 21 {
				s.Rooms = append(s.Rooms, fmt.Sprint(i))
			}
		}},
		{"slots of 4 minutes", "slot_minutes", func(s *pairup.SessionSpec) { s.SlotMinutes = 4 }},
		{"slots of 481 minutes", "slot_minutes", func(s *pairup.SessionSpec) { s.SlotMinutes = 481 }},
		{"capacity 0", "capacity", func(s *pairup.SessionSpec) { s.Capacity = ptrTo(0) }},
		{"capacity 1001", "capacity", func(s *pairup.SessionSpec) { s.Capacity = ptrTo(1001) }},
		{"501 slots", "slot_minutes", func(s *pairup.SessionSpec) {
			s.Rooms, s.Start, s.End, s.SlotMinutes = []string{"1", "2", "3"}, "06:00", "19:55", 5 // 3 × 167
		}},
	} {
		spec := session([]string{"A"}, "17:00", "18:00", 15)
		tc.spec(&spec)
		_, err := b.svc.PreviewSession(ctx, coord, spec)
		slotWant(t, "preview: "+tc.name, err, pairup.EINVALID, tc.field)
		err = b.change(t, "plan", "", 0, func() error { _, err := b.svc.GenerateSession(ctx, coord, spec); return err })
		slotWant(t, "generate: "+tc.name, err, pairup.EINVALID, tc.field)
	}

	_, err := b.svc.PreviewSession(ctx, b.as(t, "plan", student), session([]string{"A"}, "17:00", "18:00", 15))
	slotWant(t, "a student's preview", err, pairup.EFORBIDDEN, "")

	// Wall-clock times in the unit's zone: 17:00 in Perth (UTC+8) is 09:00 UTC.
	slots, err := b.svc.GenerateSession(ctx, coord, session([]string{"A"}, "17:00", "17:30", 15))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := b.st.Unit(ctx, "plan")
	var starts []string
	for _, s := range slots {
		if s.Room == "A" {
			starts = append(starts, s.StartsAt.Format(pairup.LabTimeLayout)+" = "+u.SlotStart(s.LabSlot).UTC().Format(time.RFC3339))
		}
	}
	if want := []string{"2027-05-20T17:00 = 2027-05-20T09:00:00Z", "2027-05-20T17:15 = 2027-05-20T09:15:00Z"}; !slices.Equal(starts, want) {
		t.Errorf("generated in Perth: %v, want %v", starts, want)
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestGenerateSessionIsIdempotent(t *testing.T) {
	t.Parallel()
	b := slotSetup(t)
	ctx := t.Context()
	coord := b.unit(t, "gen", "UTC")
	kept := b.slot(t, coord, "A", "2027-05-20T17:30", 5)
	spec := session([]string{"A", "B"}, "17:00", "18:00", 30)
	spec.Capacity = ptrTo(2)

	var slots []pairup.BookedSlot
	err := b.change(t, "gen", pairup.AuditLabsImported, 0, func() error {
		var err error
		slots, err = b.svc.GenerateSession(ctx, coord, spec)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range slots {
		got = append(got, fmt.Sprintf("%s %s cap %d", s.Room, s.StartsAt.Format("15:04"), s.Capacity))
	}
	if want := []string{"A 17:00 cap 2", "B 17:00 cap 2", "A 17:30 cap 5", "B 17:30 cap 2"}; !slices.Equal(got, want) {
		t.Errorf("after generating: %v, want %v (the existing slot kept as it was)", got, want)
	}
	if slots[2].ID != kept.ID {
		t.Errorf("the existing slot was replaced: %+v", slots[2])
	}
	if d := b.audit(t, "gen")[0].Details; d["rows"] != float64(3) || d["existing"] != float64(1) || d["source"] != "session" {
		t.Errorf("audit details %v, want rows 3, existing 1, source session", d)
	}

	// Again: nothing to add, nothing recorded, the same slots.
	before := b.state(t, "gen")
	again, err := b.svc.GenerateSession(ctx, coord, spec)
	if err != nil || !reflect.DeepEqual(again, slots) {
		t.Errorf("generating again = %+v, %v; want the same slots %+v", again, err, slots)
	}
	if after := b.state(t, "gen"); !reflect.DeepEqual(before, after) {
		t.Errorf("generating again changed the unit:\nbefore %+v\nafter  %+v", before, after)
	}
	plan, err := b.svc.PreviewSession(ctx, coord, spec)
	if err != nil || slices.ContainsFunc(plan, func(p pairup.PlannedSlot) bool { return !p.Exists }) {
		t.Errorf("preview after generating = %v, %v; want every slot existing", plannedText(plan), err)
	}
}

func TestSlotEditsAndBookings(t *testing.T) {
	t.Parallel()
	b := slotSetup(t)
	ctx := t.Context()
	const unit = "edits"
	coord := b.unit(t, unit, "UTC")
	s := b.students(t, unit, "Ada Lovelace", "Charles Babbage", "Grace Hopper", "Alan Turing")
	create := func(room, at string, capacity *int) (pairup.BookedSlot, error) {
		var out pairup.BookedSlot
		err := b.change(t, unit, pairup.AuditSlotCreated, 0, func() error {
			var err error
			out, err = b.svc.CreateSlot(ctx, coord, pairup.NewSlot{Room: room, StartsAt: at, Capacity: capacity})
			return err
		})
		return out, err
	}
	update := func(lab int64, p pairup.SlotPatch) (pairup.BookedSlot, error) {
		var out pairup.BookedSlot
		err := b.change(t, unit, pairup.AuditSlotUpdated, lab, func() error {
			var err error
			out, err = b.svc.UpdateSlot(ctx, coord, lab, p)
			return err
		})
		return out, err
	}
	remove := func(lab int64) error {
		return b.change(t, unit, pairup.AuditSlotDeleted, lab, func() error { return b.svc.DeleteSlot(ctx, coord, lab) })
	}

	a, err := create("  CSSE 2.01 ", "2027-05-20T17:15", nil)
	slotWant(t, "create", err, "", "")
	if a.Room != "CSSE 2.01" || a.Capacity != 1 || a.Booked != 0 || len(a.Teams) != 0 || a.Unit != unit {
		t.Errorf("created %+v, want CSSE 2.01 of capacity 1 without teams", a)
	}
	_, err = create("CSSE 2.01", "2027-05-20T17:15", ptrTo(3))
	slotWant(t, "create a taken room and time", err, pairup.ECONFLICT, "starts_at", "CSSE 2.01 has a slot at 2027-05-20T17:15")
	slotWant(t, "create a taken room and time", err, pairup.ECONFLICT, "room")
	for _, bad := range []struct {
		field       string
		room, start string
		capacity    *int
	}{
		{"room", "", "2027-05-20T17:15", nil}, {"room", strings.Repeat("r", 101), "2027-05-20T17:15", nil},
		{"starts_at", "X", "2027-05-20 17:15", nil}, {"starts_at", "X", "2027-05-20T17:15:00", nil}, {"starts_at", "X", "", nil},
		{"capacity", "X", "2027-05-20T17:15", ptrTo(0)}, {"capacity", "X", "2027-05-20T17:15", ptrTo(1001)},
	} {
		_, err := create(bad.room, bad.start, bad.capacity)
		slotWant(t, fmt.Sprintf("create %q %q %v", bad.room, bad.start, bad.capacity), err, pairup.EINVALID, bad.field)
	}
	c, err := create("CSSE 2.03", "2027-05-20T17:15", ptrTo(2))
	slotWant(t, "create another", err, "", "")
	// Coordinators fix data: a slot in the past may be added.
	past, err := create("CSSE 2.03", "2020-01-01T09:00", nil)
	slotWant(t, "create a slot in the past", err, "", "")

	ada := b.team(t, unit, c.ID, "Compilers", s[0], s[1])
	grace := b.team(t, unit, c.ID, "Debuggers", s[2])
	adaText, graceText := fmt.Sprintf("team %d (Ada Lovelace & Charles Babbage)", ada.ID), fmt.Sprintf("team %d (Grace Hopper)", grace.ID)

	slots, err := b.svc.Slots(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, l := range slots {
		listed = append(listed, fmt.Sprintf("%d %s %s %d/%d %+v", l.ID, l.Room, l.StartsAt.Format(pairup.LabTimeLayout), l.Booked, l.Capacity, l.Teams))
	}
	want := []string{
		fmt.Sprintf("%d CSSE 2.03 2020-01-01T09:00 0/1 []", past.ID),
		fmt.Sprintf("%d CSSE 2.01 2027-05-20T17:15 0/1 []", a.ID),
		fmt.Sprintf("%d CSSE 2.03 2027-05-20T17:15 2/2 [{ProjectID:%d Team:Ada Lovelace & Charles Babbage} {ProjectID:%d Team:Grace Hopper}]", c.ID, ada.ID, grace.ID),
	}
	if !slices.Equal(listed, want) {
		t.Errorf("Slots =\n%s\nwant\n%s", strings.Join(listed, "\n"), strings.Join(want, "\n"))
	}
	_, err = b.svc.Slots(ctx, b.as(t, unit, s[0]))
	slotWant(t, "a student listing slots", err, pairup.EFORBIDDEN, "")

	// Refused while teams are booked, naming them.
	slotWant(t, "delete a booked slot", remove(c.ID), pairup.ECONFLICT, "lab_id", adaText, graceText)
	_, err = update(c.ID, pairup.SlotPatch{Capacity: ptrTo(1)})
	slotWant(t, "shrink below the bookings", err, pairup.ECONFLICT, "capacity", adaText, graceText, "cannot go below 2")
	// Moving a booked slot takes its teams along; onto a taken room and time it is refused.
	_, err = update(c.ID, pairup.SlotPatch{Room: ptrTo("CSSE 2.01")})
	slotWant(t, "move onto a taken room", err, pairup.ECONFLICT, "room", "CSSE 2.01 has a slot at 2027-05-20T17:15")
	moved, err := update(c.ID, pairup.SlotPatch{StartsAt: ptrTo("2027-05-21T09:00"), Capacity: ptrTo(3)})
	slotWant(t, "move and grow a booked slot", err, "", "")
	if moved.StartsAt.Format(pairup.LabTimeLayout) != "2027-05-21T09:00" || moved.Capacity != 3 || len(moved.Teams) != 2 {
		t.Errorf("moved %+v, want 09:00 next day, capacity 3, both teams", moved)
	}
	if p, _ := b.st.Project(ctx, ada.ID); p.Lab.StartsAt.Format(pairup.LabTimeLayout) != "2027-05-21T09:00" {
		t.Errorf("the team's slot is %+v after the move", p.Lab)
	}
	if d := b.audit(t, unit)[0].Details; fmt.Sprint(d["before"]) != "map[capacity:2 room:CSSE 2.03 starts_at:2027-05-20T17:15]" ||
		fmt.Sprint(d["after"]) != "map[capacity:3 room:CSSE 2.03 starts_at:2027-05-21T09:00]" {
		t.Errorf("audit details %v", d)
	}
	// A patch that changes nothing records nothing.
	before := b.state(t, unit)
	if _, err := b.svc.UpdateSlot(ctx, coord, c.ID, pairup.SlotPatch{Room: ptrTo("CSSE 2.03 "), Capacity: ptrTo(3)}); err != nil {
		t.Errorf("no-op patch: %v", err)
	}
	if after := b.state(t, unit); !reflect.DeepEqual(before, after) {
		t.Errorf("a no-op patch changed the unit")
	}
	for _, bad := range []struct {
		field string
		p     pairup.SlotPatch
	}{
		{"room", pairup.SlotPatch{Room: ptrTo(" ")}}, {"starts_at", pairup.SlotPatch{StartsAt: ptrTo("tomorrow")}},
		{"capacity", pairup.SlotPatch{Capacity: ptrTo(0)}}, {"capacity", pairup.SlotPatch{Capacity: ptrTo(1001)}},
	} {
		_, err := update(c.ID, bad.p)
		slotWant(t, "patch "+bad.field, err, pairup.EINVALID, bad.field)
	}
	_, err = update(999999, pairup.SlotPatch{Capacity: ptrTo(2)})
	slotWant(t, "patch an unknown slot", err, pairup.ENOTFOUND, "lab")
	slotWant(t, "delete an unknown slot", remove(999999), pairup.ENOTFOUND, "lab")
	// Another unit's slot is no slot of this one.
	otherCoord := b.unit(t, "other", "UTC")
	foreign := b.slot(t, otherCoord, "Elsewhere", "2027-05-20T10:00", 1)
	slotWant(t, "delete another unit's slot", remove(foreign.ID), pairup.ENOTFOUND, "lab")
	slotWant(t, "a student deleting a slot", b.change(t, unit, "", 0, func() error { return b.svc.DeleteSlot(ctx, b.as(t, unit, s[3]), a.ID) }), pairup.EFORBIDDEN, "")

	// A place given by force stays beyond the capacity: the capacity may not go below the
	// unforced bookings, and a capacity that grows takes the forced place in.
	alan := b.team(t, unit, a.ID, "Machines", s[3])
	if _, err := b.svc.MoveProject(ctx, coord, grace.ID, a.ID, service.Intervention{Reason: "room for one more", Force: true}); err != nil {
		t.Fatal(err)
	}
	full, _ := b.svc.Slots(ctx, coord)
	if l := full[1]; l.ID != a.ID || l.Booked != 2 || l.Forced != 1 || l.Capacity != 1 {
		t.Fatalf("after forcing: %+v, want 2 booked, 1 forced, capacity 1", l)
	}
	grown, err := update(a.ID, pairup.SlotPatch{Capacity: ptrTo(2)})
	if err != nil || grown.Forced != 0 || grown.Booked != 2 {
		t.Errorf("growing the forced slot = %+v, %v; want capacity 2, nothing forced", grown, err)
	}
	_, err = update(a.ID, pairup.SlotPatch{Capacity: ptrTo(1)})
	slotWant(t, "shrink below the bookings once the forced place is taken in", err, pairup.ECONFLICT, "capacity",
		fmt.Sprintf("team %d (Alan Turing)", alan.ID), graceText)

	// Emptied, a slot may shrink and go.
	for _, p := range []pairup.Project{ada, grace, alan} {
		if err := b.svc.DissolveProject(ctx, coord, p.ID, service.Intervention{Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = update(c.ID, pairup.SlotPatch{Capacity: ptrTo(1)})
	slotWant(t, "shrink an empty slot", err, "", "")
	slotWant(t, "delete an empty slot", remove(c.ID), "", "")
	if e := b.audit(t, unit)[0]; fmt.Sprint(e.Details) != "map[capacity:1 room:CSSE 2.03 starts_at:2027-05-21T09:00]" {
		t.Errorf("deletion's audit details %v", e.Details)
	}
	slotWant(t, "delete it again", remove(c.ID), pairup.ENOTFOUND, "lab")

	// An archived unit refuses every change.
	if _, err := b.svc.ArchiveUnit(ctx, coord); err != nil {
		t.Fatal(err)
	}
	archived := b.as(t, unit, coord.Actor.Person.Number)
	_, err = b.svc.CreateSlot(ctx, archived, pairup.NewSlot{Room: "Late", StartsAt: "2027-05-20T10:00"})
	slotWant(t, "create in an archived unit", err, pairup.ECONFLICT, "", "archived")
	slotWant(t, "delete in an archived unit", b.svc.DeleteSlot(ctx, archived, a.ID), pairup.ECONFLICT, "", "archived")
	_, err = b.svc.GenerateSession(ctx, archived, session([]string{"A"}, "17:00", "18:00", 15))
	slotWant(t, "generate in an archived unit", err, pairup.ECONFLICT, "", "archived")
	// Archived before the use case read its access: the transaction's own check refuses it.
	_, err = b.svc.UpdateSlot(ctx, coord, a.ID, pairup.SlotPatch{Capacity: ptrTo(5)})
	slotWant(t, "update with a stale access to an archived unit", err, pairup.ECONFLICT, "", "archived")
}

// TestDeleteSlotRacesBooking deletes slots while students book them: the database decides, so
// either the booking fails (the slot is gone) or the deletion fails naming the team, never both
// succeed and never both fail.
func TestDeleteSlotRacesBooking(t *testing.T) {
	t.Parallel()
	b := slotSetup(t)
	ctx := t.Context()
	const unit, rounds = "race", 24
	coord := b.unit(t, unit, "UTC")
	names := make([]string, rounds)
	for i := range names {
		names[i] = fmt.Sprintf("Racer %d", i)
	}
	students := b.students(t, unit, names...)
	var deleted, booked int
	for i := range rounds {
		lab := b.slot(t, coord, "Race", fmt.Sprintf("2027-05-20T%02d:%02d", 8+i/4, i%4*15), 1)
		acc := b.as(t, unit, students[i])
		var (
			wg                 sync.WaitGroup
			start              = make(chan struct{})
			deleteErr, bookErr error
			team               pairup.Project
		)
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			deleteErr = b.svc.DeleteSlot(ctx, coord, lab.ID)
		}()
		go func() {
			defer wg.Done()
			<-start
			team, bookErr = b.svc.CreateProject(ctx, acc, pairup.NewProject{Creator: students[i], Description: "Racing", LabID: lab.ID})
		}()
		close(start)
		wg.Wait()
		slots, err := b.st.SlotsWithTeams(ctx, unit, lab.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case deleteErr == nil && bookErr == nil:
			t.Fatalf("round %d: both the deletion and the booking (team %d) succeeded", i, team.ID)
		case deleteErr == nil:
			deleted++
			if c := pairup.ErrorCode(bookErr); c != pairup.EINVALID && c != pairup.ECONFLICT {
				t.Errorf("round %d: the booking of the deleted slot failed with %v, want 400 or 409", i, bookErr)
			}
			if len(slots) != 0 {
				t.Errorf("round %d: the deleted slot is still there: %+v", i, slots)
			}
			if _, err := b.st.ProjectIDOf(ctx, unit, students[i]); pairup.ErrorCode(err) != pairup.ENOTFOUND {
				t.Errorf("round %d: the student has a team in a deleted slot (%v)", i, err)
			}
		case bookErr == nil:
			booked++
			slotWant(t, fmt.Sprintf("round %d: deleting the booked slot", i), deleteErr, pairup.ECONFLICT, "lab_id",
				fmt.Sprintf("team %d (Racer %d)", team.ID, i))
			if len(slots) != 1 || slots[0].Booked != 1 || len(slots[0].Teams) != 1 {
				t.Errorf("round %d: the booked slot is %+v", i, slots)
			}
		default:
			t.Errorf("round %d: both failed: deletion %v, booking %v", i, deleteErr, bookErr)
		}
	}
	t.Logf("%d rounds: %d deletions won, %d bookings won", rounds, deleted, booked)
}

func TestCalendars(t *testing.T) {
	t.Parallel()
	b := slotSetup(t)
	ctx := t.Context()
	const unit = "cal"
	coord := b.unit(t, unit, "Australia/Perth")
	s := b.students(t, unit, "Ada", "Bob", "Cy", "Di", "Ed", "Flo")
	// Room A: a session by 20 minutes, then one slot two hours later; room B: one slot alone.
	a1 := b.slot(t, coord, "A", "2027-05-20T17:00", 1)
	b.slot(t, coord, "A", "2027-05-20T17:20", 1)
	a3 := b.slot(t, coord, "A", "2027-05-20T17:40", 1)
	late := b.slot(t, coord, "A", "2027-05-20T19:40", 1)
	b1 := b.slot(t, coord, "B", "2027-05-20T17:20", 1)
	b.slot(t, coord, "A", "2027-05-21T08:00", 1) // the next day counts for nothing
	t1 := b.team(t, unit, a1.ID, "One", s[0], s[1])
	b.team(t, unit, a3.ID, "Three", s[2])
	b.team(t, unit, late.ID, "Late", s[3])
	b.team(t, unit, b1.ID, "Alone", s[4])

	c, err := b.svc.UnitCalendar(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range c.Demos {
		got = append(got, fmt.Sprintf("%s %s–%s", d.Team.Description, d.Start.Format(time.RFC3339), d.End.Format("15:04Z07:00")))
	}
	want := []string{ // Perth is UTC+8
		"One 2027-05-20T09:00:00Z–09:20Z",   // until the next slot of the room
		"Alone 2027-05-20T09:20:00Z–09:35Z", // no neighbour: 15 minutes
		"Three 2027-05-20T09:40:00Z–10:00Z", // the session's last: as long as the gap before it
		"Late 2027-05-20T11:40:00Z–11:55Z",  // neighbours two hours away: 15 minutes
	}
	if !slices.Equal(got, want) {
		t.Errorf("unit calendar\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !c.Stamp.Equal(slotNow) {
		t.Errorf("stamp %v, want the clock's %v", c.Stamp, slotNow)
	}

	mine, err := b.svc.StudentCalendar(ctx, b.as(t, unit, s[1]), s[1])
	if err != nil || len(mine.Demos) != 1 || mine.Demos[0].Team.ID != t1.ID {
		t.Errorf("Bob's calendar = %+v, %v; want team %d", mine.Demos, err, t1.ID)
	}
	mate, err := b.svc.StudentCalendar(ctx, b.as(t, unit, s[0]), s[1])
	if err != nil || len(mate.Demos) != 1 {
		t.Errorf("Bob's calendar for Ada = %+v, %v", mate.Demos, err)
	}
	none, err := b.svc.StudentCalendar(ctx, coord, s[5])
	if err != nil || len(none.Demos) != 0 {
		t.Errorf("the calendar of a student in no team = %+v, %v; want no demos", none.Demos, err)
	}
	_, err = b.svc.StudentCalendar(ctx, b.as(t, unit, s[5]), s[1])
	slotWant(t, "a stranger's calendar", err, pairup.EFORBIDDEN, "")
	_, err = b.svc.StudentCalendar(ctx, coord, "49999999")
	slotWant(t, "an unknown student's calendar", err, pairup.ENOTFOUND, "")
	_, err = b.svc.UnitCalendar(ctx, b.as(t, unit, s[0]))
	slotWant(t, "a student's unit calendar", err, pairup.EFORBIDDEN, "")
	_, err = b.svc.TeamContacts(ctx, b.as(t, unit, s[0]))
	slotWant(t, "a student's teams export", err, pairup.EFORBIDDEN, "")

	if _, err := b.st.Pool().Exec(ctx, "UPDATE people SET email = 'ada@example.edu' WHERE student_number = $1", s[0]); err != nil {
		t.Fatal(err)
	}
	teams, err := b.svc.TeamContacts(ctx, coord)
	if err != nil || len(teams) != 4 || teams[0].ID != t1.ID || !slices.Equal(teams[0].Emails, []string{"ada@example.edu", ""}) {
		t.Errorf("TeamContacts = %+v, %v; want team %d first with Ada's address", teams, err, t1.ID)
	}
}

// TestSlotChangesWaitForBookingsInFlight holds one side of the race in an open transaction
// until the other side waits for it: a deletion waits for a booking that has not committed and
// then names its team; a booking waits for a deletion that has not committed and then fails.
func TestSlotChangesWaitForBookingsInFlight(t *testing.T) {
	t.Parallel()
	b := slotSetup(t)
	ctx := t.Context()
	const unit = "inflight"
	coord := b.unit(t, unit, "UTC")
	s := b.students(t, unit, "Ada Lovelace", "Grace Hopper")
	pool := b.st.Pool()
	// waitForLockWait returns once a session of this database waits for a lock.
	waitForLockWait := func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				return
			}
		}
		t.Fatal("nothing waited for the open transaction")
	}

	// A booking in flight: the deletion waits, then names the team.
	lab := b.slot(t, coord, "Lab", "2027-05-20T10:00", 1)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pid int64
	if err := tx.QueryRow(ctx, "INSERT INTO projects (unit, description, lab_id) VALUES ($1, 'In flight', $2) RETURNING id", unit, lab.ID).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO project_members (unit, project_id, student_number) VALUES ($1, $2, $3)", unit, pid, s[0]); err != nil {
		t.Fatal(err)
	}
	deleted := make(chan error, 1)
	go func() { deleted <- b.svc.DeleteSlot(ctx, coord, lab.ID) }()
	waitForLockWait()
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	slotWant(t, "deleting a slot while a booking commits", <-deleted, pairup.ECONFLICT, "lab_id", fmt.Sprintf("team %d (Ada Lovelace)", pid))

	// A deletion in flight: the booking waits, then fails; the slot is gone and no team formed.
	lab = b.slot(t, coord, "Lab", "2027-05-20T11:00", 1)
	tx, err = pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM lab_slots WHERE unit = $1 AND id = $2", unit, lab.ID); err != nil {
		t.Fatal(err)
	}
	grace := b.as(t, unit, s[1])
	booked := make(chan error, 1)
	go func() {
		_, err := b.svc.CreateProject(ctx, grace, pairup.NewProject{Creator: s[1], Description: "Too late", LabID: lab.ID})
		booked <- err
	}()
	waitForLockWait()
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	slotWant(t, "booking a slot while its deletion commits", <-booked, pairup.EINVALID, "lab_id", "no such lab slot")
	if _, err := b.st.ProjectIDOf(ctx, unit, s[1]); pairup.ErrorCode(err) != pairup.ENOTFOUND {
		t.Errorf("a team formed in the deleted slot (%v)", err)
	}
}
