package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// The roster through the real server: text/csv previews and applies, removal, new PINs that sign
// in, PIN resets, single enrolments and unenrolments, with their statuses and problems, every
// answer checked against openapi.yaml; and a roster apply racing a booking on two instances.

// crEnv is the unit "roll" (pairs, open) with students, a coordinator of roll only, a site admin,
// a unit "elsewhere", slots of capacity 1, and two server instances.
type crEnv struct {
	f        *fixture
	s        [2]*testServer
	coord    string
	admin    string
	labs     []pairup.LabSlot
	coordTok [2]apitest.Bearer
	adminTok apitest.Bearer
	seeded   int64 // the last audit entry of the seeding; the tests look at what follows
}

func crNewEnv(t *testing.T, students []string, slots int) *crEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	e := &crEnv{f: f, coord: "37000999", admin: "37000998"}
	for _, code := range []string{"roll", "elsewhere"} {
		if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: code, TeamMin: 2, TeamMax: 2}); err != nil {
			t.Fatal(err)
		}
	}
	people := []testfactory.Person{{Number: e.coord, Name: "Roll Coordinator", Role: pairup.RoleCoordinator}}
	for _, n := range students {
		people = append(people, testfactory.Person{Number: n, Name: "Roll " + n})
	}
	if err := f.Make.Enrol(ctx, "roll", people...); err != nil {
		t.Fatal(err)
	}
	if err := f.Make.Enrol(ctx, "default", testfactory.Person{Number: e.admin, Name: "Site Admin"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Service.SetSiteAdmin(ctx, service.CommandLine, e.admin, true); err != nil {
		t.Fatal(err)
	}
	var err error
	if e.labs, err = f.Make.Session(ctx, "roll", "Roll Lab", slotDay(), slots, 15*time.Minute, 1); err != nil {
		t.Fatal(err)
	}
	e.s = ccTServers(t, f)
	for i := range e.s {
		e.coordTok[i] = signIn(t, e.s[i], e.coord)
	}
	e.adminTok = signIn(t, e.s[0], e.admin)
	e.seeded = int64(ccTInt(t, f.Store.Pool(), "SELECT coalesce(max(id), 0) FROM audit_log WHERE unit = 'roll'"))
	return e
}

// crRow and crReport are RosterRow and RosterReport as the tests read them.
type crRow struct {
	Line          int     `json:"line"`
	StudentNumber string  `json:"student_number"`
	Name          string  `json:"name"`
	Role          string  `json:"role"`
	Email         *string `json:"email"`
	Pin           *string `json:"pin"`
	Note          *string `json:"note"`
}

type crReport struct {
	Applied   bool    `json:"applied"`
	Add       []crRow `json:"add"`
	Update    []crRow `json:"update"`
	Unchanged []crRow `json:"unchanged"`
	Remove    []crRow `json:"remove"`
	Errors    []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func crNumbers(rows []crRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.StudentNumber
	}
	return out
}

func crFind(rows []crRow, n string) crRow {
	for _, r := range rows {
		if r.StudentNumber == n {
			return r
		}
	}
	return crRow{}
}

func crFile(rows ...string) string {
	return "student_number,name,pin,role,email\n" + strings.Join(rows, "\n") + "\n"
}

// csv posts a text/csv body.
func (e *crEnv) csv(t testing.TB, s *testServer, tok apitest.Bearer, path, body string) *apitest.Response {
	t.Helper()
	return s.Client.DoType(t, "POST", path, tok, "text/csv", body)
}

// report posts a roster and decodes the 200 report.
func (e *crEnv) report(t *testing.T, s *testServer, tok apitest.Bearer, path, body string) crReport {
	t.Helper()
	r := e.csv(t, s, tok, path, body)
	if r.Status != 200 {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	var rep crReport
	r.JSON(t, &rep)
	return rep
}

type crEntry struct {
	ID      int64          `json:"id"`
	Action  string         `json:"action"`
	Student *string        `json:"student"`
	Details map[string]any `json:"details"`
}

// audit is roll's audit log with the action since the seeding, newest first.
func (e *crEnv) audit(t *testing.T, action string) []crEntry {
	t.Helper()
	r := e.s[1].Client.Do(t, "GET", "/api/units/roll/audit?limit=200&action="+action, e.coordTok[1], nil)
	if r.Status != 200 {
		t.Fatalf("audit: %d %s", r.Status, r.Body)
	}
	var page struct{ Entries []crEntry }
	r.JSON(t, &page)
	var out []crEntry
	for _, en := range page.Entries {
		if en.ID > e.seeded {
			out = append(out, en)
		}
	}
	return out
}

// enrolled is roll's roster as "number name role email" lines.
func (e *crEnv) enrolled(t *testing.T) string {
	t.Helper()
	return ccTString(t, e.f.Store.Pool(), `SELECT coalesce(string_agg(p.student_number || ' ' || p.name || ' ' || e.role || ' ' || coalesce(p.email, '-'), E'\n' ORDER BY p.student_number), '')
		FROM enrolments e JOIN people p USING (student_number) WHERE e.unit = 'roll'`)
}

var crSixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func crWantProblem(t *testing.T, what string, r *apitest.Response, status int, detail string, fields ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: %d %s, want %d", what, r.Status, r.Body, status)
		return
	}
	p := r.Problem(t)
	if !strings.Contains(p.Detail, detail) {
		t.Errorf("%s: detail %q does not mention %q", what, p.Detail, detail)
	}
	if fields != nil && !slices.Equal(p.Fields(), fields) {
		t.Errorf("%s: fields %v, want %v", what, p.Fields(), fields)
	}
}

// TestConsoleRosterPreviewApplyRemove: a preview lists what the apply then does on the other
// instance; new PINs sign in, and so do the PINs the file sets; a person also in a unit the
// coordinator does not coordinate keeps name and PIN; remove=true unenrols the missing, except a
// team member (409, nothing applied); bad files, bad bodies and students are refused.
func TestConsoleRosterPreviewApplyRemove(t *testing.T) {
	t.Parallel()
	const one, two, three, four, shared, fresh, given = "37000001", "37000002", "37000003", "37000004", "37000005", "37000010", "37000011"
	e := crNewEnv(t, []string{one, two, three, four, shared}, 4)
	ctx := context.Background()
	if err := e.f.Make.Enrol(ctx, "elsewhere", testfactory.Person{Number: shared, Name: "Roll " + shared}); err != nil {
		t.Fatal(err)
	}
	p, err := e.f.Make.Team(ctx, "roll", one, []string{two}, e.labs[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	file := crFile(
		one+",Roll "+one+",,student,",
		two+",Renamed Two,,student,",
		three+",Roll "+three+",9753,student,",
		shared+",Shared Renamed,4444,student,",
		fresh+",Fresh Person,,student,fresh@example.edu",
		given+",Given Pin,8642,student,",
	)
	// Someone of roll on the other instance hears of the apply.
	ws := dialWS(t, e.s[1], signIn(t, e.s[1], three))

	pre := e.report(t, e.s[0], e.coordTok[0], "/api/units/roll/roster/preview", file)
	for list, c := range map[string]struct {
		rows []crRow
		want []string
	}{
		"add": {pre.Add, []string{fresh, given}}, "update": {pre.Update, []string{two, three}},
		"unchanged": {pre.Unchanged, []string{one, shared}}, "remove": {pre.Remove, []string{four}},
	} {
		if got := crNumbers(c.rows); !slices.Equal(got, c.want) {
			t.Errorf("preview %s %v, want %v", list, got, c.want)
		}
	}
	if pre.Applied || len(pre.Errors) != 0 {
		t.Fatalf("preview: %+v", pre)
	}
	if r := crFind(pre.Unchanged, shared); r.Note == nil || r.Name != "Roll "+shared {
		t.Errorf("shared: %+v, want the name kept with a note", r)
	}
	if r := crFind(pre.Add, fresh); r.Line != 6 || r.Pin != nil || r.Email == nil || *r.Email != "fresh@example.edu" {
		t.Errorf("fresh in the preview: %+v", r)
	}
	if r := crFind(pre.Remove, four); r.Line != 0 {
		t.Errorf("remove row %+v, want line 0", r)
	}
	if got := e.enrolled(t); strings.Contains(got, "Fresh") || strings.Contains(got, "Renamed") {
		t.Fatalf("the preview changed the roster:\n%s", got)
	}

	applied := e.report(t, e.s[1], e.coordTok[1], "/api/units/roll/roster", file)
	if !applied.Applied || !slices.Equal(crNumbers(applied.Add), []string{fresh, given}) || !slices.Equal(crNumbers(applied.Remove), []string{four}) {
		t.Fatalf("apply: %+v", applied)
	}
	pin := crFind(applied.Add, fresh).Pin
	if pin == nil || !crSixDigits.MatchString(*pin) || crFind(applied.Add, given).Pin != nil {
		t.Fatalf("new PINs: %+v", applied.Add)
	}
	if u := ws.expect("resync"); !strings.Contains(string(u.Raw), `"unit":"roll"`) {
		t.Errorf("resync %s, want unit roll", u.Raw)
	}
	ccTToken(t, e.s[0], fresh, *pin)
	ccTToken(t, e.s[1], given, "8642")
	ccTToken(t, e.s[0], three, "9753")
	if r := ccTSignInPIN(t, e.s[0], three, testPIN); r.Status != 401 {
		t.Errorf("the old PIN of %s: %d", three, r.Status)
	}
	ccTToken(t, e.s[0], shared, testPIN) // kept
	if r := ccTSignInPIN(t, e.s[0], shared, "4444"); r.Status != 401 {
		t.Errorf("the file's PIN of %s, whom the coordinator may not change: %d", shared, r.Status)
	}
	if got := e.enrolled(t); !strings.Contains(got, two+" Renamed Two student -") || !strings.Contains(got, shared+" Roll "+shared+" student -") ||
		!strings.Contains(got, fresh+" Fresh Person student fresh@example.edu") || !strings.Contains(got, four+" ") {
		t.Errorf("roster after the apply:\n%s", got)
	}
	if got := e.audit(t, "roster.imported"); len(got) != 1 || got[0].Details["added"] != float64(2) || got[0].Details["updated"] != float64(2) || got[0].Details["removed"] != float64(0) {
		t.Errorf("audit %+v", got)
	}

	// remove=true unenrols the missing student; they still sign in but are not in roll.
	fourTok := signIn(t, e.s[0], four)
	removed := e.report(t, e.s[0], e.coordTok[0], "/api/units/roll/roster?remove=true", file)
	if !removed.Applied || !slices.Equal(crNumbers(removed.Remove), []string{four}) {
		t.Fatalf("remove: %+v", removed)
	}
	if r := e.s[1].Client.Do(t, "GET", "/api/units/roll", fourTok, nil); r.Status != 403 {
		t.Errorf("the removed student reads roll: %d", r.Status)
	}
	if got := e.audit(t, "roster.imported"); len(got) != 2 || got[0].Details["removed"] != float64(1) {
		t.Errorf("audit %+v", got)
	}

	// A team member missing with remove=true: 409 naming them, and nothing applied.
	before := e.enrolled(t)
	r := e.csv(t, e.s[1], e.coordTok[1], "/api/units/roll/roster?remove=true", crFile(two+",Renamed Again,,student,", three+",Roll "+three+",,student,"))
	crWantProblem(t, "removing a team member", r, 409, one)
	if got := e.enrolled(t); got != before {
		t.Errorf("the refused apply changed the roster:\n%s\nwas\n%s", got, before)
	}
	// Without remove the same file applies, and the team is untouched.
	if rep := e.report(t, e.s[1], e.coordTok[1], "/api/units/roll/roster", crFile(two+",Renamed Again,,student,")); !rep.Applied ||
		!slices.Contains(crNumbers(rep.Remove), one) || crFind(rep.Remove, one).Note == nil {
		t.Errorf("apply without remove: %+v", rep)
	}
	if got := ccTInt(t, e.f.Store.Pool(), "SELECT count(*) FROM project_members WHERE unit = 'roll' AND project_id = $1", p.ID); got != 2 {
		t.Errorf("the team has %d members", got)
	}

	// Files with errors: every bad line, applied false, nothing changed.
	before = e.enrolled(t)
	for _, path := range []string{"/api/units/roll/roster/preview", "/api/units/roll/roster"} {
		rep := e.report(t, e.s[0], e.coordTok[0], path, crFile("37000020,Good Row,,student,", "3700002,Short,,student,", "37000021,Bad Pin,12,student,", "37000022,Bad Mail,,student,nope"))
		if rep.Applied || len(rep.Errors) != 3 || rep.Errors[0].Line != 3 || rep.Errors[1].Line != 4 || rep.Errors[2].Line != 5 || !strings.Contains(rep.Errors[1].Message, "pin") {
			t.Errorf("%s with errors: %+v", path, rep)
		}
	}
	if got := e.enrolled(t); got != before {
		t.Errorf("a file with errors changed the roster")
	}
	// Bodies that are not rosters; callers who are not coordinators.
	huge := crFile("37000020,Huge,,student,")
	huge += strings.Repeat("\n", pairup.MaxRosterBytes+1-len(huge))
	crWantProblem(t, "a roster over 1 MiB", e.csv(t, e.s[0], e.coordTok[0], "/api/units/roll/roster", huge), 413, "1 MiB")
	crWantProblem(t, "a roster over 1 MiB", e.csv(t, e.s[0], e.coordTok[0], "/api/units/roll/roster/preview", huge), 413, "1 MiB")
	crWantProblem(t, "invalid UTF-8", e.csv(t, e.s[1], e.coordTok[1], "/api/units/roll/roster", crFile("37000020,Bad \xff Name,,student,")), 400, "UTF-8")
	crWantProblem(t, "a student's apply", e.csv(t, e.s[0], signIn(t, e.s[0], shared), "/api/units/roll/roster", file), 403, "")
	if rep := e.report(t, e.s[0], e.coordTok[0], "/api/units/roll/roster", crFile("37000020,Appointed,,coordinator,")); rep.Applied ||
		len(rep.Errors) != 1 || rep.Errors[0].Line != 2 || !strings.Contains(rep.Errors[0].Message, "site admins") {
		t.Errorf("a coordinator appointing: %+v", rep)
	}
	if got := e.enrolled(t); got != before {
		t.Errorf("a refused roster changed the roster")
	}
}

// TestConsoleRosterApplyRacesBooking: on two instances, a coordinator's roster apply (renaming
// the booking pair, adding a student, unenrolling another) races a student's booking with their
// partner, round after round. Each is either before or after the other: only 200/201 (or 409)
// answers, the team's name line is all old names or all new, and the database agrees with both.
func TestConsoleRosterApplyRacesBooking(t *testing.T) {
	t.Parallel()
	const rounds = 12
	var students []string
	for k := range rounds {
		students = append(students, fmt.Sprintf("3710%02d01", k), fmt.Sprintf("3710%02d02", k), fmt.Sprintf("3710%02d03", k))
	}
	e := crNewEnv(t, students, rounds)
	enrolled := map[string]string{} // everyone of roll who must stay, with their name
	for _, n := range students {
		enrolled[n] = "Roll " + n
	}
	applies, before, after := 0, 0, 0
	for k := range rounds {
		creator, partner, leaving := students[3*k], students[3*k+1], students[3*k+2]
		newcomer := fmt.Sprintf("3720%02d00", k)
		tok := signIn(t, e.s[(k+1)%2], creator)
		enrolled[creator], enrolled[partner] = fmt.Sprintf("New C %d", k), fmt.Sprintf("New P %d", k)
		if k%3 == 0 {
			// A newcomer gets a new PIN, hashed (slowly) before the apply's transaction.
			enrolled[newcomer] = fmt.Sprintf("Newcomer %d", k)
		}
		delete(enrolled, leaving)
		var rows []string
		for _, n := range slices.Sorted(func(yield func(string) bool) {
			for n := range enrolled {
				if !yield(n) {
					return
				}
			}
		}) {
			rows = append(rows, n+","+enrolled[n]+",,student,")
		}
		file := crFile(rows...)

		var apply, book *apitest.Response
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			<-start
			apply = e.csv(ccTGoroutineTB{t}, e.s[k%2], e.coordTok[k%2], "/api/units/roll/roster?remove=true", file)
		})
		wg.Go(func() {
			<-start
			// A few reads first, more each round, so the booking lands at different points of
			// the apply (no sleeps: only the requests' own time).
			for range k % 4 {
				e.s[(k+1)%2].Client.Do(ccTGoroutineTB{t}, "GET", "/api/units/roll/labs", tok, nil)
			}
			book = e.s[(k+1)%2].Client.Do(ccTGoroutineTB{t}, "POST", "/api/units/roll/students/"+creator+"/project", tok,
				map[string]any{"partnerNumber": partner, "description": fmt.Sprintf("Round %d", k), "lab_id": e.labs[k].ID})
		})
		close(start)
		wg.Wait()
		if apply == nil || book == nil {
			t.Fatalf("round %d: a request did not complete", k)
		}
		if apply.Status != 200 && apply.Status != 409 || book.Status != 201 && book.Status != 409 {
			t.Fatalf("round %d: apply %d %s, booking %d %s", k, apply.Status, apply.Body, book.Status, book.Body)
		}
		if apply.Status == 200 {
			applies++
			var rep crReport
			apply.JSON(t, &rep)
			if !rep.Applied || !slices.Equal(crNumbers(rep.Remove), []string{leaving}) {
				t.Fatalf("round %d: report %+v", k, rep)
			}
		} else {
			// Refused: the roster is as the round before left it.
			enrolled[creator], enrolled[partner] = "Roll "+creator, "Roll "+partner
			delete(enrolled, newcomer)
			enrolled[leaving] = "Roll " + leaving
		}
		if book.Status == 201 {
			var pr project
			book.JSON(t, &pr)
			old, renamed := "Roll "+creator+" & Roll "+partner, fmt.Sprintf("New C %d & New P %d", k, k)
			switch pr.Team {
			case old:
				before++
			case renamed:
				after++
			default:
				t.Errorf("round %d: team %q is neither %q nor %q", k, pr.Team, old, renamed)
			}
			if apply.Status == 200 && ccTString(t, e.f.Store.Pool(), "SELECT string_agg(p.name, ' & ' ORDER BY m.position) FROM project_members m JOIN people p USING (student_number) WHERE m.project_id = $1", pr.Pid) != renamed {
				t.Errorf("round %d: the team's names are not the roster's", k)
			}
		}
		// The database agrees: the roster is the file's (or the one before), the slot counts its team.
		var want []string
		for n, name := range enrolled {
			want = append(want, n+" "+name+" student -")
		}
		slices.Sort(want)
		want = append([]string{e.coord + " Roll Coordinator coordinator -"}, want...)
		slices.Sort(want)
		if got := e.enrolled(t); got != strings.Join(want, "\n") {
			t.Fatalf("round %d: roster\n%s\nwant\n%s", k, got, strings.Join(want, "\n"))
		}
		teams := 0
		if book.Status == 201 {
			teams = 1
		}
		if got := ccTInt(t, e.f.Store.Pool(), "SELECT booked FROM lab_slots WHERE id = $1", e.labs[k].ID); got != teams {
			t.Errorf("round %d: slot booked %d, want %d", k, got, teams)
		}
		if got := ccTInt(t, e.f.Store.Pool(), "SELECT count(*) FROM projects WHERE unit = 'roll' AND lab_id = $1", e.labs[k].ID); got != teams {
			t.Errorf("round %d: %d teams in the slot, want %d", k, got, teams)
		}
	}
	t.Logf("%d bookings saw the names before the apply, %d after", before, after)
	if got := len(e.audit(t, "roster.imported")); got != applies {
		t.Errorf("%d roster.imported entries for %d applies", got, applies)
	}
}

// TestConsoleResetPINThenSignIn: the new PIN is returned once and signs in on the other
// instance; the old one stops; a person also in a unit the coordinator does not coordinate is a
// conflict (a site admin may); not enrolled is 404; students may not.
func TestConsoleResetPINThenSignIn(t *testing.T) {
	t.Parallel()
	const s1, shared = "37300001", "37300002"
	e := crNewEnv(t, []string{s1, shared}, 1)
	if err := e.f.Make.Enrol(context.Background(), "elsewhere", testfactory.Person{Number: shared, Name: "Roll " + shared}); err != nil {
		t.Fatal(err)
	}
	old := signIn(t, e.s[0], s1)
	r := e.s[0].Client.Do(t, "POST", "/api/units/roll/students/"+s1+"/pin", e.coordTok[0], nil)
	if r.Status != 200 {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
	var reset struct{ ID, Pin string }
	r.JSON(t, &reset)
	if reset.ID != s1 || !crSixDigits.MatchString(reset.Pin) {
		t.Fatalf("reset %+v", reset)
	}
	ccTToken(t, e.s[1], s1, reset.Pin)
	if r := ccTSignInPIN(t, e.s[1], s1, testPIN); r.Status != 401 {
		t.Errorf("the old PIN: %d", r.Status)
	}
	// A reset signs the person out everywhere: the token from before it is refused on both
	// instances, and one from the new PIN works.
	for _, s := range e.s {
		if r := s.Client.Do(t, "GET", "/api/units/roll", old, nil); r.Status != 401 || !strings.Contains(string(r.Body), "PIN was reset") {
			t.Errorf("a token from before the reset: %d %s", r.Status, r.Body)
		}
	}
	if r := e.s[0].Client.Do(t, "GET", "/api/units/roll", ccTToken(t, e.s[0], s1, reset.Pin), nil); r.Status != 200 {
		t.Errorf("a token from after the reset: %d %s", r.Status, r.Body)
	}
	if got := e.audit(t, "pin.reset"); len(got) != 1 || got[0].Student == nil || *got[0].Student != s1 {
		t.Errorf("audit %+v", got)
	}
	crWantProblem(t, "a person of another unit", e.s[1].Client.Do(t, "POST", "/api/units/roll/students/"+shared+"/pin", e.coordTok[1], nil), 409, "do not coordinate")
	ccTToken(t, e.s[0], shared, testPIN)
	if r := e.s[0].Client.Do(t, "POST", "/api/units/roll/students/"+shared+"/pin", e.adminTok, nil); r.Status != 200 {
		t.Errorf("a site admin's reset: %d %s", r.Status, r.Body)
	}
	crWantProblem(t, "not enrolled", e.s[0].Client.Do(t, "POST", "/api/units/roll/students/37309999/pin", e.coordTok[0], nil), 404, "not enrolled")
	crWantProblem(t, "a student", e.s[0].Client.Do(t, "POST", "/api/units/roll/students/"+s1+"/pin", ccTToken(t, e.s[0], s1, reset.Pin), nil), 403, "")
	if got := len(e.audit(t, "pin.reset")); got != 2 {
		t.Errorf("%d pin.reset entries, want 2", got)
	}
}

// TestConsoleEnrolAndUnenrol: PUT creates (with a name; a random PIN when none) or changes a
// role (appointing coordinators: site admins only; never a team member); DELETE unenrols, except
// a team member (409 naming the team); each writes its audit entry.
func TestConsoleEnrolAndUnenrol(t *testing.T) {
	t.Parallel()
	const m1, m2, fresh = "37400001", "37400002", "37400010"
	e := crNewEnv(t, []string{m1, m2}, 1)
	p, err := e.f.Make.Team(context.Background(), "roll", m1, []string{m2}, e.labs[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	put := func(s *testServer, tok apitest.Bearer, n string, body any) *apitest.Response {
		return s.Client.Do(t, "PUT", "/api/units/roll/enrolments/"+n, tok, body)
	}
	crWantProblem(t, "a new person without a name", put(e.s[0], e.coordTok[0], fresh, map[string]any{"role": "student"}), 400, "name", "name")
	crWantProblem(t, "a bad PIN", put(e.s[0], e.coordTok[0], fresh, map[string]any{"role": "student", "name": "Fresh", "pin": "12"}), 400, "pin", "pin")
	crWantProblem(t, "a bad role", put(e.s[0], e.coordTok[0], fresh, map[string]any{"role": "teacher", "name": "Fresh"}), 400, "role", "role")
	crWantProblem(t, "an unknown field", put(e.s[0], e.coordTok[0], fresh, map[string]any{"role": "student", "name": "Fresh", "age": 3}), 400, "age", "age")

	ws := dialWS(t, e.s[1], signIn(t, e.s[1], m1))
	r := put(e.s[0], e.coordTok[0], fresh, map[string]any{"role": "student", "name": "Fresh Person", "email": "fresh@example.edu"})
	if r.Status != 200 {
		t.Fatalf("enrol: %d %s", r.Status, r.Body)
	}
	var res struct {
		ID    string  `json:"id"`
		Name  string  `json:"name"`
		Role  string  `json:"role"`
		Email *string `json:"email"`
		Pin   *string `json:"pin"`
	}
	r.JSON(t, &res)
	if res.ID != fresh || res.Name != "Fresh Person" || res.Role != "student" || res.Email == nil || res.Pin == nil || !crSixDigits.MatchString(*res.Pin) {
		t.Fatalf("enrolled %+v", res)
	}
	ws.expect("resync")
	freshTok := ccTToken(t, e.s[1], fresh, *res.Pin)
	if r := e.s[1].Client.Do(t, "GET", "/api/units/roll", freshTok, nil); r.Status != 200 {
		t.Errorf("the new student reads roll: %d", r.Status)
	}

	crWantProblem(t, "a coordinator appointing", put(e.s[1], e.coordTok[1], fresh, map[string]any{"role": "coordinator"}), 403, "site admins", "role")
	crWantProblem(t, "a team member appointed", put(e.s[0], e.adminTok, m1, map[string]any{"role": "coordinator"}), 409, "team", "role")
	r = put(e.s[0], e.adminTok, fresh, map[string]any{"role": "coordinator"})
	res.Pin = nil
	r.JSON(t, &res)
	if r.Status != 200 || res.Role != "coordinator" || res.Pin != nil || res.Name != "Fresh Person" {
		t.Fatalf("site admin appointing: %d %s", r.Status, r.Body)
	}
	if r := e.s[1].Client.Do(t, "GET", "/api/units/roll/audit", freshTok, nil); r.Status != 200 {
		t.Errorf("the new coordinator reads the audit log: %d", r.Status)
	}

	crWantProblem(t, "unenrolling a team member", e.s[1].Client.Do(t, "DELETE", "/api/units/roll/enrolments/"+m2, e.coordTok[1], nil), 409, fmt.Sprintf("team %d (%s)", p.ID, "Roll "+m1+" & Roll "+m2))
	crWantProblem(t, "unenrolling someone not enrolled", e.s[1].Client.Do(t, "DELETE", "/api/units/roll/enrolments/37409999", e.coordTok[1], nil), 404, "not enrolled")
	if r := e.s[1].Client.Do(t, "DELETE", "/api/units/roll/enrolments/"+fresh, e.coordTok[1], nil); r.Status != 204 {
		t.Fatalf("unenrol: %d %s", r.Status, r.Body)
	}
	if r := e.s[0].Client.Do(t, "GET", "/api/units/roll", freshTok, nil); r.Status != 403 {
		t.Errorf("the unenrolled person reads roll: %d", r.Status)
	}
	for action, n := range map[string]int{"enrolment.added": 1, "enrolment.changed": 1, "enrolment.removed": 1} {
		if got := e.audit(t, action); len(got) != n || got[0].Student == nil || *got[0].Student != fresh {
			t.Errorf("%s: %+v", action, got)
		}
	}
	if got := ccTInt(t, e.f.Store.Pool(), "SELECT count(*) FROM project_members WHERE project_id = $1", p.ID); got != 2 {
		t.Errorf("the team has %d members after the refusals", got)
	}
}
