package service_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testdb"
	"github.com/pairup/pairup/internal/testfactory"
)

// The roster's tests: previews that are exactly what the apply then does, on generated rosters;
// the rule that keeps the name, PIN and e-mail of people beyond a coordinator; new PINs; files
// with errors applying nothing; removal; single enrolments, unenrolments and PIN resets; one audit
// entry per change and none on failure.

// rosterPIN is the PIN of everyone the factory makes in these tests.
const rosterPIN = "1111"

// rosterNow is the roster tests' clock; rosterSlotDay is weeks later.
var (
	rosterNow     = time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC)
	rosterSlotDay = time.Date(2027, 6, 1, 10, 0, 0, 0, time.UTC)
)

// rosterHash is bcrypt at its cheapest cost: the rules do not care how slow hashing is.
func rosterHash(pin string) (string, error) { return auth.PINs{Cost: bcrypt.MinCost}.Hash(pin) }

type rosterBundle struct {
	st    *store.Store
	svc   *service.Service
	make  *testfactory.Factory
	slots int
}

func rosterSetup(t *testing.T) *rosterBundle {
	t.Helper()
	pool, _ := testdb.New(t)
	st := store.New(pool)
	svc := service.New(st, func() time.Time { return rosterNow })
	h, err := rosterHash(rosterPIN)
	if err != nil {
		t.Fatal(err)
	}
	return &rosterBundle{st: st, svc: svc, make: testfactory.New(st, svc, h)}
}

func (b *rosterBundle) unit(t *testing.T, code string) {
	t.Helper()
	if _, err := b.make.Unit(t.Context(), testfactory.UnitSpec{Code: code, TeamMin: 1, TeamMax: 3}); err != nil {
		t.Fatalf("make unit %s: %v", code, err)
	}
}

// enrol enrols people named "Person <number>" in the unit with the role, with rosterPIN.
func (b *rosterBundle) enrol(t *testing.T, unit string, role pairup.Role, numbers ...string) {
	t.Helper()
	people := make([]testfactory.Person, len(numbers))
	for i, n := range numbers {
		people[i] = testfactory.Person{Number: n, Name: "Person " + n, Role: role}
	}
	if err := b.make.Enrol(t.Context(), unit, people...); err != nil {
		t.Fatalf("enrol %v in %s: %v", numbers, unit, err)
	}
}

// siteAdmin makes a site admin enrolled in the default unit only.
func (b *rosterBundle) siteAdmin(t *testing.T, number string) {
	t.Helper()
	b.enrol(t, pairup.DefaultUnitCode, pairup.RoleStudent, number)
	if err := b.svc.SetSiteAdmin(t.Context(), service.CommandLine, number, true); err != nil {
		t.Fatal(err)
	}
}

