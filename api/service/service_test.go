package service_test

import (
	"encoding/json"
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

// t0 is where every test's clock starts, before any unit's sign-up window and slot.
var t0 = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)

// slotDay is the wall-clock time of the slots whose time does not matter: weeks after t0.
var slotDay = time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)

// testClock is the service's clock; only the test moves it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

type testBundle struct {
	st    *store.Store
	svc   *service.Service
	make  *testfactory.Factory
	clock *testClock
	next  int // the next fresh student number
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	pool, _ := testdb.New(t)
	st := store.New(pool)
	clock := &testClock{now: t0}
	svc := service.New(st, clock.Now)
	return &testBundle{st: st, svc: svc, make: testfactory.New(st, svc, "test-pin-hash"), clock: clock, next: 10000000}
}

func (b *testBundle) unit(t *testing.T, spec testfactory.UnitSpec) pairup.Unit {
	t.Helper()
	u, err := b.make.Unit(t.Context(), spec)
	if err != nil {
		t.Fatalf("make unit %s: %v", spec.Code, err)
	}
	return u
}

// students enrols n fresh students in the unit and returns their numbers.
func (b *testBundle) students(t *testing.T, unit string, n int) []string {
	t.Helper()
	numbers, err := b.make.Students(t.Context(), unit, b.next, n, "Student")
	if err != nil {
		t.Fatalf("enrol students in %s: %v", unit, err)
	}
	b.next += n
	return numbers
}

// enrol enrols existing or new people in the unit with the role.
func (b *testBundle) enrol(t *testing.T, unit string, role pairup.Role, numbers ...string) {
	t.Helper()
	people := make([]testfactory.Person, len(numbers))
	for i, n := range numbers {
		people[i] = testfactory.Person{Number: n, Name: "Person " + n, Role: role}
	}
	if err := b.make.Enrol(t.Context(), unit, people...); err != nil {
		t.Fatalf("enrol in %s: %v", unit, err)
	}
}

// coordinator enrols a fresh coordinator in the unit and returns their number.
func (b *testBundle) coordinator(t *testing.T, unit string) string {
	t.Helper()
	n := fmt.Sprintf("%08d", b.next)
	b.next++
	b.enrol(t, unit, pairup.RoleCoordinator, n)
	return n
}

// slot adds a slot (wall-clock time in the unit's zone) and returns it.
func (b *testBundle) slot(t *testing.T, unit, room string, wall time.Time, capacity int) pairup.LabSlot {
	t.Helper()
	labs, err := b.make.Slots(t.Context(), unit, pairup.LabSlot{Room: room, StartsAt: wall, Capacity: capacity})
	if err != nil {
		t.Fatalf("make slot in %s: %v", unit, err)
	}
	for _, l := range labs {
		if l.Room == room && l.StartsAt.Equal(wall) {
			return l
		}
	}
	t.Fatalf("slot %s %v not among %+v", room, wall, labs)
	return pairup.LabSlot{}
}

// team forms a team of the members (the creator first) through the command line.
func (b *testBundle) team(t *testing.T, unit string, lab int64, members ...string) pairup.Project {
	t.Helper()
	p, err := b.make.Team(t.Context(), unit, members[0], members[1:], lab, "")
	if err != nil {
		t.Fatalf("make team %v in %s: %v", members, unit, err)
	}
	return p
}

// actor is the person as authentication finds them.
func (b *testBundle) actor(t *testing.T, number string) service.Actor {
	t.Helper()
	p, err := b.svc.Person(t.Context(), number)
	if err != nil {
		t.Fatalf("person %s: %v", number, err)
	}
	return service.Actor{Person: p}
}

func (b *testBundle) access(t *testing.T, a service.Actor, unit string) service.Access {
	t.Helper()
	acc, err := b.svc.Access(t.Context(), a, unit)
	if err != nil {
		t.Fatalf("access of %+v to %s: %v", a, unit, err)
	}
	return acc
}

// as is the access of the person with that number.
func (b *testBundle) as(t *testing.T, unit, number string) service.Access {
	t.Helper()
	return b.access(t, b.actor(t, number), unit)
}

func (b *testBundle) auditLog(t *testing.T, unit string) []pairup.AuditEntry {
	t.Helper()
	entries, err := b.st.AuditEntries(t.Context(), unit, 0, 100000)
	if err != nil {
		t.Fatalf("audit log of %s: %v", unit, err)
	}
	return entries
}

// snapshot is everything of a unit a use case may change.
type snapshot struct {
	Unit     pairup.Unit
	Projects []pairup.Project
	Labs     []pairup.LabSlot
	Audit    int
}

func (b *testBundle) snapshot(t *testing.T, unit string) snapshot {
	t.Helper()
	ctx := t.Context()
	u, err := b.st.Unit(ctx, unit)
	if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
		t.Fatalf("unit %s: %v", unit, err)
	}
	projects, err := b.st.Projects(ctx, unit)
	if err != nil {
		t.Fatalf("projects of %s: %v", unit, err)
	}
	labs, err := b.st.Labs(ctx, unit)
	if err != nil {
		t.Fatalf("labs of %s: %v", unit, err)
	}
	return snapshot{Unit: inUTC(u), Projects: projects, Labs: labs, Audit: len(b.auditLog(t, unit))}
}

