package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	goical "github.com/arran4/golang-ical"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// The slot admin and the exports through the real server: every route with its statuses and
// problem fields, the CSV and iCalendar files parsed, and the unit's zone (Perth, UTC+8, no
// daylight saving) in the calendars' UTC instants.

// csEnv is the unit "perth" (Australia/Perth, teams of 1 to 3) with a coordinator and students,
// on one server.
type csEnv struct {
	f     *fixture
	s     *testServer
	coord apitest.Bearer
	n     []string // students of perth
	day   time.Time
}

const csUnit = "perth"

func csNewEnv(t *testing.T) *csEnv {
	t.Helper()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: csUnit, Title: "Perth, WA; 2027", Timezone: "Australia/Perth", TeamMin: 1, TeamMax: 3}); err != nil {
		t.Fatal(err)
	}
	e := &csEnv{f: f, day: slotDay()}
	people := []testfactory.Person{{Number: "34000900", Name: "Coordinator", Role: pairup.RoleCoordinator}}
	for i, name := range []string{"Ada Lovelace", "Charles Babbage", "=SUM(A1:A9)", "Grace Hopper", "Alan Turing"} {
		n := fmt.Sprintf("%08d", 34000000+i)
		e.n = append(e.n, n)
		people = append(people, testfactory.Person{Number: n, Name: name})
	}
	if err := f.Make.Enrol(ctx, csUnit, people...); err != nil {
		t.Fatal(err)
	}
	e.s = startServer(t, f.DBURL, nil)
	e.coord = signIn(t, e.s, "34000900")
	return e
}

// at is a wall-clock time on the test's day, as the API writes it.
func (e *csEnv) at(hhmm string) string { return e.day.Format(time.DateOnly) + "T" + hhmm }

func (e *csEnv) do(t *testing.T, method, path string, tok apitest.Bearer, body any) *apitest.Response {
	t.Helper()
	return e.s.Client.Do(t, method, "/api/units/"+csUnit+path, tok, body)
}

// csSlot is the API's Slot.
type csSlot struct {
	LabID    int64  `json:"lab_id"`
	Unit     string `json:"unit"`
	Lab      string `json:"lab"`
	Room     string `json:"room"`
	StartsAt string `json:"starts_at"`
	Capacity int    `json:"capacity"`
	Booked   int    `json:"booked"`
	Forced   int    `json:"forced"`
	Teams    []struct {
		Pid  int64  `json:"pid"`
		Team string `json:"team"`
	} `json:"teams"`
}

func (s csSlot) String() string {
	var teams []string
	for _, t := range s.Teams {
		teams = append(teams, fmt.Sprintf("%d:%s", t.Pid, t.Team))
	}
	return fmt.Sprintf("%s %s %d/%d %v", s.Room, s.StartsAt[11:], s.Booked, s.Capacity, teams)
}

func (e *csEnv) slots(t *testing.T) []csSlot {
	t.Helper()
	r := e.do(t, "GET", "/slots", e.coord, nil)
	if r.Status != 200 {
		t.Fatalf("list slots: %d %s", r.Status, r.Body)
	}
	var list struct{ Slots []csSlot }
	r.JSON(t, &list)
	return list.Slots
}

// csProblem checks a problem's status, that it names the field (unless "") and that its detail
// holds each text.
func csProblem(t *testing.T, what string, r *apitest.Response, status int, field string, texts ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: %d %s, want %d", what, r.Status, r.Body, status)
		return
	}
	p := r.Problem(t)
	if field != "" && !slices.Contains(p.Fields(), field) {
		t.Errorf("%s: problem names %v, want %q: %s", what, p.Fields(), field, r.Body)
	}
	for _, text := range texts {
		if !strings.Contains(p.Detail, text) {
			t.Errorf("%s: detail %q does not say %q", what, p.Detail, text)
		}
	}
}

func (e *csEnv) auditActions(t *testing.T) []string {
	t.Helper()
	r := e.do(t, "GET", "/audit?limit=200", e.coord, nil)
	if r.Status != 200 {
		t.Fatalf("audit: %d %s", r.Status, r.Body)
	}
	var page struct{ Entries []struct{ Action string } }
	r.JSON(t, &page)
	var out []string
	for _, en := range page.Entries {
		if strings.HasPrefix(en.Action, "slot.") || en.Action == "labs.imported" {
			out = append(out, en.Action)
		}
	}
	return out
}