// team forms a team of the members (the creator first) in a slot of its own.
func (b *rosterBundle) team(t *testing.T, unit string, members ...string) pairup.Project {
	t.Helper()
	b.slots++
	room := fmt.Sprintf("Room %d", b.slots)
	labs, err := b.make.Slots(t.Context(), unit, pairup.LabSlot{Room: room, StartsAt: rosterSlotDay, Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(labs, func(l pairup.LabSlot) bool { return l.Room == room })
	p, err := b.make.Team(t.Context(), unit, members[0], members[1:], labs[i].ID, "")
	if err != nil {
		t.Fatalf("team %v: %v", members, err)
	}
	return p
}

func (b *rosterBundle) cli(t *testing.T, unit string) service.Access {
	t.Helper()
	acc, err := b.svc.Access(t.Context(), service.CommandLine, unit)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// as is the access of the person with that number to the unit.
func (b *rosterBundle) as(t *testing.T, unit, number string) service.Access {
	t.Helper()
	p, err := b.svc.Person(t.Context(), number)
	if err != nil {
		t.Fatalf("person %s: %v", number, err)
	}
	acc, err := b.svc.Access(t.Context(), service.Actor{Person: p}, unit)
	if err != nil {
		t.Fatalf("access of %s to %s: %v", number, unit, err)
	}
	return acc
}

func (b *rosterBundle) preview(t *testing.T, acc service.Access, file string) pairup.RosterReport {
	t.Helper()
	r, err := b.svc.PreviewRoster(t.Context(), acc, strings.NewReader(file))
	if err != nil {
		t.Fatalf("preview: %v\n%s", err, file)
	}
	return r
}

func (b *rosterBundle) apply(t *testing.T, acc service.Access, file string, remove bool) (pairup.RosterReport, error) {
	t.Helper()
	return b.svc.ApplyRoster(t.Context(), acc, strings.NewReader(file), service.RosterOptions{Remove: remove, HashPIN: rosterHash})
}

// members is the unit's roster by number.
func (b *rosterBundle) members(t *testing.T, unit string) map[string]store.RosterMember {
	t.Helper()
	ms, err := b.st.RosterMembers(t.Context(), unit)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.RosterMember{}
	for _, m := range ms {
		out[m.Number] = m
	}
	return out
}

// pinWorks reports whether the person signs in with the PIN.
func (b *rosterBundle) pinWorks(t *testing.T, number, pin string) bool {
	t.Helper()
	h, err := b.st.PINHash(t.Context(), number)
	if err != nil {
		t.Fatalf("PIN hash of %s: %v", number, err)
	}
	return bcrypt.CompareHashAndPassword([]byte(h), []byte(pin)) == nil
}

func (b *rosterBundle) audit(t *testing.T, unit string) []pairup.AuditEntry {
	t.Helper()
	entries, err := b.st.AuditEntries(t.Context(), unit, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// snapshot is every person, their enrolments and the audit log's size, as text.
func (b *rosterBundle) snapshot(t *testing.T) string {
	t.Helper()
	var s string
	err := b.st.Pool().QueryRow(t.Context(), `
		SELECT coalesce(string_agg(p.student_number || '|' || p.name || '|' || coalesce(p.email, '') || '|' || p.pin_hash || '|' ||
			coalesce((SELECT string_agg(e.unit || ':' || e.role, ',' ORDER BY e.unit) FROM enrolments e WHERE e.student_number = p.student_number), ''),
			E'\n' ORDER BY p.student_number), '') || E'\naudit ' || (SELECT count(*) FROM audit_log)
		FROM people p`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// change runs a roster change and checks its bookkeeping: on failure nothing changed at all;
// on success the unit's audit log grew by entries (returned, newest first).
func (b *rosterBundle) change(t *testing.T, unit string, entries int, do func() error) ([]pairup.AuditEntry, error) {
	t.Helper()
	before, log := b.snapshot(t), len(b.audit(t, unit))
	err := do()
	after := b.audit(t, unit)
	switch {
	case err != nil && b.snapshot(t) != before:
		t.Errorf("the failed change (%v) changed something:\nbefore %s\nafter  %s", err, before, b.snapshot(t))
	case err == nil && len(after) != log+entries:
		t.Errorf("the change wrote %d audit entries, want %d", len(after)-log, entries)
	}
	return after[:len(after)-log], err
}

func rosterFile(rows ...string) string {
	return "student_number,name,pin,role,email\n" + strings.Join(rows, "\n") + "\n"
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

// rosterWant is what the test expects of one person of a generated roster.
type rosterWant struct {
	list   string // add, update, unchanged, remove
	line   int
	name   string
	email  string
	role   pairup.Role
	note   bool
	newPIN bool   // a new person without a PIN in the file
	pin    string // the PIN that signs in after the apply (when not new)
}

func reportLists(r pairup.RosterReport) map[string][]pairup.RosterRow {
	return map[string][]pairup.RosterRow{"add": r.Add, "update": r.Update, "unchanged": r.Unchanged, "remove": r.Remove}
}

// TestRosterPreviewIsWhatApplyDoes generates rosters (adds, renames, new addresses and PINs,
// role changes, people of other units, missing students) for each kind of actor and checks that
// the preview puts each person where the test expects, that the apply reports exactly the
// preview (plus the new PINs) and that the database then holds what the report says.
func TestRosterPreviewIsWhatApplyDoes(t *testing.T) {
	t.Parallel()
	for seed := range uint64(9) {
		t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			t.Parallel()
			rosterGenerated(t, seed)
		})
	}
}

func rosterGenerated(t *testing.T, seed uint64) {
	b := rosterSetup(t)
	rng := rand.New(rand.NewPCG(seed, 42))
	const unit, other = "gen", "other"
	b.unit(t, unit)
	b.unit(t, other)
	var students, otherOnly []string
	for i := range 12 {
		students = append(students, fmt.Sprintf("%08d", 20000000+i))
	}
	for i := range 4 {
		otherOnly = append(otherOnly, fmt.Sprintf("%08d", 21000000+i))
	}
	coords := []string{"20000100", "20000101"}
	b.enrol(t, unit, pairup.RoleStudent, students...)
	b.enrol(t, unit, pairup.RoleCoordinator, coords...)
	b.enrol(t, other, pairup.RoleStudent, append([]string{students[0], students[5]}, otherOnly...)...)
	b.team(t, unit, students[0], students[1])
	b.team(t, unit, students[2], students[3], students[4])
	// Half the students have an address.
	var rows []string
	for i := 0; i < len(students); i += 2 {
		rows = append(rows, fmt.Sprintf("%s,Person %s,,student,s%d@example.edu", students[i], students[i], i))
	}
	if _, err := b.apply(t, b.cli(t, unit), rosterFile(rows...), false); err != nil {
		t.Fatal(err)
	}

	kind := []string{"command line", "site admin", "coordinator"}[seed%3]
	acc := b.cli(t, unit)
	switch kind {
	case "site admin":
		b.siteAdmin(t, "29999999")
		acc = b.as(t, unit, "29999999")
	case "coordinator":
		acc = b.as(t, unit, coords[0])
	}
	appoints := kind != "coordinator"
	beyond := func(n string) bool {
		return kind == "coordinator" && (n == students[0] || n == students[5] || slices.Contains(otherOnly, n))
	}
	randomPIN := func() string { return fmt.Sprintf("%0*d", 4+rng.IntN(5), rng.IntN(10000)) }

	before := b.members(t, unit)
	want := map[string]*rosterWant{}
	var lines []string
	row := func(n, name, pin string, role pairup.Role, email string) {
		lines = append(lines, fmt.Sprintf("%s,%s,%s,%s,%s", n, name, pin, role, email))
		want[n].line = len(lines) // before the shuffle: the index, made a line below
	}
	// The unit's people: kept as they are, or changed in one way, or left out.
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for n := range before {
			if !yield(n) {
				return
			}
		}
	}) {
		m := before[n]
		if m.ProjectID == 0 && rng.IntN(5) == 0 {
			if m.Role == pairup.RoleStudent {
				want[n] = &rosterWant{list: "remove", name: m.Name, email: m.Email, role: m.Role, pin: rosterPIN}
			}
			continue // a coordinator left out is not the file's business
		}
		name, email, pin, role := m.Name, "", "", m.Role
		if rng.IntN(2) == 0 {
			email = m.Email // the address repeated, or none
		}
		switch rng.IntN(5) {
		case 1:
			name = "Renamed " + n
		case 2:
			email = "new" + n + "@example.edu"
		case 3:
			pin = randomPIN()
		case 4:
			if m.Role == pairup.RoleCoordinator {
				role = pairup.RoleStudent
			} else if appoints && m.ProjectID == 0 {
				role = pairup.RoleCoordinator
			}
		}
		w := &rosterWant{list: "unchanged", name: name, email: m.Email, role: role, pin: rosterPIN}
		if email != "" {
			w.email = email
		}
		if pin != "" {
			w.pin = pin
		}
		person := name != m.Name || email != "" && email != m.Email || pin != ""
		if person && beyond(n) {
			w.note, w.name, w.email, w.pin, person = true, m.Name, m.Email, rosterPIN, false
		}
		if person || role != m.Role {
			w.list = "update"
		}
		want[n] = w
		row(n, name, pin, role, email)
	}
	// People of the other unit, and new people.
	for _, n := range otherOnly {
		if rng.IntN(2) == 0 {
			continue
		}
		name, pin, email, role := "Person "+n, "", "", pairup.RoleStudent
		switch rng.IntN(4) {
		case 1:
			name = "Renamed " + n
		case 2:
			pin = randomPIN()
		case 3:
			email = "o" + n + "@example.edu"
		}
		if appoints && rng.IntN(3) == 0 {
			role = pairup.RoleCoordinator
		}
		w := &rosterWant{list: "add", name: name, email: email, role: role, pin: rosterPIN}
		if pin != "" {
			w.pin = pin
		}
		if beyond(n) && (name != "Person "+n || pin != "" || email != "") {
			w.note, w.name, w.email, w.pin = true, "Person "+n, "", rosterPIN
		}
		want[n] = w
		row(n, name, pin, role, email)
	}
	for i := range 2 + rng.IntN(4) {
		n := fmt.Sprintf("%08d", 22000000+i)
		name, pin, email, role := fmt.Sprintf("New Person %d", i), "", "", pairup.RoleStudent
		if rng.IntN(2) == 0 {
			pin = randomPIN()
		}
		if rng.IntN(2) == 0 {
			email = fmt.Sprintf("new%d@example.edu", i)
		}
		if appoints && rng.IntN(4) == 0 {
			role = pairup.RoleCoordinator
		}
		want[n] = &rosterWant{list: "add", name: name, email: email, role: role, newPIN: pin == "", pin: pin}
		row(n, name, pin, role, email)
	}
	order := rng.Perm(len(lines))
	shuffled := make([]string, len(lines))
	for to, from := range order {
		shuffled[to] = lines[from]
	}
	for _, w := range want {
		if w.list != "remove" {
			w.line = slices.Index(order, w.line-1) + 2
		}
	}
	file := rosterFile(shuffled...)
	remove := rng.IntN(2) == 0

	// The preview puts everyone where expected, line by line.
	preview := b.preview(t, acc, file)
	if preview.Applied || len(preview.Errors) > 0 {
		t.Fatalf("preview applied %v, errors %+v\n%s", preview.Applied, preview.Errors, file)
	}
	seen := map[string]bool{}
	for list, rows := range reportLists(preview) {
		if !slices.IsSortedFunc(rows, func(a, b pairup.RosterRow) int { return a.Line - b.Line }) {
			t.Errorf("%s is not in line order: %+v", list, rows)
		}
		for _, r := range rows {
			n := r.Student.Number
			w, ok := want[n]
			switch {
			case !ok:
				t.Errorf("%s lists %s, whom the file leaves alone", list, n)
				continue
			case seen[n]:
				t.Errorf("%s is listed twice", n)
			}
			seen[n] = true
			got := rosterWant{list: list, line: r.Line, name: r.Student.Name, email: r.Email, role: r.Student.Role, note: r.Note != ""}
			exp := rosterWant{list: w.list, line: w.line, name: w.name, email: w.email, role: w.role, note: w.note}
			if got != exp {
				t.Errorf("%s: preview %+v (note %q), want %+v", n, got, r.Note, exp)
			}
			if r.PIN != "" {
				t.Errorf("%s: the preview shows a PIN", n)
			}
		}
	}
	for n := range want {
		if !seen[n] {
			t.Errorf("%s (%s) is not in the preview", n, want[n].list)
		}
	}

	t.Logf("%s, remove %v: %d add, %d update, %d unchanged, %d remove", kind, remove,
		len(preview.Add), len(preview.Update), len(preview.Unchanged), len(preview.Remove))

	// The apply does exactly that, with new PINs for new people without one.
	log := len(b.audit(t, unit))
	applied, err := b.apply(t, acc, file, remove)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if !applied.Applied {
		t.Fatalf("not applied: %+v", applied.Errors)
	}
	pins := map[string]string{}
	stripped := applied
	stripped.Applied = false
	stripped.Add = slices.Clone(applied.Add)
	for i, r := range stripped.Add {
		if want[r.Student.Number].newPIN != (r.PIN != "") || r.PIN != "" && !sixDigits.MatchString(r.PIN) {
			t.Errorf("%s: new PIN %q, want one: %v", r.Student.Number, r.PIN, want[r.Student.Number].newPIN)
		}
		pins[r.Student.Number] = r.PIN
		stripped.Add[i].PIN = ""
	}
	if !reflect.DeepEqual(stripped, preview) {
		t.Errorf("the apply's report differs from the preview:\napply   %+v\npreview %+v", stripped, preview)
	}

	after := b.members(t, unit)
	for n, w := range want {
		m, enrolled := after[n]
		if w.list == "remove" && remove {
			if enrolled {
				t.Errorf("%s was not unenrolled", n)
			}
			continue
		}
		if !enrolled {
			t.Errorf("%s (%s) is not enrolled", n, w.list)
			continue
		}
		if m.Name != w.name || m.Email != w.email || m.Role != w.role {
			t.Errorf("%s is %q %q %s, want %q %q %s", n, m.Name, m.Email, m.Role, w.name, w.email, w.role)
		}
		pin := w.pin
		if w.newPIN {
			pin = pins[n]
		}
		if !b.pinWorks(t, n, pin) {
			t.Errorf("%s (%s) does not sign in with %q", n, w.list, pin)
		}
		if pin != rosterPIN && b.pinWorks(t, n, rosterPIN) {
			t.Errorf("%s still signs in with the old PIN", n)
		}
	}
	for n, m := range before {
		if _, ok := want[n]; !ok && after[n] != m {
			t.Errorf("%s, whom the file leaves alone, changed: %+v → %+v", n, m, after[n])
		}
	}

	// One audit entry counts it all.
	entries := b.audit(t, unit)
	if len(entries) != log+1 || entries[0].Action != pairup.AuditRosterImported {
		t.Fatalf("audit log grew by %d (%+v), want one roster.imported", len(entries)-log, entries[0])
	}
	removed := 0
	if remove {
		removed = len(preview.Remove)
	}
	wantDetails := map[string]any{"added": float64(len(preview.Add)), "updated": float64(len(preview.Update)),
		"unchanged": float64(len(preview.Unchanged)), "removed": float64(removed)}
	if !reflect.DeepEqual(entries[0].Details, wantDetails) || entries[0].ActorName != acc.Actor.Person.Name {
		t.Errorf("audit entry %+v, want details %v by %s", entries[0], wantDetails, acc.Actor.Person.Name)
	}

	// The same file again adds nothing and updates only the PINs it sets.
	again := b.preview(t, acc, file)
	if len(again.Add) != 0 {
		t.Errorf("again adds %+v", again.Add)
	}
	for _, r := range again.Update {
		if w := want[r.Student.Number]; w.pin == rosterPIN || w.newPIN || w.note {
			t.Errorf("again updates %s, whose file row sets no PIN", r.Student.Number)
		}
	}
	if remove && len(again.Remove) != 0 || !remove && len(again.Remove) != len(preview.Remove) {
		t.Errorf("again removes %d, first %d (remove %v)", len(again.Remove), len(preview.Remove), remove)
	}
}

// TestRosterBeyondCoordinator: a coordinator of one unit cannot change the name, PIN or e-mail
// of someone also enrolled in a unit they do not coordinate, or of a site admin; the row is still
// enrolled and says so; the old PIN keeps working. Coordinators of both units, site admins and the
// command line can.
func TestRosterBeyondCoordinator(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	ctx := t.Context()
	b.unit(t, "alpha")
	b.unit(t, "beta")
	const x, y, z, admin = "23000001", "23000002", "23000003", "23000009" // x in both, y in beta, z in alpha
	const onlyA, both = "23000100", "23000101"                            // coordinators
	b.enrol(t, "alpha", pairup.RoleStudent, x, z)
	b.enrol(t, "beta", pairup.RoleStudent, x, y)
	b.enrol(t, "alpha", pairup.RoleCoordinator, onlyA, both)
	b.enrol(t, "beta", pairup.RoleCoordinator, both)
	b.siteAdmin(t, admin)
	b.enrol(t, "alpha", pairup.RoleStudent, admin)

	file := rosterFile(
		x+",X Renamed,4321,student,x@example.edu",
		y+",Y Renamed,,student,",
		z+",Z Renamed,5555,student,z@example.edu",
		admin+",Admin Renamed,,student,",
	)
	coord := b.as(t, "alpha", onlyA)
	r := b.preview(t, coord, file)
	note := func(rows []pairup.RosterRow, n string) string {
		for _, r := range rows {
			if r.Student.Number == n {
				return r.Note
			}
		}
		return "(not listed)"
	}
	if got := note(r.Unchanged, x); !strings.Contains(got, "unit you do not coordinate") {
		t.Errorf("x: note %q", got)
	}
	if got := note(r.Add, y); !strings.Contains(got, "unit you do not coordinate") {
		t.Errorf("y: note %q", got)
	}
	if got := note(r.Update, z); got != "" {
		t.Errorf("z: note %q, want an update without one", got)
	}
	if got := note(r.Unchanged, admin); !strings.Contains(got, "site admin") {
		t.Errorf("site admin: note %q", got)
	}
	if _, err := b.change(t, "alpha", 1, func() error { _, err := b.apply(t, coord, file, false); return err }); err != nil {
		t.Fatal(err)
	}
	m := b.members(t, "alpha")
	if m[x].Name != "Person "+x || m[x].Email != "" || !b.pinWorks(t, x, rosterPIN) || b.pinWorks(t, x, "4321") {
		t.Errorf("x was changed: %+v", m[x])
	}
	if m[y].Name != "Person "+y || m[y].Role != pairup.RoleStudent || !b.pinWorks(t, y, rosterPIN) {
		t.Errorf("y is %+v, want enrolled as they were", m[y])
	}
	if m[z].Name != "Z Renamed" || m[z].Email != "z@example.edu" || !b.pinWorks(t, z, "5555") {
		t.Errorf("z was not changed: %+v", m[z])
	}
	if m[admin].Name != "Person "+admin {
		t.Errorf("the site admin was renamed by a coordinator")
	}

	// A PIN reset and a single enrolment follow the same rule.
	for _, n := range []string{x, y, admin} {
		_, err := b.change(t, "alpha", 0, func() error { _, err := b.svc.ResetPIN(ctx, coord, n, rosterHash); return err })
		wantCode(t, "reset the PIN of "+n, err, pairup.ECONFLICT, "")
	}
	for field, ch := range map[string]pairup.EnrolmentChange{
		"name":  {Role: pairup.RoleStudent, Name: ptrOf("X Renamed")},
		"pin":   {Role: pairup.RoleStudent, PIN: ptrOf("9876")},
		"email": {Role: pairup.RoleStudent, Email: ptrOf("x@example.edu")},
	} {
		_, err := b.change(t, "alpha", 0, func() error { _, err := b.svc.EnrolPerson(ctx, coord, x, ch, rosterHash); return err })
		wantCode(t, "change the "+field+" of x", err, pairup.ECONFLICT, field)
	}
	// Asking for what is already so changes nothing and is no conflict.
	if _, err := b.change(t, "alpha", 0, func() error {
		_, err := b.svc.EnrolPerson(ctx, coord, x, pairup.EnrolmentChange{Role: pairup.RoleStudent, Name: ptrOf("Person " + x)}, rosterHash)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// A coordinator of both units, and a site admin, may.
	if _, err := b.apply(t, b.as(t, "alpha", both), file, false); err != nil {
		t.Fatal(err)
	}
	if m := b.members(t, "alpha"); m[x].Name != "X Renamed" || m[x].Email != "x@example.edu" || !b.pinWorks(t, x, "4321") {
		t.Errorf("x after the coordinator of both units: %+v", m[x])
	}
	if m := b.members(t, "alpha"); m[admin].Name != "Person "+admin {
		t.Errorf("the site admin was renamed by a coordinator of both units")
	}
	pin, err := b.svc.ResetPIN(ctx, b.as(t, "alpha", admin), x, rosterHash)
	if err != nil || !sixDigits.MatchString(pin) || !b.pinWorks(t, x, pin) || b.pinWorks(t, x, "4321") {
		t.Errorf("site admin's reset: %q, %v", pin, err)
	}
	if _, err := b.svc.ResetPIN(ctx, b.cli(t, "alpha"), admin, rosterHash); err != nil {
		t.Errorf("the command line resets a site admin's PIN: %v", err)
	}
}

// TestRosterNewPINs: rows without a PIN give new people a random 6-digit PIN, once, in the
// apply's report; people who exist keep theirs; no PIN is stored in the clear.
func TestRosterNewPINs(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	b.unit(t, "pins")
	const old = "24000001"
	b.enrol(t, "pins", pairup.RoleStudent, old)
	file := rosterFile(
		"24000010,No Pin,,student,",
		"24000011,Given Pin,2468,student,",
		old+",Person "+old+",,student,",
		"24000012,No Pin Either,,student,np@example.edu",
	)
	acc := b.cli(t, "pins")
	if p := b.preview(t, acc, file); len(p.Add) != 3 || slices.ContainsFunc(p.Add, func(r pairup.RosterRow) bool { return r.PIN != "" }) {
		t.Fatalf("preview adds %+v, want three without PINs", p.Add)
	}
	r, err := b.apply(t, acc, file, false)
	if err != nil {
		t.Fatal(err)
	}
	pins := map[string]string{}
	for _, row := range r.Add {
		pins[row.Student.Number] = row.PIN
	}
	for _, n := range []string{"24000010", "24000012"} {
		if !sixDigits.MatchString(pins[n]) || !b.pinWorks(t, n, pins[n]) {
			t.Errorf("%s: new PIN %q does not work", n, pins[n])
		}
	}
	if pins["24000011"] != "" || !b.pinWorks(t, "24000011", "2468") {
		t.Errorf("the given PIN: report %q", pins["24000011"])
	}
	if len(r.Unchanged) != 1 || r.Unchanged[0].PIN != "" || !b.pinWorks(t, old, rosterPIN) {
		t.Errorf("the existing person: %+v", r.Unchanged)
	}
	var clear int
	if err := b.st.Pool().QueryRow(t.Context(), "SELECT count(*) FROM people WHERE pin_hash ~ '^[0-9]+$'").Scan(&clear); err != nil || clear != 0 {
		t.Errorf("%d PINs stored in the clear (%v)", clear, err)
	}
}

// TestRosterErrorsApplyNothing: a file with any error (the importer's, or the plan's) comes back
// with every error and changes nothing, audit log included; so do bodies that are not rosters.
func TestRosterErrorsApplyNothing(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	ctx := t.Context()
	b.unit(t, "errs")
	const s1, s2, coord = "25000001", "25000002", "25000100"
	b.enrol(t, "errs", pairup.RoleStudent, s1, s2)
	b.enrol(t, "errs", pairup.RoleCoordinator, coord)
	p := b.team(t, "errs", s1, s2)
	good := []string{"25000003,New Person,,student,", s2 + ",Renamed,4444,student,"}
	for _, c := range []struct {
		name  string
		acc   service.Access
		file  string
		lines []int
		words []string
	}{
		{"the importer's errors", b.cli(t, "errs"), rosterFile(append(good,
			"2500000,Short,,student,", "25000004,Bad Pin,12,student,", "25000003,Twice,,student,",
			"25000005,Bad Mail,,student,nope", "25000006,Few")...), []int{4, 5, 6, 7, 8},
			[]string{"student_number", "pin", "line 2", "email", "fields"}},
		{"a coordinator appointing", b.as(t, "errs", coord), rosterFile(append(good, "25000007,Appointed,,coordinator,")...),
			[]int{4}, []string{"only site admins"}},
		{"a team member made coordinator", b.cli(t, "errs"), rosterFile(append(good, s1+",Person "+s1+",,coordinator,")...),
			[]int{4}, []string{fmt.Sprintf("team %d", p.ID)}},
		{"a bad header", b.cli(t, "errs"), "student_number,name\n25000003,New\n", []int{1}, []string{"missing column"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			check := func(what string, r pairup.RosterReport) {
				t.Helper()
				if r.Applied || len(r.Errors) != len(c.lines) {
					t.Fatalf("%s: applied %v, errors %+v; want lines %v", what, r.Applied, r.Errors, c.lines)
				}
				for i, e := range r.Errors {
					if e.Line != c.lines[i] || !strings.Contains(e.Message, c.words[i]) {
						t.Errorf("%s: error %+v, want line %d about %q", what, e, c.lines[i], c.words[i])
					}
				}
			}
			check("preview", b.preview(t, c.acc, c.file))
			var r pairup.RosterReport
			_, err := b.change(t, "errs", 0, func() (err error) {
				r, err = b.apply(t, c.acc, c.file, true)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			check("apply", r)
		})
	}
	for _, c := range []struct {
		name, file, code string
	}{
		{"invalid UTF-8", rosterFile("25000003,Bad \xff Name,,student,"), pairup.EINVALID},
		{"over 1 MiB", rosterFile("25000003,Big,,student,") + strings.Repeat("\n", pairup.MaxRosterBytes), pairup.ETOOLARGE},
	} {
		_, err := b.svc.PreviewRoster(ctx, b.cli(t, "errs"), strings.NewReader(c.file))
		wantCode(t, "preview "+c.name, err, c.code, "")
		_, err = b.change(t, "errs", 0, func() error { _, err := b.apply(t, b.cli(t, "errs"), c.file, false); return err })
		wantCode(t, "apply "+c.name, err, c.code, "")
	}
	// Only coordinators: a student may neither preview nor apply.
	_, err := b.svc.PreviewRoster(ctx, b.as(t, "errs", s1), strings.NewReader(rosterFile(good...)))
	wantCode(t, "a student's preview", err, pairup.EFORBIDDEN, "")
	_, err = b.change(t, "errs", 0, func() error { _, err := b.apply(t, b.as(t, "errs", s1), rosterFile(good...), false); return err })
	wantCode(t, "a student's apply", err, pairup.EFORBIDDEN, "")

	// An archived unit: the preview says so, the apply refuses.
	if _, err := b.svc.ArchiveUnit(ctx, b.cli(t, "errs")); err != nil {
		t.Fatal(err)
	}
	archived := b.cli(t, "errs")
	if r := b.preview(t, archived, rosterFile(good...)); len(r.Errors) != 1 || r.Errors[0].Line != 0 || !strings.Contains(r.Errors[0].Message, "archived") {
		t.Errorf("preview of an archived unit: %+v", r)
	}
	for what, do := range map[string]func() error{
		"apply": func() error { _, err := b.apply(t, archived, rosterFile(good...), false); return err },
		"enrol": func() error {
			_, err := b.svc.EnrolPerson(ctx, archived, s2, pairup.EnrolmentChange{Role: pairup.RoleStudent}, rosterHash)
			return err
		},
		"unenrol": func() error { return b.svc.UnenrolPerson(ctx, archived, s2) },
		"reset":   func() error { _, err := b.svc.ResetPIN(ctx, archived, s2, rosterHash); return err },
	} {
		_, err := b.change(t, "errs", 0, do)
		wantCode(t, what+" in an archived unit", err, pairup.ECONFLICT, "")
	}
}

// TestRosterRemove: the unit's students missing from the file are listed (team members with a
// note), unenrolled only with remove, and a team member among them refuses the whole apply.
func TestRosterRemove(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	b.unit(t, "rm")
	s := []string{"26000001", "26000002", "26000003", "26000004", "26000005"}
	const coord = "26000100"
	b.enrol(t, "rm", pairup.RoleStudent, s...)
	b.enrol(t, "rm", pairup.RoleCoordinator, coord)
	p := b.team(t, "rm", s[0], s[1])
	acc := b.as(t, "rm", coord)
	keep := func(numbers ...string) string {
		var rows []string
		for _, n := range numbers {
			rows = append(rows, n+",Person "+n+",,student,")
		}
		return rosterFile(rows...)
	}
	// The coordinator is not in the file and is not removed; s[3] and s[4] are missing.
	file := keep(s[0], s[1], s[2])
	r := b.preview(t, acc, file)
	if got := []string{r.Remove[0].Student.Number, r.Remove[1].Student.Number}; len(r.Remove) != 2 || got[0] != s[3] || got[1] != s[4] || r.Remove[0].Line != 0 {
		t.Fatalf("remove %+v, want %s and %s", r.Remove, s[3], s[4])
	}
	if _, err := b.change(t, "rm", 0, func() error { _, err := b.apply(t, acc, file, false); return err }); err != nil {
		t.Fatal(err) // nothing to do without remove
	}
	if len(b.members(t, "rm")) != 6 {
		t.Fatalf("someone was unenrolled without remove")
	}
	entries, err := b.change(t, "rm", 1, func() error { _, err := b.apply(t, acc, file, true); return err })
	if err != nil {
		t.Fatal(err)
	}
	if m := b.members(t, "rm"); len(m) != 4 || m[coord].Role != pairup.RoleCoordinator {
		t.Errorf("after remove: %v", m)
	}
	if entries[0].Details["removed"] != float64(2) {
		t.Errorf("audit details %v", entries[0].Details)
	}
	// Now the team's members are missing: listed with a note; removing them refuses it all.
	file = keep(s[2], "26000009")
	r = b.preview(t, acc, file)
	if len(r.Remove) != 2 || !strings.Contains(r.Remove[0].Note, fmt.Sprintf("team %d", p.ID)) || !strings.Contains(r.Remove[1].Note, "team") {
		t.Errorf("remove %+v, want both team members with a note", r.Remove)
	}
	_, err = b.change(t, "rm", 0, func() error { _, err := b.apply(t, acc, file, true); return err })
	wantCode(t, "removing team members", err, pairup.ECONFLICT, "")
	if err == nil || !strings.Contains(err.Error(), s[0]) {
		t.Errorf("error %v does not name %s", err, s[0])
	}
	if _, ok := b.members(t, "rm")["26000009"]; ok {
		t.Errorf("the refused apply enrolled someone")
	}
}

// TestEnrolPerson: one person at a time, with the appointment and team rules and one audit entry
// per change.
func TestEnrolPerson(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	ctx := t.Context()
	b.unit(t, "one")
	const s1, s2, coord, admin = "27000001", "27000002", "27000100", "27000900"
	b.enrol(t, "one", pairup.RoleStudent, s1, s2)
	b.enrol(t, "one", pairup.RoleCoordinator, coord)
	b.siteAdmin(t, admin)
	b.team(t, "one", s1)
	asCoord, asAdmin := b.as(t, "one", coord), b.as(t, "one", admin)
	enrol := func(acc service.Access, n string, ch pairup.EnrolmentChange, entries int) (pairup.Enrolled, []pairup.AuditEntry, error) {
		t.Helper()
		var e pairup.Enrolled
		log, err := b.change(t, "one", entries, func() (err error) {
			e, err = b.svc.EnrolPerson(ctx, acc, n, ch, rosterHash)
			return err
		})
		return e, log, err
	}
	student := pairup.RoleStudent

	_, _, err := enrol(asCoord, "27000010", pairup.EnrolmentChange{Role: student}, 0)
	wantCode(t, "a new person without a name", err, pairup.EINVALID, "name")
	for field, ch := range map[string]pairup.EnrolmentChange{
		"role":  {Role: "teacher", Name: ptrOf("X")},
		"name":  {Role: student, Name: ptrOf("  ")},
		"email": {Role: student, Name: ptrOf("X"), Email: ptrOf("not an address")},
		"pin":   {Role: student, Name: ptrOf("X"), PIN: ptrOf("12")},
	} {
		_, _, err := enrol(asCoord, "27000010", ch, 0)
		wantCode(t, "bad "+field, err, pairup.EINVALID, field)
	}

	e, log, err := enrol(asCoord, "27000010", pairup.EnrolmentChange{Role: student, Name: ptrOf(" New Person "), Email: ptrOf("new@example.edu")}, 1)
	if err != nil || e.Student.Name != "New Person" || e.Email != "new@example.edu" || !sixDigits.MatchString(e.PIN) || !b.pinWorks(t, "27000010", e.PIN) {
		t.Fatalf("new person: %+v, %v", e, err)
	}
	if log[0].Action != pairup.AuditEnrolmentAdded || log[0].Student != "27000010" || log[0].ActorID != coord {
		t.Errorf("audit %+v", log[0])
	}
	e, _, err = enrol(asCoord, "27000011", pairup.EnrolmentChange{Role: student, Name: ptrOf("Given"), PIN: ptrOf("8642")}, 1)
	if err != nil || e.PIN != "" || !b.pinWorks(t, "27000011", "8642") {
		t.Errorf("new person with a PIN: %+v, %v", e, err)
	}
	// Nothing to change: no entry.
	if _, _, err := enrol(asCoord, "27000010", pairup.EnrolmentChange{Role: student}, 0); err != nil {
		t.Error(err)
	}
	// Changes of an enrolled person: one enrolment.changed each; the PIN stays unless given.
	e, log, err = enrol(asCoord, "27000010", pairup.EnrolmentChange{Role: student, Name: ptrOf("Renamed"), Email: ptrOf("")}, 1)
	if err != nil || e.Student.Name != "Renamed" || e.Email != "" || e.PIN != "" || log[0].Action != pairup.AuditEnrolmentChanged {
		t.Errorf("rename: %+v, %v, %+v", e, err, log)
	}
	if m := b.members(t, "one")["27000010"]; m.Email != "" || m.Name != "Renamed" {
		t.Errorf("stored %+v", m)
	}

	// Appointing: site admins only, and never a team member.
	_, _, err = enrol(asCoord, s2, pairup.EnrolmentChange{Role: pairup.RoleCoordinator}, 0)
	wantCode(t, "a coordinator appointing", err, pairup.EFORBIDDEN, "role")
	_, _, err = enrol(asCoord, "27000012", pairup.EnrolmentChange{Role: pairup.RoleCoordinator, Name: ptrOf("New Coordinator")}, 0)
	wantCode(t, "a coordinator appointing someone new", err, pairup.EFORBIDDEN, "role")
	_, _, err = enrol(asAdmin, s1, pairup.EnrolmentChange{Role: pairup.RoleCoordinator}, 0)
	wantCode(t, "a team member appointed", err, pairup.ECONFLICT, "role")
	if e, log, err := enrol(asAdmin, s2, pairup.EnrolmentChange{Role: pairup.RoleCoordinator}, 1); err != nil || e.Student.Role != pairup.RoleCoordinator || log[0].Details["role_before"] != "student" {
		t.Errorf("site admin appointing: %+v, %v, %+v", e, err, log)
	}
	// A coordinator may make a coordinator a student again.
	if e, _, err := enrol(asCoord, s2, pairup.EnrolmentChange{Role: student}, 1); err != nil || e.Student.Role != student {
		t.Errorf("demotion: %+v, %v", e, err)
	}
	if _, _, err := enrol(b.as(t, "one", s2), s2, pairup.EnrolmentChange{Role: student, Name: ptrOf("Me")}, 0); pairup.ErrorCode(err) != pairup.EFORBIDDEN {
		t.Errorf("a student enrolling: %v", err)
	}
}

// TestUnenrolPerson: not enrolled is ENOTFOUND, a team member is a conflict naming the team,
// anyone else goes with one audit entry.
func TestUnenrolPerson(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	ctx := t.Context()
	b.unit(t, "un")
	const s1, s2, s3, coord = "28000001", "28000002", "28000003", "28000100"
	b.enrol(t, "un", pairup.RoleStudent, s1, s2, s3)
	b.enrol(t, "un", pairup.RoleCoordinator, coord)
	p := b.team(t, "un", s1, s2)
	acc := b.as(t, "un", coord)
	unenrol := func(n string, entries int) ([]pairup.AuditEntry, error) {
		return b.change(t, "un", entries, func() error { return b.svc.UnenrolPerson(ctx, acc, n) })
	}
	_, err := unenrol("28000009", 0)
	wantCode(t, "not enrolled", err, pairup.ENOTFOUND, "")
	_, err = unenrol(s2, 0)
	wantCode(t, "a team member", err, pairup.ECONFLICT, "")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("team %d (%s)", p.ID, p.Team())) {
		t.Errorf("error %v does not name team %d (%s)", err, p.ID, p.Team())
	}
	log, err := unenrol(s3, 1)
	if err != nil || log[0].Action != pairup.AuditEnrolmentRemoved || log[0].Student != s3 {
		t.Fatalf("unenrol: %v, %+v", err, log)
	}
	if _, ok := b.members(t, "un")[s3]; ok {
		t.Error("still enrolled")
	}
	// The person stays, with their PIN: enrolled again, they sign in as before.
	if _, err := b.svc.EnrolPerson(ctx, acc, s3, pairup.EnrolmentChange{Role: pairup.RoleStudent}, rosterHash); err != nil || !b.pinWorks(t, s3, rosterPIN) {
		t.Errorf("enrolled again: %v", err)
	}
}

// TestResetPIN: a new 6-digit PIN that works while the old one stops, one audit entry; not
// enrolled is ENOTFOUND; students may not.
func TestResetPIN(t *testing.T) {
	t.Parallel()
	b := rosterSetup(t)
	ctx := t.Context()
	b.unit(t, "pin")
	const s1, coord = "29000001", "29000100"
	b.enrol(t, "pin", pairup.RoleStudent, s1)
	b.enrol(t, "pin", pairup.RoleCoordinator, coord)
	acc := b.as(t, "pin", coord)
	var pin string
	log, err := b.change(t, "pin", 1, func() (err error) { pin, err = b.svc.ResetPIN(ctx, acc, s1, rosterHash); return err })
	if err != nil || !sixDigits.MatchString(pin) || !b.pinWorks(t, s1, pin) || b.pinWorks(t, s1, rosterPIN) {
		t.Fatalf("reset: %q, %v", pin, err)
	}
	if log[0].Action != pairup.AuditPINReset || log[0].Student != s1 || log[0].Details != nil {
		t.Errorf("audit %+v", log[0])
	}
	_, err = b.change(t, "pin", 0, func() error { _, err := b.svc.ResetPIN(ctx, acc, "29000009", rosterHash); return err })
	wantCode(t, "not enrolled", err, pairup.ENOTFOUND, "")
	_, err = b.change(t, "pin", 0, func() error { _, err := b.svc.ResetPIN(ctx, b.as(t, "pin", s1), s1, rosterHash); return err })
	wantCode(t, "a student", err, pairup.EFORBIDDEN, "")
}

// wantCode checks the error's code and, when field is not "", that it names the field.
func wantCode(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	if got := pairup.ErrorCode(err); got != code {
		t.Errorf("%s: error %v (code %q), want code %q", what, err, got, code)
		return
	}
	var e *pairup.Error
	if field != "" && (!errors.As(err, &e) || !slices.ContainsFunc(e.Fields, func(f pairup.FieldError) bool { return f.Field == field })) {
		t.Errorf("%s: error %v does not name the field %q", what, err, field)
	}
}

func ptrOf[T any](v T) *T { return &v }