// change runs a use case that changes the unit and checks its bookkeeping: on success exactly
// one new entry in the unit's audit log, on failure nothing changed at all.
func (b *testBundle) change(t *testing.T, unit string, do func() error) error {
	t.Helper()
	before := b.snapshot(t, unit)
	err := do()
	after := b.snapshot(t, unit)
	switch {
	case err != nil && !reflect.DeepEqual(before, after):
		t.Errorf("the failed change (%v) changed unit %s:\nbefore %+v\nafter  %+v", err, unit, before, after)
	case err == nil && after.Audit != before.Audit+1:
		t.Errorf("the change wrote %d audit entries in %s, want 1", after.Audit-before.Audit, unit)
	}
	return err
}

// wantError checks the error's code ("" for success) and, when field is not "", that it names
// the field.
func wantError(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	if got := pairup.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
		return
	}
	if err == nil || field == "" {
		return
	}
	var e *pairup.Error
	errors.As(err, &e)
	if !slices.ContainsFunc(e.Fields, func(f pairup.FieldError) bool { return f.Field == field }) {
		t.Errorf("%s: error %v names fields %+v, want %q", what, err, e.Fields, field)
	}
}

func inUTC(u pairup.Unit) pairup.Unit {
	for _, p := range []**time.Time{&u.Policy.OpensAt, &u.Policy.ClosesAt} {
		if *p != nil {
			t := (*p).UTC()
			*p = &t
		}
	}
	return u
}

func memberNumbers(p pairup.Project) []string {
	out := make([]string, len(p.Members))
	for i, m := range p.Members {
		out[i] = m.Number
	}
	return out
}

func labIDs(labs []pairup.LabSlot) []int64 {
	out := make([]int64, len(labs))
	for i, l := range labs {
		out[i] = l.ID
	}
	return out
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func ptr[T any](v T) *T { return &v }

// teamChanges are the four changes of teams the phase and guard tests try, each made by the
// student named (as themself) or by a coordinator for them.
type teamChanges struct {
	create     string // forms a team on their own in createLab
	createLab  int64
	update     string // changes their team's description and moves it to updateLab
	updateLab  int64
	delete     string // dissolves their team
	remove     string // leaves (or is removed from) removeFrom, which keeps another member
	removeFrom int64
}

// formTeams enrols ten students and forms, through the command line, the teams of the changes
// a student makes (of their own teams) and of those a coordinator makes, all booked into lab.
func (b *testBundle) formTeams(t *testing.T, unit string, lab, moveTo int64) (byStudent, byCoordinator teamChanges) {
	t.Helper()
	s := b.students(t, unit, 10)
	changes := func(s []string) teamChanges {
		b.team(t, unit, lab, s[1])
		b.team(t, unit, lab, s[2])
		pair := b.team(t, unit, lab, s[3], s[4])
		return teamChanges{create: s[0], createLab: lab, update: s[1], updateLab: moveTo, delete: s[2], remove: s[4], removeFrom: pair.ID}
	}
	return changes(s[:5]), changes(s[5:])
}

// tryChanges makes the four changes in the order CreateProject, UpdateProject, DeleteProject,
// RemoveMember, each with the access as(student) and checked by change, and returns their errors.
func (b *testBundle) tryChanges(t *testing.T, unit string, as func(student string) service.Access, c teamChanges) []error {
	t.Helper()
	ctx := t.Context()
	return []error{
		b.change(t, unit, func() error {
			_, err := b.svc.CreateProject(ctx, as(c.create), pairup.NewProject{Creator: c.create, Description: "A new project", LabID: c.createLab})
			return err
		}),
		b.change(t, unit, func() error {
			_, err := b.svc.UpdateProject(ctx, as(c.update), c.update, pairup.ProjectChange{Description: "A changed project", LabID: c.updateLab})
			return err
		}),
		b.change(t, unit, func() error { return b.svc.DeleteProject(ctx, as(c.delete), c.delete) }),
		b.change(t, unit, func() error { return b.svc.RemoveMember(ctx, as(c.remove), c.removeFrom, c.remove, "") }),
	}
}

var changeNames = []string{"CreateProject", "UpdateProject", "DeleteProject", "RemoveMember"}

// applied checks the effect of each of the changes that succeeded (errs as tryChanges returns).
func (b *testBundle) applied(t *testing.T, unit string, c teamChanges, errs []error) {
	t.Helper()
	ctx := t.Context()
	if errs[0] == nil {
		if _, err := b.st.ProjectIDOf(ctx, unit, c.create); err != nil {
			t.Errorf("CreateProject succeeded but %s has no team: %v", c.create, err)
		}
	}
	if errs[1] == nil {
		pid, err := b.st.ProjectIDOf(ctx, unit, c.update)
		if err != nil {
			t.Fatalf("UpdateProject succeeded but %s has no team: %v", c.update, err)
		}
		p, err := b.st.Project(ctx, pid)
		if err != nil || p.Description != "A changed project" || p.Lab.ID != c.updateLab {
			t.Errorf("after UpdateProject the team is %+v (%v), want description changed and lab %d", p, err, c.updateLab)
		}
	}
	if errs[2] == nil {
		if _, err := b.st.ProjectIDOf(ctx, unit, c.delete); pairup.ErrorCode(err) != pairup.ENOTFOUND {
			t.Errorf("DeleteProject succeeded but %s still has a team (%v)", c.delete, err)
		}
	}
	if errs[3] == nil {
		p, err := b.st.Project(ctx, c.removeFrom)
		if err != nil || p.HasMember(c.remove) || len(p.Members) != 1 {
			t.Errorf("after RemoveMember the team is %+v (%v), want it kept without %s", p, err, c.remove)
		}
	}
}

func TestPhaseAtItsEdges(t *testing.T) {
	t.Parallel()
	kiritimati := zone(t, "Pacific/Kiritimati")              // UTC+14: the local date is a day ahead of UTC's
	opens := time.Date(2027, 5, 4, 9, 0, 0, 0, kiritimati)   // Monday 3 May 19:00 UTC
	closes := time.Date(2027, 5, 11, 2, 0, 0, 0, kiritimati) // Monday 10 May 12:00 UTC
	for _, tc := range []struct {
		name    string
		at      time.Time
		phase   string
		refusal string // in the message of each change a student is refused; "" when allowed
	}{
		{"a nanosecond before it opens", opens.Add(-time.Nanosecond), pairup.PhaseUpcoming, "opens Tuesday 4 May 2027 09:00 (Pacific/Kiritimati)"},
		{"as it opens", opens, pairup.PhaseOpen, ""},
		{"a nanosecond before it closes", closes.Add(-time.Nanosecond), pairup.PhaseOpen, ""},
		{"as it closes", closes, pairup.PhaseClosed, "closed Tuesday 11 May 2027 02:00 (Pacific/Kiritimati)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			const unit = "kiri"
			b.unit(t, testfactory.UnitSpec{Code: unit, Timezone: "Pacific/Kiritimati", TeamMin: 1, TeamMax: 2, OpensAt: &opens, ClosesAt: &closes})
			lab := b.slot(t, unit, "Lab", slotDay, 20)
			byStudent, byCoordinator := b.formTeams(t, unit, lab.ID, lab.ID)
			coordinator := b.as(t, unit, b.coordinator(t, unit))
			b.clock.Set(tc.at)

			if got := b.svc.Phase(coordinator.Unit); got != tc.phase {
				t.Errorf("Phase = %q, want %q", got, tc.phase)
			}
			self := func(n string) service.Access { return b.as(t, unit, n) }
			errs := b.tryChanges(t, unit, self, byStudent)
			for i, err := range errs {
				if tc.refusal == "" {
					wantError(t, "student's "+changeNames[i], err, "", "")
					continue
				}
				wantError(t, "student's "+changeNames[i], err, pairup.ECONFLICT, "")
				if err != nil && !strings.Contains(err.Error(), tc.refusal) {
					t.Errorf("student's %s: message %q does not say %q", changeNames[i], err, tc.refusal)
				}
			}
			b.applied(t, unit, byStudent, errs)

			errs = b.tryChanges(t, unit, func(string) service.Access { return coordinator }, byCoordinator)
			for i, err := range errs {
				wantError(t, "coordinator's "+changeNames[i], err, "", "")
			}
			b.applied(t, unit, byCoordinator, errs)
		})
	}
}