func TestConsoleSlots(t *testing.T) {
	t.Parallel()
	e := csNewEnv(t)
	student := signIn(t, e.s, e.n[0])
	live := dialWS(t, e.s, e.coord)

	// Add one slot; the same room and time again is a conflict naming both.
	r := e.do(t, "POST", "/slots", e.coord, map[string]any{"room": "CSSE 2.01", "starts_at": e.at("17:15"), "capacity": 2})
	if r.Status != 201 {
		t.Fatalf("create slot: %d %s", r.Status, r.Body)
	}
	var a csSlot
	r.JSON(t, &a)
	if a.Room != "CSSE 2.01" || a.StartsAt != e.at("17:15") || a.Capacity != 2 || a.Booked != 0 || a.Unit != csUnit || len(a.Teams) != 0 {
		t.Errorf("created %+v", a)
	}
	if f := live.expect("resync"); !strings.Contains(string(f.Raw), `"unit":"perth"`) {
		t.Errorf("pushed %s, want a resync of perth", f.Raw)
	}
	r = e.do(t, "POST", "/slots", e.coord, map[string]any{"room": "CSSE 2.01", "starts_at": e.at("17:15")})
	csProblem(t, "a taken room and time", r, 409, "room", "CSSE 2.01 has a slot at "+e.at("17:15"))
	csProblem(t, "a taken room and time", r, 409, "starts_at")
	for _, bad := range []struct {
		field string
		body  any
	}{
		{"room", map[string]any{"room": " ", "starts_at": e.at("09:00")}},
		{"room", map[string]any{"starts_at": e.at("09:00")}},
		{"starts_at", map[string]any{"room": "X", "starts_at": "20 May 9am"}},
		{"starts_at", map[string]any{"room": "X"}},
		{"capacity", map[string]any{"room": "X", "starts_at": e.at("09:00"), "capacity": 0}},
		{"capacity", map[string]any{"room": "X", "starts_at": e.at("09:00"), "capacity": "2"}},
		{"seats", map[string]any{"room": "X", "starts_at": e.at("09:00"), "seats": 2}},
	} {
		csProblem(t, fmt.Sprintf("create %v", bad.body), e.do(t, "POST", "/slots", e.coord, bad.body), 400, bad.field)
	}
	csProblem(t, "a student adding a slot", e.do(t, "POST", "/slots", student, map[string]any{"room": "X", "starts_at": e.at("09:00")}), 403, "")

	// Preview a session of two rooms: existing slots are marked; nothing changes.
	spec := map[string]any{"rooms": []string{"CSSE 2.03", "CSSE 2.01"}, "date": e.day.Format(time.DateOnly), "start": "17:00", "end": "18:00", "slot_minutes": 15}
	r = e.do(t, "POST", "/slots/preview", e.coord, spec)
	if r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	var plan struct {
		Slots []struct {
			Room     string `json:"room"`
			Starts   string `json:"starts_at"`
			Capacity int    `json:"capacity"`
			Exists   bool   `json:"exists"`
		}
	}
	r.JSON(t, &plan)
	var planned []string
	for _, p := range plan.Slots {
		planned = append(planned, fmt.Sprintf("%s %s %d %v", p.Room, p.Starts[11:], p.Capacity, p.Exists))
	}
	if want := []string{
		"CSSE 2.01 17:00 1 false", "CSSE 2.03 17:00 1 false", "CSSE 2.01 17:15 2 true", "CSSE 2.03 17:15 1 false",
		"CSSE 2.01 17:30 1 false", "CSSE 2.03 17:30 1 false", "CSSE 2.01 17:45 1 false", "CSSE 2.03 17:45 1 false",
	}; !slices.Equal(planned, want) {
		t.Errorf("preview\n%s\nwant\n%s", strings.Join(planned, "\n"), strings.Join(want, "\n"))
	}
	if got := len(e.slots(t)); got != 1 {
		t.Errorf("the preview made slots: %d", got)
	}
	for _, bad := range []struct {
		field, what string
		change      func(body map[string]any)
	}{
		{"end", "end before start", func(b map[string]any) { b["end"] = "16:00" }},
		{"end", "end at start", func(b map[string]any) { b["end"] = "17:00" }},
		{"end", "an English end", func(b map[string]any) { b["end"] = "6pm" }},
		{"start", "hour 25", func(b map[string]any) { b["start"] = "25:00" }},
		{"date", "no such day", func(b map[string]any) { b["date"] = "2027-02-30" }},
		{"date", "no date", func(b map[string]any) { delete(b, "date") }},
		{"rooms", "no rooms", func(b map[string]any) { b["rooms"] = []string{} }},
		{"rooms", "a room twice", func(b map[string]any) { b["rooms"] = []string{"A", "A "} }},
		{"slot_minutes", "4 minutes", func(b map[string]any) { b["slot_minutes"] = 4 }},
		{"slot_minutes", "minutes as a string", func(b map[string]any) { b["slot_minutes"] = "15" }},
		{"slot_minutes", "a slot longer than the session", func(b map[string]any) { b["slot_minutes"] = 61 }},
		{"slot_minutes", "501 slots", func(b map[string]any) {
			b["rooms"], b["start"], b["end"], b["slot_minutes"] = []string{"1", "2", "3"}, "06:00", "19:55", 5 // 3 × 167
		}},
		{"capacity", "capacity 0", func(b map[string]any) { b["capacity"] = 0 }},
		{"length", "an unknown field", func(b map[string]any) { b["length"] = 15 }},
	} {
		body := map[string]any{}
		for k, v := range spec {
			body[k] = v
		}
		bad.change(body)
		for _, op := range []string{"preview", "generate"} {
			csProblem(t, op+": "+bad.what, e.do(t, "POST", "/slots/"+op, e.coord, body), 400, bad.field)
		}
	}
	csProblem(t, "a student's preview", e.do(t, "POST", "/slots/preview", student, spec), 403, "")
	csProblem(t, "a student's generate", e.do(t, "POST", "/slots/generate", student, spec), 403, "")

	// Generate: the missing seven slots, in one audit entry; again: nothing more.
	r = e.do(t, "POST", "/slots/generate", e.coord, spec)
	if r.Status != 200 {
		t.Fatalf("generate: %d %s", r.Status, r.Body)
	}
	var generated struct{ Slots []csSlot }
	r.JSON(t, &generated)
	if len(generated.Slots) != 8 || !slices.EqualFunc(generated.Slots, e.slots(t), func(a, b csSlot) bool { return a.String() == b.String() }) {
		t.Errorf("generated %v, want the unit's 8 slots", generated.Slots)
	}
	live.expect("resync")
	if r := e.do(t, "POST", "/slots/generate", e.coord, spec); r.Status != 200 {
		t.Errorf("generate again: %d %s", r.Status, r.Body)
	}
	if got, want := e.auditActions(t), []string{"labs.imported", "slot.created"}; !slices.Equal(got, want) {
		t.Errorf("audit after generating twice: %v, want %v", got, want)
	}
	live.wsTQuiet("generating nothing new")

	// Book teams; the list shows them.
	byTime := map[string]int64{}
	for _, s := range e.slots(t) {
		byTime[s.Room+" "+s.StartsAt[11:]] = s.LabID
	}
	ctx := context.Background()
	ada, err := e.f.Make.Team(ctx, csUnit, e.n[0], []string{e.n[1]}, a.LabID, `Compilers, parsers; and C:\paths — `+strings.Repeat("long ", 20))
	if err != nil {
		t.Fatal(err)
	}
	formula, err := e.f.Make.Team(ctx, csUnit, e.n[2], nil, a.LabID, "+1 formulas, =cmd|' /C calc'!A0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.f.Store.Pool().Exec(ctx, "UPDATE people SET email = $2 WHERE student_number = $1", e.n[0], "ada@example.edu"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.f.Store.Pool().Exec(ctx, "UPDATE people SET email = $2 WHERE student_number = $1", e.n[2], "@evil.example"); err != nil {
		t.Fatal(err)
	}
	list := e.slots(t)
	var shown []string
	for _, s := range list {
		shown = append(shown, s.String())
	}
	want := []string{
		"CSSE 2.01 17:00 0/1 []", "CSSE 2.03 17:00 0/1 []",
		fmt.Sprintf("CSSE 2.01 17:15 2/2 [%d:Ada Lovelace & Charles Babbage %d:=SUM(A1:A9)]", ada.ID, formula.ID),
		"CSSE 2.03 17:15 0/1 []", "CSSE 2.01 17:30 0/1 []", "CSSE 2.03 17:30 0/1 []", "CSSE 2.01 17:45 0/1 []", "CSSE 2.03 17:45 0/1 []",
	}
	if !slices.Equal(shown, want) {
		t.Errorf("slots\n%s\nwant\n%s", strings.Join(shown, "\n"), strings.Join(want, "\n"))
	}
	if list[2].Lab != "CSSE 2.01 "+e.day.Format("Monday, January 2")+" 17:15" {
		t.Errorf("label %q", list[2].Lab)
	}
	csProblem(t, "a student listing slots", e.do(t, "GET", "/slots", student, nil), 403, "")

	// Edit: refused below the bookings (naming the teams) or onto a taken room and time.
	teams := []string{fmt.Sprintf("team %d (Ada Lovelace & Charles Babbage)", ada.ID), fmt.Sprintf("team %d (=SUM(A1:A9))", formula.ID)}
	path := func(lab int64) string { return fmt.Sprintf("/slots/%d", lab) }
	csProblem(t, "shrink a booked slot", e.do(t, "PATCH", path(a.LabID), e.coord, map[string]any{"capacity": 1}), 409, "capacity", teams...)
	csProblem(t, "move onto a taken room", e.do(t, "PATCH", path(a.LabID), e.coord, map[string]any{"room": "CSSE 2.03"}), 409, "room", "CSSE 2.03 has a slot at "+e.at("17:15"))
	csProblem(t, "move onto a taken time", e.do(t, "PATCH", path(a.LabID), e.coord, map[string]any{"starts_at": e.at("17:00")}), 409, "starts_at")
	for _, bad := range []struct {
		field string
		body  any
	}{
		{"capacity", map[string]any{"capacity": 0}}, {"capacity", map[string]any{"capacity": 1001}}, {"room", map[string]any{"room": ""}},
		{"starts_at", map[string]any{"starts_at": "tomorrow"}}, {"booked", map[string]any{"booked": 0}}, {"room", map[string]any{"room": 3}},
	} {
		csProblem(t, fmt.Sprintf("patch %v", bad.body), e.do(t, "PATCH", path(a.LabID), e.coord, bad.body), 400, bad.field)
	}
	csProblem(t, "patch an unknown slot", e.do(t, "PATCH", path(99999999), e.coord, map[string]any{"capacity": 2}), 404, "lab")
	csProblem(t, "patch a malformed id", e.do(t, "PATCH", "/slots/x", e.coord, map[string]any{"capacity": 2}), 400, "lab")
	csProblem(t, "a student's patch", e.do(t, "PATCH", path(a.LabID), student, map[string]any{"capacity": 3}), 403, "")
	r = e.do(t, "PATCH", path(a.LabID), e.coord, map[string]any{"room": "CSSE 2.05", "capacity": 3})
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	var patched csSlot
	r.JSON(t, &patched)
	if patched.String() != fmt.Sprintf("CSSE 2.05 17:15 2/3 [%d:Ada Lovelace & Charles Babbage %d:=SUM(A1:A9)]", ada.ID, formula.ID) {
		t.Errorf("patched %v", patched)
	}
	live.expect("resync")

	// Delete: refused while booked, naming the teams; an empty slot goes.
	csProblem(t, "delete a booked slot", e.do(t, "DELETE", path(a.LabID), e.coord, nil), 409, "lab_id", teams...)
	csProblem(t, "a student's delete", e.do(t, "DELETE", path(byTime["CSSE 2.03 17:45"]), student, nil), 403, "")
	if r := e.do(t, "DELETE", path(byTime["CSSE 2.03 17:45"]), e.coord, nil); r.Status != 204 {
		t.Errorf("delete an empty slot: %d %s", r.Status, r.Body)
	}
	csProblem(t, "delete it again", e.do(t, "DELETE", path(byTime["CSSE 2.03 17:45"]), e.coord, nil), 404, "lab")
	if got, want := e.auditActions(t), []string{"slot.deleted", "slot.updated", "labs.imported", "slot.created"}; !slices.Equal(got, want) {
		t.Errorf("audit: %v, want %v", got, want)
	}

	// The teams export: one row per member, formulas defused.
	r = e.do(t, "GET", "/export/teams.csv", e.coord, nil)
	if r.Status != 200 {
		t.Fatalf("teams.csv: %d %s", r.Status, r.Body)
	}
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || cd != `attachment; filename="perth-teams.csv"` {
		t.Errorf("teams.csv headers: %q, %q", ct, cd)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatalf("parse teams.csv: %v\n%s", err, r.Body)
	}
	start := e.at("17:15")
	wantRows := [][]string{
		{"pid", "team", "student_number", "name", "email", "description", "room", "starts_at"},
		{fmt.Sprint(ada.ID), "Ada Lovelace & Charles Babbage", e.n[0], "Ada Lovelace", "ada@example.edu", ada.Description, "CSSE 2.05", start},
		{fmt.Sprint(ada.ID), "Ada Lovelace & Charles Babbage", e.n[1], "Charles Babbage", "", ada.Description, "CSSE 2.05", start},
		{fmt.Sprint(formula.ID), "'=SUM(A1:A9)", e.n[2], "'=SUM(A1:A9)", "'@evil.example", "'+1 formulas, =cmd|' /C calc'!A0", "CSSE 2.05", start},
	}
	if !slices.EqualFunc(rows, wantRows, slices.Equal) {
		t.Errorf("teams.csv rows\n%q\nwant\n%q", rows, wantRows)
	}
	if !bytes.Contains(r.Body, []byte("\r\n")) {
		t.Errorf("teams.csv lines do not end with CRLF")
	}
	csProblem(t, "a student's export", e.do(t, "GET", "/export/teams.csv", student, nil), 403, "")
}