func TestGuardTimeAtItsEdges(t *testing.T) {
	t.Parallel()
	pagoPago := zone(t, "Pacific/Pago_Pago") // UTC−11
	start := time.Date(2027, 5, 20, 10, 0, 0, 0, pagoPago)
	const guard = 60 * time.Minute
	type want struct {
		book   string // error code of booking the slot: forming a team in it, moving a team into it
		change string // error code of changing, dissolving or leaving a team booked into it
		listed bool   // whether BookableLabs offers it
	}
	var (
		free    = want{"", "", true}
		guarded = want{pairup.ECONFLICT, pairup.ECONFLICT, false}
		started = want{pairup.ECONFLICT, "", false} // for a coordinator: no booking, but changes
	)
	for _, tc := range []struct {
		name                 string
		at                   time.Time
		student, coordinator want
	}{
		{"a nanosecond before the guard time", start.Add(-guard - time.Nanosecond), free, free},
		{"as the guard time begins", start.Add(-guard), guarded, free},
		{"a nanosecond before it starts", start.Add(-time.Nanosecond), guarded, free},
		{"as it starts", start, guarded, started},
		{"after it started", start.Add(time.Hour), guarded, started},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			const unit = "pago"
			b.unit(t, testfactory.UnitSpec{Code: unit, Timezone: "Pacific/Pago_Pago", TeamMin: 1, TeamMax: 2, GuardMinutes: 60})
			slot := b.slot(t, unit, "Lab", testfactory.WallClock(start, pagoPago), 20)
			later := b.slot(t, unit, "Lab", testfactory.WallClock(start.Add(4*time.Hour), pagoPago), 20)
			byStudent, byCoordinator := b.formTeams(t, unit, slot.ID, later.ID)
			movers := b.students(t, unit, 2) // in teams booked into the later slot
			b.team(t, unit, later.ID, movers[0])
			b.team(t, unit, later.ID, movers[1])
			coordinator := b.as(t, unit, b.coordinator(t, unit))
			b.clock.Set(tc.at)

			for _, who := range []struct {
				name    string
				as      func(student string) service.Access
				changes teamChanges
				mover   string
				want    want
			}{
				{"student", func(n string) service.Access { return b.as(t, unit, n) }, byStudent, movers[0], tc.student},
				{"coordinator", func(string) service.Access { return coordinator }, byCoordinator, movers[1], tc.coordinator},
			} {
				labs, err := b.svc.BookableLabs(t.Context(), who.as(who.changes.create))
				if err != nil {
					t.Fatalf("%s's BookableLabs: %v", who.name, err)
				}
				ids := labIDs(labs)
				if slices.Contains(ids, slot.ID) != who.want.listed || !slices.Contains(ids, later.ID) {
					t.Errorf("%s's BookableLabs = %v; want slot %d listed: %v, and the later %d", who.name, ids, slot.ID, who.want.listed, later.ID)
				}

				errs := b.tryChanges(t, unit, who.as, who.changes)
				wantError(t, who.name+"'s CreateProject", errs[0], who.want.book, "lab_id")
				for i, err := range errs[1:] {
					wantError(t, who.name+"'s "+changeNames[i+1], err, who.want.change, "")
				}
				b.applied(t, unit, who.changes, errs)

				err = b.change(t, unit, func() error {
					_, err := b.svc.UpdateProject(t.Context(), who.as(who.mover), who.mover, pairup.ProjectChange{Description: "Moving in", LabID: slot.ID})
					return err
				})
				wantError(t, who.name+"'s UpdateProject into the slot", err, who.want.book, "lab_id")
			}
		})
	}
}

func TestTeamSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		min, max, size int
		code           string
	}{
		{1, 1, 1, ""},
		{1, 1, 2, pairup.EINVALID},
		{3, 3, 3, ""},
		{3, 3, 2, pairup.EINVALID},
		{3, 3, 4, pairup.EINVALID},
		{2, 4, 1, pairup.EINVALID},
		{2, 4, 2, ""},
		{2, 4, 3, ""},
		{2, 4, 4, ""},
		{2, 4, 5, pairup.EINVALID},
	} {
		t.Run(fmt.Sprintf("team of %d in %d to %d", tc.size, tc.min, tc.max), func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			const unit = "sized"
			b.unit(t, testfactory.UnitSpec{Code: unit, TeamMin: tc.min, TeamMax: tc.max})
			lab := b.slot(t, unit, "Lab", slotDay, 1)
			s := b.students(t, unit, tc.size)
			var p pairup.Project
			err := b.change(t, unit, func() (err error) {
				p, err = b.svc.CreateProject(t.Context(), b.as(t, unit, s[0]), pairup.NewProject{Creator: s[0], Partners: s[1:], Description: "Sized", LabID: lab.ID})
				return err
			})
			wantError(t, "CreateProject", err, tc.code, "partnerNumbers")
			if err != nil {
				return
			}
			if got := memberNumbers(p); !slices.Equal(got, s) || p.Lab.ID != lab.ID || p.Lab.Booked != 1 {
				t.Errorf("CreateProject = members %v, lab %+v; want %v in lab %d, booked once", got, p.Lab, s, lab.ID)
			}
			for _, n := range s {
				if pid, err := b.st.ProjectIDOf(t.Context(), unit, n); err != nil || pid != p.ID {
					t.Errorf("team of %s = %d (%v), want %d", n, pid, err, p.ID)
				}
			}
		})
	}
}

func TestPartners(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const unit, other = "band", "other"
	b.unit(t, testfactory.UnitSpec{Code: unit, TeamMin: 2, TeamMax: 4})
	b.unit(t, testfactory.UnitSpec{Code: other, TeamMin: 2, TeamMax: 2})
	lab := b.slot(t, unit, "Lab", slotDay, 10)
	otherLab := b.slot(t, other, "Lab", slotDay, 10)
	s := b.students(t, unit, 3)
	outsider := b.students(t, other, 1)[0]
	coordinator := b.coordinator(t, unit)
	taken := b.students(t, unit, 2)
	b.team(t, unit, lab.ID, taken...)

	for _, tc := range []struct {
		name     string
		creator  string
		partners []string
		code     string
		field    string
	}{
		{"a partner enrolled only in another unit", s[0], []string{s[1], outsider}, pairup.EINVALID, "partnerNumbers"},
		{"a partner who is nobody", s[0], []string{s[1], "99999998"}, pairup.EINVALID, "partnerNumbers"},
		{"a coordinator as partner", s[0], []string{s[1], coordinator}, pairup.EINVALID, "partnerNumbers"},
		{"a partner in a team already", s[0], []string{s[1], taken[1]}, pairup.ECONFLICT, "partnerNumbers"},
		{"the creator as their own partner", s[0], []string{s[1], s[0]}, pairup.EINVALID, "partnerNumbers"},
		{"a creator in a team already", taken[0], []string{s[1]}, pairup.ECONFLICT, "id"},
		{"the same partner twice", s[0], []string{s[1], s[1]}, pairup.EINVALID, "partnerNumbers"},
		{"ten partners", s[0], []string{"90000001", "90000002", "90000003", "90000004", "90000005", "90000006", "90000007", "90000008", "90000009", "90000010"}, pairup.EINVALID, "partnerNumbers"},
	} {
		err := b.change(t, unit, func() error {
			_, err := b.svc.CreateProject(t.Context(), b.as(t, unit, tc.creator), pairup.NewProject{Creator: tc.creator, Partners: tc.partners, Description: "Refused", LabID: lab.ID})
			return err
		})
		wantError(t, tc.name, err, tc.code, tc.field)
	}

	// One student in a team of each of two units.
	b.enrol(t, other, pairup.RoleStudent, s[2])
	p1, err := b.svc.CreateProject(t.Context(), b.as(t, unit, s[2]), pairup.NewProject{Creator: s[2], Partners: []string{s[1]}, Description: "In band", LabID: lab.ID})
	wantError(t, "CreateProject in "+unit, err, "", "")
	p2, err := b.svc.CreateProject(t.Context(), b.as(t, other, s[2]), pairup.NewProject{Creator: s[2], Partners: []string{outsider}, Description: "In other", LabID: otherLab.ID})
	wantError(t, "CreateProject in "+other, err, "", "")
	if p1.ID == p2.ID || p1.Unit != unit || p2.Unit != other || !p1.HasMember(s[2]) || !p2.HasMember(s[2]) {
		t.Errorf("teams %+v and %+v, want one of %s in each unit", p1, p2, s[2])
	}
}

func TestRemoveMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	const unit = "trio"
	b.unit(t, testfactory.UnitSpec{Code: unit, TeamMin: 1, TeamMax: 3})
	lab := b.slot(t, unit, "Lab", slotDay, 1)
	s := b.students(t, unit, 4)
	team := b.team(t, unit, lab.ID, s[0], s[1], s[2])
	coordinator := b.as(t, unit, b.coordinator(t, unit))
	members := func(want ...string) {
		t.Helper()
		p, err := b.st.Project(ctx, team.ID)
		if err != nil || !slices.Equal(memberNumbers(p), want) || p.Lab.ID != lab.ID || p.Lab.Booked != 1 {
			t.Errorf("team = %v in lab %+v (%v), want %v in lab %d, booked once", memberNumbers(p), p.Lab, err, want, lab.ID)
		}
	}
	remove := func(acc service.Access, student string) error {
		return b.change(t, unit, func() error { return b.svc.RemoveMember(ctx, acc, team.ID, student, "") })
	}

	wantError(t, "a student removing another member", remove(b.as(t, unit, s[0]), s[2]), pairup.EFORBIDDEN, "")
	members(s[0], s[1], s[2])
	wantError(t, "a member leaving", remove(b.as(t, unit, s[1]), s[1]), "", "")
	members(s[0], s[2])
	wantError(t, "a coordinator removing a member", remove(coordinator, s[2]), "", "")
	members(s[0])
	wantError(t, "a coordinator removing a non-member", remove(coordinator, s[3]), pairup.ENOTFOUND, "")
	members(s[0])

	wantError(t, "the last member leaving", remove(b.as(t, unit, s[0]), s[0]), "", "")
	if _, err := b.st.Project(ctx, team.ID); pairup.ErrorCode(err) != pairup.ENOTFOUND {
		t.Errorf("after the last member left the team still exists (%v)", err)
	}
	if log := b.auditLog(t, unit); log[0].Action != pairup.AuditMemberRemoved || log[0].Details["dissolved"] != true {
		t.Errorf("newest audit entry = %+v, want member.removed with dissolved", log[0])
	}
	labs, err := b.svc.BookableLabs(ctx, b.as(t, unit, s[3]))
	if err != nil || !slices.Equal(labIDs(labs), []int64{lab.ID}) || labs[0].Booked != 0 {
		t.Errorf("BookableLabs = %+v (%v), want the freed slot %d", labs, err, lab.ID)
	}
	_, err = b.svc.CreateProject(ctx, b.as(t, unit, s[3]), pairup.NewProject{Creator: s[3], Description: "Freed", LabID: lab.ID})
	wantError(t, "booking the freed slot", err, "", "")
}

func TestUpdateUnit(t *testing.T) {
	t.Parallel()
	perth := zone(t, "Australia/Perth")
	opens := time.Date(2027, 5, 10, 9, 0, 0, 0, perth).UTC()
	closes := time.Date(2027, 5, 24, 17, 0, 0, 0, perth).UTC()
	initial := pairup.Unit{Code: "net", Title: "Networks", Timezone: "Australia/Perth", Policy: pairup.Policy{
		TeamMin: 1, TeamMax: 4, OpensAt: &opens, ClosesAt: &closes, GuardMinutes: 15,
	}.WithDefaults()}
	for _, tc := range []struct {
		name    string
		patch   string
		student bool               // the patch comes from a student instead of a coordinator
		want    func(*pairup.Unit) // the change; nil when refused
		code    string
		field   string
	}{
		{name: "title", patch: `{"title":"Networks 2027"}`, want: func(u *pairup.Unit) { u.Title = "Networks 2027" }},
		{name: "timezone", patch: `{"timezone":"Pacific/Pago_Pago"}`, want: func(u *pairup.Unit) { u.Timezone = "Pacific/Pago_Pago" }},
		{name: "policy members", patch: `{"policy":{"team_min":2,"guard_minutes":90}}`, want: func(u *pairup.Unit) {
			u.Policy.TeamMin, u.Policy.GuardMinutes = 2, 90
		}},
		{name: "closes_at", patch: `{"policy":{"closes_at":"2027-06-01T10:00:00+08:00"}}`, want: func(u *pairup.Unit) {
			u.Policy.ClosesAt = ptr(time.Date(2027, 6, 1, 2, 0, 0, 0, time.UTC))
		}},
		{name: "null clears opens_at", patch: `{"policy":{"opens_at":null}}`, want: func(u *pairup.Unit) { u.Policy.OpensAt = nil }},
		{name: "team_max down to the largest team", patch: `{"policy":{"team_max":3}}`, want: func(u *pairup.Unit) { u.Policy.TeamMax = 3 }},
		{name: "team_max below the largest team", patch: `{"policy":{"team_max":2}}`, code: pairup.ECONFLICT, field: "policy.team_max"},
		{name: "team_min above team_max", patch: `{"policy":{"team_min":4,"team_max":3}}`, code: pairup.EINVALID, field: "policy.team_min"},
		{name: "closes before it opens", patch: `{"policy":{"closes_at":"2027-05-01T00:00:00Z"}}`, code: pairup.EINVALID, field: "policy.closes_at"},
		{name: "unknown timezone", patch: `{"timezone":"Mars/Olympus_Mons"}`, code: pairup.EINVALID, field: "timezone"},
		{name: "fair sign-up modes", patch: `{"policy":{"consent":"invite","invite_hours":24,"booking":"ranked","hold_minutes":5}}`, want: func(u *pairup.Unit) {
			u.Policy.Consent, u.Policy.InviteHours, u.Policy.Booking, u.Policy.HoldMinutes = pairup.ConsentInvite, 24, pairup.BookingRanked, 5
		}},
		{name: "unknown consent", patch: `{"policy":{"consent":"ask"}}`, code: pairup.EINVALID, field: "policy.consent"},
		{name: "consent null", patch: `{"policy":{"consent":null}}`, code: pairup.EINVALID, field: "policy.consent"},
		{name: "unknown booking", patch: `{"policy":{"booking":"lottery"}}`, code: pairup.EINVALID, field: "policy.booking"},
		{name: "invite_hours zero", patch: `{"policy":{"invite_hours":0}}`, code: pairup.EINVALID, field: "policy.invite_hours"},
		{name: "hold_minutes above a day", patch: `{"policy":{"hold_minutes":1441}}`, code: pairup.EINVALID, field: "policy.hold_minutes"},
		{name: "by a student", patch: `{"title":"Mine now"}`, student: true, code: pairup.EFORBIDDEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.unit(t, testfactory.UnitSpec{Code: initial.Code, Title: initial.Title, Timezone: initial.Timezone, TeamMin: 1, TeamMax: 4,
				OpensAt: &opens, ClosesAt: &closes, GuardMinutes: 15})
			lab := b.slot(t, initial.Code, "Lab", slotDay, 1)
			s := b.students(t, initial.Code, 3)
			b.team(t, initial.Code, lab.ID, s...)
			acc := b.as(t, initial.Code, b.coordinator(t, initial.Code))
			if tc.student {
				acc = b.as(t, initial.Code, s[0])
			}
			var patch pairup.UnitPatch
			if err := json.Unmarshal([]byte(tc.patch), &patch); err != nil {
				t.Fatalf("decode patch: %v", err)
			}

			var got pairup.Unit
			err := b.change(t, initial.Code, func() (err error) {
				got, err = b.svc.UpdateUnit(t.Context(), acc, patch)
				return err
			})
			wantError(t, "UpdateUnit", err, tc.code, tc.field)
			if err != nil || tc.want == nil {
				return
			}
			want := initial
			tc.want(&want)
			stored, err := b.st.Unit(t.Context(), initial.Code)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(inUTC(got), want) || !reflect.DeepEqual(inUTC(stored), want) {
				t.Errorf("UpdateUnit returned %+v and stored %+v, want %+v", inUTC(got), inUTC(stored), want)
			}
		})
	}
}

func TestAuditEntryPerChange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	const unit, coord, admin = "audited", "20000009", "20000010"
	s := []string{"20000001", "20000002", "20000003"}
	person := func(n string) service.Actor {
		return service.Actor{Person: pairup.Person{Number: n, Name: "Person " + n}}
	}
	as := func(n string) service.Access { return b.access(t, person(n), unit) }
	cli := func() service.Access { return b.access(t, service.CommandLine, unit) }
	var (
		labs []pairup.LabSlot
		pid  int64
	)
	lab := func(i int) int64 { return labs[i].ID }
	createIn := func(i int) func() error { // s[2] forms a team on their own in labs[i]
		return func() error {
			_, err := b.svc.CreateProject(ctx, as(s[2]), pairup.NewProject{Creator: s[2], Description: "Refused", LabID: lab(i)})
			return err
		}
	}
	b.enrol(t, pairup.DefaultUnitCode, pairup.RoleStudent, admin)
	if err := b.svc.SetSiteAdmin(ctx, service.CommandLine, admin, true); err != nil {
		t.Fatal(err)
	}
	siteAdmin := b.actor(t, admin)

	for _, step := range []struct {
		name string
		unit string // whose log; default unit
		do   func() error
		code string                   // the failure expected; "" for success
		want func() pairup.AuditEntry // the entry written on success
	}{
		{name: "unit created by the command line", do: func() error {
			_, err := b.svc.CreateUnit(ctx, service.CommandLine, pairup.Unit{Code: unit, Title: "Audited", Timezone: "Europe/Berlin", Policy: pairup.Policy{TeamMin: 1, TeamMax: 2}})
			return err
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorName: pairup.CommandLineActor, Action: pairup.AuditUnitCreated}
		}},
		{name: "roster imported", do: func() error {
			return b.make.Enrol(ctx, unit, testfactory.Person{Number: s[0], Name: "Person " + s[0]}, testfactory.Person{Number: s[1], Name: "Person " + s[1]},
				testfactory.Person{Number: s[2], Name: "Person " + s[2]}, testfactory.Person{Number: coord, Name: "Person " + coord, Role: pairup.RoleCoordinator})
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorName: pairup.CommandLineActor, Action: pairup.AuditRosterImported}
		}},
		{name: "labs imported", do: func() (err error) {
			labs, err = b.make.Slots(ctx, unit, pairup.LabSlot{Room: "A", StartsAt: slotDay, Capacity: 1}, pairup.LabSlot{Room: "B", StartsAt: slotDay, Capacity: 1})
			return err
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorName: pairup.CommandLineActor, Action: pairup.AuditLabsImported}
		}},
		{name: "project created by a student", do: func() error {
			p, err := b.svc.CreateProject(ctx, as(s[0]), pairup.NewProject{Creator: s[0], Partners: []string{s[1]}, Description: "Audited", LabID: lab(0)})
			pid = p.ID
			return err
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: s[0], ActorName: "Person " + s[0], Action: pairup.AuditProjectCreated, ProjectID: pid, LabID: lab(0), Student: s[0]}
		}},
		{name: "slot full", do: createIn(0), code: pairup.ECONFLICT},
		{name: "project updated by a teammate", do: func() error {
			_, err := b.svc.UpdateProject(ctx, as(s[1]), s[1], pairup.ProjectChange{Description: "Moved", LabID: lab(1)})
			return err
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: s[1], ActorName: "Person " + s[1], Action: pairup.AuditProjectUpdated, ProjectID: pid, LabID: lab(1), Student: s[1]}
		}},
		{name: "a stranger dissolving the team", do: func() error { return b.svc.DeleteProject(ctx, as(s[2]), s[0]) }, code: pairup.EFORBIDDEN},
		{name: "a student changing the unit", do: func() error {
			_, err := b.svc.UpdateUnit(ctx, as(s[2]), pairup.UnitPatch{Title: pairup.Optional[string]{Set: true, Value: "Mine"}})
			return err
		}, code: pairup.EFORBIDDEN},
		{name: "a team member made coordinator", do: func() error {
			return b.svc.ImportRoster(ctx, as(coord), []pairup.RosterEntry{{Line: 1, PINHash: "x", Student: pairup.Student{Number: s[0], Name: "Person " + s[0], Role: pairup.RoleCoordinator}}})
		}, code: pairup.EINVALID},
		{name: "member leaving", do: func() error { return b.svc.RemoveMember(ctx, as(s[1]), pid, s[1], "") }, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: s[1], ActorName: "Person " + s[1], Action: pairup.AuditMemberRemoved, ProjectID: pid, LabID: lab(1), Student: s[1]}
		}},
		{name: "unit updated by a coordinator", do: func() error {
			_, err := b.svc.UpdateUnit(ctx, as(coord), pairup.UnitPatch{Policy: pairup.Optional[pairup.PolicyPatch]{Set: true, Value: pairup.PolicyPatch{
				ClosesAt: pairup.Optional[time.Time]{Set: true, Value: b.clock.Now()},
			}}})
			return err
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: coord, ActorName: "Person " + coord, Action: pairup.AuditUnitUpdated}
		}},
		{name: "sign-up closed", do: createIn(0), code: pairup.ECONFLICT},
		{name: "project deleted by a coordinator", do: func() error { return b.svc.DeleteProject(ctx, as(coord), s[0]) }, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: coord, ActorName: "Person " + coord, Action: pairup.AuditProjectDeleted, ProjectID: pid, LabID: lab(1), Student: s[0]}
		}},
		{name: "labs imported by a coordinator", do: func() error {
			return b.svc.ImportSlots(ctx, as(coord), []pairup.SlotEntry{{Line: 1, Slot: pairup.LabSlot{Room: "C", StartsAt: slotDay, Capacity: 2}}})
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: coord, ActorName: "Person " + coord, Action: pairup.AuditLabsImported}
		}},
		{name: "roster imported by the command line's access", do: func() error {
			return b.svc.ImportRoster(ctx, cli(), []pairup.RosterEntry{{Line: 1, PINHash: "x", Student: pairup.Student{Number: "20000004", Name: "Late", Role: pairup.RoleStudent}}})
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorName: pairup.CommandLineActor, Action: pairup.AuditRosterImported}
		}},
		{name: "unit created by a site admin", unit: "admin-made", do: func() error {
			_, err := b.svc.CreateUnit(ctx, siteAdmin, pairup.Unit{Code: "admin-made", Title: "Admin made", Policy: pairup.DefaultPolicy()})
			return err
		}, want: func() pairup.AuditEntry {
			return pairup.AuditEntry{ActorID: admin, ActorName: "Person " + admin, Action: pairup.AuditUnitCreated}
		}},
	} {
		log := step.unit
		if log == "" {
			log = unit
		}
		b.clock.Set(b.clock.Now().Add(time.Minute))
		before := b.auditLog(t, log)
		err := b.change(t, log, step.do)
		wantError(t, step.name, err, step.code, "")
		after := b.auditLog(t, log)
		if step.code != "" {
			if len(after) != len(before) {
				t.Errorf("%s: the failure wrote %d audit entries", step.name, len(after)-len(before))
			}
			continue
		}
		if len(after) != len(before)+1 {
			t.Errorf("%s: wrote %d audit entries, want 1", step.name, len(after)-len(before))
			continue
		}
		got := after[0]
		want := step.want()
		want.ID, want.Unit, want.At, want.Details = got.ID, log, b.clock.Now(), got.Details
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: audit entry\n got %+v\nwant %+v", step.name, got, want)
		}
	}
}