// csCalendar parses an iCalendar answer after checking its headers and lines.
func csCalendar(t *testing.T, r *apitest.Response, filename string) *goical.Calendar {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("calendar: %d %s", r.Status, r.Body)
	}
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "text/calendar; charset=utf-8" || cd != `attachment; filename="`+filename+`"` {
		t.Errorf("calendar headers: %q, %q", ct, cd)
	}
	body := string(r.Body)
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
		t.Errorf("calendar does not begin and end as one: %q", body)
	}
	for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d is %d octets or holds a bare line break: %q", i+1, len(line), line)
		}
	}
	cal, err := goical.ParseCalendar(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse calendar: %v\n%s", err, body)
	}
	return cal
}

func csProp(e *goical.VEvent, p goical.ComponentProperty) string {
	if prop := e.GetProperty(p); prop != nil {
		return prop.Value
	}
	return ""
}

func TestConsoleCalendars(t *testing.T) {
	t.Parallel()
	e := csNewEnv(t)
	ctx := context.Background()
	perth, err := time.LoadLocation("Australia/Perth")
	if err != nil {
		t.Fatal(err)
	}
	// Room A: 17:00 and 17:20; room B: 17:20 alone.
	var labs []int64
	for _, s := range [][2]string{{"A", "17:00"}, {"A", "17:20"}, {"B", "17:20"}} {
		r := e.do(t, "POST", "/slots", e.coord, map[string]any{"room": s[0], "starts_at": e.at(s[1])})
		if r.Status != 201 {
			t.Fatalf("create slot: %d %s", r.Status, r.Body)
		}
		var l csSlot
		r.JSON(t, &l)
		labs = append(labs, l.LabID)
	}
	long := `Compilers, parsers; and C:\paths — ` + strings.Repeat("ünïcødé ", 12)
	ada, err := e.f.Make.Team(ctx, csUnit, e.n[0], []string{e.n[1]}, labs[0], long)
	if err != nil {
		t.Fatal(err)
	}
	grace, err := e.f.Make.Team(ctx, csUnit, e.n[3], nil, labs[2], "Debuggers")
	if err != nil {
		t.Fatal(err)
	}
	wall := func(hhmm string) time.Time {
		w, err := time.ParseInLocation(time.DateOnly+" 15:04", e.day.Format(time.DateOnly)+" "+hhmm, perth)
		if err != nil {
			t.Fatal(err)
		}
		return w.UTC()
	}

	cal := csCalendar(t, e.do(t, "GET", "/calendar.ics", e.coord, nil), "perth.ics")
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events, want 2", len(events))
	}
	for i, w := range []struct {
		uid, summary, location, description string
		start, end                          time.Time
	}{
		{fmt.Sprintf("lab-%d-team-%d@pairup", labs[0], ada.ID), "Demo: Ada Lovelace & Charles Babbage", "A", strings.TrimSpace(long), wall("17:00"), wall("17:20")},
		{fmt.Sprintf("lab-%d-team-%d@pairup", labs[2], grace.ID), "Demo: Grace Hopper", "B", "Debuggers", wall("17:20"), wall("17:35")},
	} {
		ev := events[i]
		if ev.Id() != w.uid || csProp(ev, goical.ComponentPropertySummary) != w.summary ||
			csProp(ev, goical.ComponentPropertyLocation) != w.location || csProp(ev, goical.ComponentPropertyDescription) != w.description {
			t.Errorf("event %d: UID %q SUMMARY %q LOCATION %q DESCRIPTION %q; want %+v", i, ev.Id(),
				csProp(ev, goical.ComponentPropertySummary), csProp(ev, goical.ComponentPropertyLocation), csProp(ev, goical.ComponentPropertyDescription), w)
		}
		start, err1 := ev.GetStartAt()
		end, err2 := ev.GetEndAt()
		if err1 != nil || err2 != nil || !start.Equal(w.start) || !end.Equal(w.end) {
			t.Errorf("event %d: %v–%v (%v, %v), want %v–%v", i, start, end, err1, err2, w.start, w.end)
		}
		if !strings.HasSuffix(csProp(ev, goical.ComponentPropertyDtStart), "Z") || !strings.HasSuffix(csProp(ev, goical.ComponentPropertyDtstamp), "Z") {
			t.Errorf("event %d: DTSTART %q or DTSTAMP %q not in UTC", i, csProp(ev, goical.ComponentPropertyDtStart), csProp(ev, goical.ComponentPropertyDtstamp))
		}
	}
	if name := cal.CalendarProperties; !slices.ContainsFunc(name, func(p goical.CalendarProperty) bool {
		return p.IANAToken == "X-WR-CALNAME" && p.Value == `Perth, WA; 2027`
	}) {
		t.Errorf("calendar properties %+v lack the unit's title", name)
	}
	again := csCalendar(t, e.do(t, "GET", "/calendar.ics", e.coord, nil), "perth.ics")
	if again.Events()[0].Id() != events[0].Id() {
		t.Errorf("UIDs are not stable")
	}

	// The student's own: self and teammates see the team's demo; a student in no team gets an
	// empty calendar; strangers are refused; an unknown student is not found.
	for _, n := range []string{e.n[0], e.n[1]} {
		mine := csCalendar(t, e.do(t, "GET", "/students/"+e.n[1]+"/calendar.ics", signIn(t, e.s, n), nil), "perth-"+e.n[1]+".ics")
		if evs := mine.Events(); len(evs) != 1 || evs[0].Id() != events[0].Id() {
			t.Errorf("%s's view of the student calendar: %d events", n, len(evs))
		}
	}
	loner := signIn(t, e.s, e.n[4])
	if evs := csCalendar(t, e.do(t, "GET", "/students/"+e.n[4]+"/calendar.ics", loner, nil), "perth-"+e.n[4]+".ics").Events(); len(evs) != 0 {
		t.Errorf("a student in no team has %d events", len(evs))
	}
	if evs := csCalendar(t, e.do(t, "GET", "/students/"+e.n[3]+"/calendar.ics", e.coord, nil), "perth-"+e.n[3]+".ics").Events(); len(evs) != 1 {
		t.Errorf("a coordinator's view of Grace's calendar: %d events", len(evs))
	}
	csProblem(t, "a stranger's calendar", e.do(t, "GET", "/students/"+e.n[0]+"/calendar.ics", loner, nil), 403, "")
	csProblem(t, "an unknown student's calendar", e.do(t, "GET", "/students/34999999/calendar.ics", e.coord, nil), 404, "")
	csProblem(t, "a malformed student number", e.do(t, "GET", "/students/123/calendar.ics", e.coord, nil), 400, "id")
	csProblem(t, "a student's unit calendar", e.do(t, "GET", "/calendar.ics", loner, nil), 403, "")
	if r := e.s.Client.Do(t, "GET", "/api/units/"+csUnit+"/calendar.ics", nil, nil); r.Status != http.StatusUnauthorized {
		t.Errorf("an anonymous calendar: %d", r.Status)
	}
}