func TestAuditPages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	const unit = "paged"
	b.unit(t, testfactory.UnitSpec{Code: unit})
	for i := range 9 {
		b.slot(t, unit, fmt.Sprintf("Room %d", i), slotDay, 1)
	}
	s := b.students(t, unit, 1) // the 11th entry
	for _, bad := range []struct {
		cursor int64
		limit  int
		field  string
	}{{0, 0, "limit"}, {0, -3, "limit"}, {0, service.MaxAuditPage + 1, "limit"}, {-1, 10, "cursor"}} {
		_, err := b.svc.Audit(ctx, b.access(t, service.CommandLine, unit), bad.cursor, bad.limit)
		wantError(t, fmt.Sprintf("Audit(cursor %d, limit %d)", bad.cursor, bad.limit), err, pairup.EINVALID, bad.field)
	}
	all := b.auditLog(t, unit)
	if len(all) != 11 {
		t.Fatalf("the unit has %d audit entries, want 11", len(all))
	}
	var wantIDs []int64
	for _, e := range all {
		wantIDs = append(wantIDs, e.ID)
	}
	if !slices.IsSortedFunc(wantIDs, func(a, b int64) int { return int(b - a) }) {
		t.Fatalf("audit ids %v are not newest first", wantIDs)
	}

	coordinator := b.access(t, service.CommandLine, unit)
	for _, limit := range []int{1, 2, 5, 10, 11, 12, 200} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			t.Parallel()
			var ids []int64
			var cursor int64
			for pages := 0; ; pages++ {
				if pages > len(all) {
					t.Fatalf("more than %d pages", len(all))
				}
				page, err := b.svc.Audit(ctx, coordinator, cursor, limit)
				if err != nil {
					t.Fatalf("Audit(cursor %d): %v", cursor, err)
				}
				for _, e := range page.Entries {
					ids = append(ids, e.ID)
				}
				if page.Next == 0 {
					if len(page.Entries) == 0 || len(page.Entries) > limit {
						t.Errorf("last page has %d entries, want 1 to %d", len(page.Entries), limit)
					}
					break
				}
				if len(page.Entries) != limit || page.Next != page.Entries[limit-1].ID {
					t.Fatalf("page of %d entries with Next %d, want %d entries and Next the last one's id", len(page.Entries), page.Next, limit)
				}
				cursor = page.Next
			}
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("pages walk %v, want %v", ids, wantIDs)
			}
		})
	}

	_, err := b.svc.Audit(ctx, b.as(t, unit, s[0]), 0, 50)
	wantError(t, "a student reading the audit log", err, pairup.EFORBIDDEN, "")
}

func TestAccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	b.unit(t, testfactory.UnitSpec{Code: "mine"})
	b.unit(t, testfactory.UnitSpec{Code: "theirs"})
	student := b.actor(t, b.students(t, "mine", 1)[0])
	coordinator := b.actor(t, b.coordinator(t, "theirs"))
	adminNumber := b.students(t, "mine", 1)[0]
	if err := b.svc.SetSiteAdmin(ctx, service.CommandLine, adminNumber, true); err != nil {
		t.Fatal(err)
	}
	admin := b.actor(t, adminNumber)
	if !admin.Person.SiteAdmin {
		t.Fatalf("person %+v is not a site admin after SetSiteAdmin", admin.Person)
	}
	nobody := service.Actor{Person: pairup.Person{Number: "99999999", Name: "Nobody"}}

	for _, tc := range []struct {
		name        string
		actor       service.Actor
		unit        string
		code        string
		role        pairup.Role
		coordinates bool
	}{
		{"student of the unit", student, "mine", "", pairup.RoleStudent, false},
		{"student of another unit", student, "theirs", pairup.EFORBIDDEN, "", false},
		{"student, unknown unit", student, "no-such-unit", pairup.EFORBIDDEN, "", false},
		{"student, the default unit", student, "", pairup.EFORBIDDEN, "", false},
		{"nobody, a unit", nobody, "theirs", pairup.EFORBIDDEN, "", false},
		{"nobody, unknown unit", nobody, "no-such-unit", pairup.EFORBIDDEN, "", false},
		{"coordinator of the unit", coordinator, "theirs", "", pairup.RoleCoordinator, true},
		{"coordinator of another unit", coordinator, "mine", pairup.EFORBIDDEN, "", false},
		{"site admin, a unit they are not in", admin, "theirs", "", "", true},
		{"site admin, a unit they study in", admin, "mine", "", pairup.RoleStudent, true},
		{"site admin, unknown unit", admin, "no-such-unit", pairup.ENOTFOUND, "", false},
		{"command line, a unit", service.CommandLine, "theirs", "", "", true},
		{"command line, the default unit", service.CommandLine, "", "", "", true},
		{"command line, unknown unit", service.CommandLine, "no-such-unit", pairup.ENOTFOUND, "", false},
	} {
		acc, err := b.svc.Access(ctx, tc.actor, tc.unit)
		wantError(t, tc.name, err, tc.code, "")
		if err != nil {
			continue
		}
		wantUnit := tc.unit
		if wantUnit == "" {
			wantUnit = pairup.DefaultUnitCode
		}
		if acc.Unit.Code != wantUnit || acc.Role != tc.role || acc.Coordinates() != tc.coordinates {
			t.Errorf("%s: access to %s as %q, coordinates %v; want %s as %q, coordinates %v",
				tc.name, acc.Unit.Code, acc.Role, acc.Coordinates(), wantUnit, tc.role, tc.coordinates)
		}
	}

	// No probing: a stranger cannot tell an existing unit from an unknown one.
	_, known := b.svc.Access(ctx, student, "theirs")
	_, unknown := b.svc.Access(ctx, student, "no-such-unit")
	if known == nil || unknown == nil || known.Error() != unknown.Error() {
		t.Errorf("a stranger's refusals differ: %v for a unit, %v for none", known, unknown)
	}

	// A site admin coordinates any unit.
	acc := b.access(t, admin, "theirs")
	_, err := b.svc.Audit(ctx, acc, 0, 10)
	wantError(t, "a site admin reading the audit log", err, "", "")
	_, err = b.svc.UpdateUnit(ctx, acc, pairup.UnitPatch{Title: pairup.Optional[string]{Set: true, Value: "Renamed by admin"}})
	wantError(t, "a site admin changing the unit", err, "", "")
}
