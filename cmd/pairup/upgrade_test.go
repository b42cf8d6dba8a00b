package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/bcrypt"

	"github.com/pairup/pairup/api/auth"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testdb"
)

// lastOneClassMigration is the schema today's release (one class, no units) runs on.
const lastOneClassMigration = 3

// A database as today's release leaves it (migrations 1–3, its roster, slots, teams and chat,
// written in its schema) is upgraded in place by the new server's start-up migrations and then
// answers as before: nothing lost, everything in unit `default`, admins coordinating it, and the
// rules still holding.
func TestUpgradeInPlace(t *testing.T) {
	t.Parallel()
	old := newOneClassDB(t)
	old.seed()
	want := old.capture()

	s := startServer(t, old.url, nil) // runs every pending migration: the upgrade
	want.checkAPI(t, s)
	old.checkSchema(want)
	old.checkRules(want)
	want.checkChanges(t, s, old)
}

// oneClassDB is a database migrated only to today's release, and what the test put in it.
type oneClassDB struct {
	t   *testing.T
	url string
	db  *sql.DB

	students []oneClassStudent // admin last
	slots    []int64           // lab_slots ids, in insertion order
	pids     []int64           // project ids, in insertion order
}

type oneClassStudent struct {
	Number, Name, PIN, Role string
}

func newOneClassDB(t *testing.T) *oneClassDB {
	t.Helper()
	url := testdb.NewEmpty(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	t.Cleanup(func() { db.Close() })
	logger := slog.New(slog.NewTextHandler(testLogWriter{t}, nil))
	if err := store.MigrateTo(context.Background(), db, lastOneClassMigration, logger); err != nil {
		t.Fatalf("migrate to %d: %v", lastOneClassMigration, err)
	}
	var version int64
	if err := db.QueryRow(`SELECT max(version_id) FROM goose_db_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != lastOneClassMigration {
		t.Fatalf("database at version %d, want %d", version, lastOneClassMigration)
	}
	return &oneClassDB{t: t, url: url, db: db}
}

func (o *oneClassDB) exec(query string, args ...any) {
	o.t.Helper()
	if _, err := o.db.Exec(query, args...); err != nil {
		o.t.Fatalf("%s %v: %v", query, args, err)
	}
}

func (o *oneClassDB) scalar(query string, args ...any) int64 {
	o.t.Helper()
	var n int64
	if err := o.db.QueryRow(query, args...).Scan(&n); err != nil {
		o.t.Fatalf("%s %v: %v", query, args, err)
	}
	return n
}

// The roster: six students and one admin, each with their own PIN.
var oneClassRoster = []oneClassStudent{
	{"41000001", "Ada Lovelace", "1815", "student"},
	{"41000002", "Charles Babbage", "1791", "student"},
	{"41000003", "Grace Hopper", "1906", "student"},
	{"41000004", "Alan Turing", "1912", "student"},
	{"41000005", "Edsger Dijkstra", "1930", "student"},
	{"41000006", "Barbara Liskov", "1939", "student"},
	{"41000099", "Margaret Hamilton", "1936", "admin"},
}

const (
	upAda, upCharles, upGrace, upAlan, upEdsger, upBarbara, upAdmin = 0, 1, 2, 3, 4, 5, 6
)

func (o *oneClassDB) number(i int) string { return o.students[i].Number }

// seed writes a small class in the old schema with plain SQL, as today's release stored it.
func (o *oneClassDB) seed() {
	o.t.Helper()
	o.students = oneClassRoster
	for _, s := range o.students {
		h, err := auth.PINs{Cost: bcrypt.MinCost}.Hash(s.PIN)
		if err != nil {
			o.t.Fatal(err)
		}
		o.exec(`INSERT INTO students (student_number, name, pin_hash, role) VALUES ($1, $2, $3, $4)`,
			s.Number, s.Name, h, s.Role)
	}

	// Four slots a week from now (wall-clock times, as the old schema kept them); the second
	// holds two teams.
	now := time.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day()+7, 9, 0, 0, 0, time.UTC)
	for _, sl := range []struct {
		room     string
		at       time.Duration
		capacity int
	}{
		{"CSSE 2.01", 0, 1},
		{"CSSE 2.01", 30 * time.Minute, 2},
		{"EZONE 1.14", 0, 1},
		{"EZONE 1.14", 90 * time.Minute, 1},
	} {
		var id int64
		err := o.db.QueryRow(`INSERT INTO lab_slots (room, starts_at, capacity) VALUES ($1, $2::timestamp, $3) RETURNING id`,
			sl.room, day.Add(sl.at).Format("2006-01-02 15:04:05"), sl.capacity).Scan(&id)
		if err != nil {
			o.t.Fatalf("insert slot: %v", err)
		}
		o.slots = append(o.slots, id)
	}

	// A team that formed and dissolved (its id is a gap; the trigger gave its booking back),
	// then two teams: Ada & Charles in the shared slot, Grace & Alan in the first slot (now full).
	gone := o.team("A team that changed its mind", o.slots[2], upEdsger, upBarbara)
	o.exec(`DELETE FROM projects WHERE id = $1`, gone)
	o.pids = append(o.pids,
		o.team("Difference engine emulator", o.slots[1], upAda, upCharles),
		o.team("A compiler for COBOL-ish", o.slots[0], upGrace, upAlan))

	o.chat("lobby", upAda, "Anyone still looking for a partner?")
	o.chat("lobby", upAdmin, "Slots close on Friday.")
	o.chat("lobby", upEdsger, "Barbara and I are still deciding.")
	o.chat(fmt.Sprintf("team-%d", o.pids[0]), upAda, "I booked the 9:30 slot.")
	o.chat(fmt.Sprintf("team-%d", o.pids[0]), upCharles, "Great, see you there.")
	o.chat(fmt.Sprintf("team-%d", o.pids[1]), upGrace, "Bring the punch cards.")
}

// team inserts a project and its members (creator first) as the old store did.
func (o *oneClassDB) team(description string, lab int64, members ...int) int64 {
	o.t.Helper()
	var pid int64
	if err := o.db.QueryRow(`INSERT INTO projects (description, lab_id) VALUES ($1, $2) RETURNING id`, description, lab).Scan(&pid); err != nil {
		o.t.Fatalf("insert project: %v", err)
	}
	for pos, m := range members {
		o.exec(`INSERT INTO project_members (project_id, student_number, position) VALUES ($1, $2, $3)`, pid, o.number(m), pos+1)
	}
	return pid
}

func (o *oneClassDB) chat(room string, from int, body string) {
	o.t.Helper()
	o.exec(`INSERT INTO chat_messages (room, student_number, body) VALUES ($1, $2, $3)`, room, o.number(from), body)
}

// upgradeProject is a project as the API shows it, every field.
type upgradeProject struct {
	Pid         int64           `json:"pid"`
	Unit        string          `json:"unit"`
	Team        string          `json:"team"`
	Description string          `json:"description"`
	LabID       int64           `json:"lab_id"`
	Lab         string          `json:"lab"`
	Room        string          `json:"room"`
	StartsAt    string          `json:"starts_at"`
	Members     []upgradeMember `json:"members"`
}

type upgradeMember struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// upgradeLab is a free slot as GET /api/labs shows it.
type upgradeLab struct {
	LabID    int64  `json:"lab_id"`
	Unit     string `json:"unit"`
	Lab      string `json:"lab"`
	Room     string `json:"room"`
	StartsAt string `json:"starts_at"`
}

// oneClassState is what the old database held, read from it before the upgrade in the shapes
// the API shows (the unit being `default`).
type oneClassState struct {
	o        *oneClassDB
	projects []upgradeProject // in the old listing order: slot time, room, pid
	freeLabs []upgradeLab     // slots with room left, in time order
	chats    map[string][]wsTChat
	counts   map[string]int64 // rows per table
	teamOf   map[string]int64 // student number → pid
}

func (o *oneClassDB) capture() *oneClassState {
	o.t.Helper()
	st := &oneClassState{o: o, chats: map[string][]wsTChat{}, counts: map[string]int64{}, teamOf: map[string]int64{}}
	label := func(room string, at time.Time) string { return room + " " + at.Format("Monday, January 2 15:04") }

	rows, err := o.db.Query(`
		SELECT p.id, p.description, l.id, l.room, l.starts_at, s.student_number, s.name
		FROM projects p
		JOIN lab_slots l ON l.id = p.lab_id
		JOIN project_members m ON m.project_id = p.id
		JOIN students s ON s.student_number = m.student_number
		ORDER BY l.starts_at, l.room, p.id, m.position`)
	if err != nil {
		o.t.Fatal(err)
	}
	for rows.Next() {
		var (
			p  upgradeProject
			at time.Time
			m  upgradeMember
		)
		if err := rows.Scan(&p.Pid, &p.Description, &p.LabID, &p.Room, &at, &m.ID, &m.Name); err != nil {
			o.t.Fatal(err)
		}
		if n := len(st.projects); n == 0 || st.projects[n-1].Pid != p.Pid {
			p.Unit, p.Lab, p.StartsAt = "default", label(p.Room, at), at.Format("2006-01-02T15:04")
			st.projects = append(st.projects, p)
		}
		last := &st.projects[len(st.projects)-1]
		last.Members = append(last.Members, m)
		if last.Team != "" {
			last.Team += " & "
		}
		last.Team += m.Name
		st.teamOf[m.ID] = p.Pid
	}
	if err := rows.Err(); err != nil {
		o.t.Fatal(err)
	}
	if len(st.projects) != len(o.pids) {
		o.t.Fatalf("old database lists %d projects, want %d", len(st.projects), len(o.pids))
	}

	rows, err = o.db.Query(`SELECT id, room, starts_at FROM lab_slots WHERE booked < capacity ORDER BY starts_at, room, id`)
	if err != nil {
		o.t.Fatal(err)
	}
	for rows.Next() {
		var (
			l  upgradeLab
			at time.Time
		)
		if err := rows.Scan(&l.LabID, &l.Room, &at); err != nil {
			o.t.Fatal(err)
		}
		l.Unit, l.Lab, l.StartsAt = "default", label(l.Room, at), at.Format("2006-01-02T15:04")
		st.freeLabs = append(st.freeLabs, l)
	}
	if err := rows.Err(); err != nil {
		o.t.Fatal(err)
	}
	if want := []int64{o.slots[2], o.slots[1], o.slots[3]}; !slices.Equal(upgradeLabIDs(st.freeLabs), want) {
		o.t.Fatalf("old database offers slots %v, want %v: (in time order; the old trigger counts bookings)", upgradeLabIDs(st.freeLabs), want)
	}

	rows, err = o.db.Query(`SELECT m.id, m.room, s.name, m.body, m.sent_at FROM chat_messages m JOIN students s USING (student_number) ORDER BY m.id`)
	if err != nil {
		o.t.Fatal(err)
	}
	for rows.Next() {
		var m wsTChat
		if err := rows.Scan(&m.ID, &m.Room, &m.From, &m.Msg, &m.At); err != nil {
			o.t.Fatal(err)
		}
		st.chats[m.Room] = append(st.chats[m.Room], m)
	}
	if err := rows.Err(); err != nil {
		o.t.Fatal(err)
	}

	for _, table := range []string{"students", "lab_slots", "projects", "project_members", "chat_messages"} {
		st.counts[table] = o.scalar(`SELECT count(*) FROM ` + table)
	}
	o.checkBooked("before the upgrade")
	return st
}

func upgradeLabIDs(labs []upgradeLab) []int64 {
	ids := make([]int64, len(labs))
	for i, l := range labs {
		ids[i] = l.LabID
	}
	return ids
}

// checkBooked fails unless every slot's booked count is its number of teams.
func (o *oneClassDB) checkBooked(when string) {
	o.t.Helper()
	rows, err := o.db.Query(`
		SELECT l.id, l.booked, count(p.id)
		FROM lab_slots l LEFT JOIN projects p ON p.lab_id = l.id
		GROUP BY l.id, l.booked
		HAVING l.booked <> count(p.id)`)
	if err != nil {
		o.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, booked, actual int64
		if err := rows.Scan(&id, &booked, &actual); err != nil {
			o.t.Fatal(err)
		}
		o.t.Errorf("%s: slot %d counts %d bookings, has %d", when, id, booked, actual)
	}
	if err := rows.Err(); err != nil {
		o.t.Fatal(err)
	}
}

// signIn gets a token with the student's old PIN, after checking that another PIN is refused.
func (st *oneClassState) signIn(t *testing.T, s *testServer, i int) apitest.Bearer {
	t.Helper()
	who := st.o.students[i]
	if r := s.Client.Do(t, "POST", "/api/tokens", apitest.Basic{User: who.Number, Password: "0000"}, nil); r.Status != 401 {
		t.Fatalf("sign in %s with a wrong PIN: %d %s, want 401", who.Name, r.Status, r.Body)
	}
	r := s.Client.Do(t, "POST", "/api/tokens", apitest.Basic{User: who.Number, Password: who.PIN}, nil)
	if r.Status != 200 {
		t.Fatalf("sign in %s with the old PIN: %d %s", who.Name, r.Status, r.Body)
	}
	var tok struct{ Token string }
	r.JSON(t, &tok)
	return apitest.Bearer(tok.Token)
}

func upgradeGet(t *testing.T, s *testServer, tok apitest.Bearer, path string, wantStatus int, v any) {
	t.Helper()
	r := s.Client.Do(t, "GET", path, tok, nil)
	if r.Status != wantStatus {
		t.Fatalf("GET %s: %d %s, want %d", path, r.Status, r.Body, wantStatus)
	}
	if wantStatus >= 400 {
		r.Problem(t)
		return
	}
	r.JSON(t, v)
}

func (st *oneClassState) checkAPI(t *testing.T, s *testServer) {
	o := st.o
	toks := make([]apitest.Bearer, len(o.students))
	for i := range o.students {
		toks[i] = st.signIn(t, s, i)
	}

	// Everyone in unit default, with the role the old one became.
	for i, who := range o.students {
		var me struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			SiteAdmin bool   `json:"site_admin"`
			Units     []struct{ Code, Title, Role string }
		}
		upgradeGet(t, s, toks[i], "/api/me", 200, &me)
		role := map[string]string{"student": "student", "admin": "coordinator"}[who.Role]
		if me.ID != who.Number || me.Name != who.Name || len(me.Units) != 1 ||
			me.Units[0].Code != "default" || me.Units[0].Role != role {
			t.Errorf("GET /api/me of %s: %+v, want unit default as %s", who.Name, me, role)
		}
	}

	// The teams as the old release listed them, now in unit default.
	for _, i := range []int{upAda, upEdsger, upAdmin} {
		var list struct {
			ProjectList []upgradeProject `json:"projectList"`
		}
		upgradeGet(t, s, toks[i], "/api/projects", 200, &list)
		if !reflect.DeepEqual(list.ProjectList, st.projects) {
			t.Errorf("GET /api/projects as %s:\n got %+v\nwant %+v", o.students[i].Name, list.ProjectList, st.projects)
		}
	}
	var labs struct {
		AvailableLabs []upgradeLab `json:"available_labs"`
	}
	upgradeGet(t, s, toks[upEdsger], "/api/labs", 200, &labs)
	if !reflect.DeepEqual(labs.AvailableLabs, st.freeLabs) {
		t.Errorf("GET /api/labs:\n got %+v\nwant %+v", labs.AvailableLabs, st.freeLabs)
	}

	// Members read themselves and their teammate; strangers and other teams get 403;
	// the old admin reads anyone.
	project := func(number string) upgradeProject {
		for _, p := range st.projects {
			if p.Pid == st.teamOf[number] {
				return p
			}
		}
		t.Fatalf("%s has no team", number)
		return upgradeProject{}
	}
	for _, c := range []struct {
		caller, about int
		status        int
	}{
		{upAda, upAda, 200}, {upAda, upCharles, 200}, {upCharles, upAda, 200}, {upGrace, upAlan, 200},
		{upEdsger, upAda, 403}, {upGrace, upAda, 403}, {upAda, upGrace, 403},
		{upAdmin, upAda, 200}, {upAdmin, upGrace, 200},
	} {
		about := o.students[c.about]
		var student upgradeMember
		upgradeGet(t, s, toks[c.caller], "/api/students/"+about.Number, c.status, &student)
		if c.status == 200 && (student.ID != about.Number || student.Name != about.Name) {
			t.Errorf("%s reads %s: %+v", o.students[c.caller].Name, about.Name, student)
		}
		var p upgradeProject
		upgradeGet(t, s, toks[c.caller], "/api/students/"+about.Number+"/project", c.status, &p)
		if c.status == 200 && !reflect.DeepEqual(p, project(about.Number)) {
			t.Errorf("%s reads the project of %s:\n got %+v\nwant %+v", o.students[c.caller].Name, about.Name, p, project(about.Number))
		}
	}
	var student upgradeMember
	upgradeGet(t, s, toks[upAdmin], "/api/students/"+o.number(upBarbara), 200, &student)
	upgradeGet(t, s, toks[upEdsger], "/api/students/"+o.number(upEdsger)+"/project", 404, nil)

	// The old chat history comes back when joining the rooms.
	hidden := make([]string, len(o.students))
	for i, who := range o.students {
		hidden[i] = who.Number
	}
	ada := dialWS(t, s, toks[upAda])
	ada.wsTHidden = hidden
	for _, room := range []string{"lobby", fmt.Sprintf("team-%d", o.pids[0])} {
		got := wsTJoin(ada, room, o.students[upAda].Name)
		want := st.chats[room]
		if len(got) != len(want) {
			t.Errorf("history of %s: %+v, want %+v", room, got, want)
			continue
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.ID != w.ID || g.From != w.From || g.Msg != w.Msg || !g.At.Equal(w.At) {
				t.Errorf("history of %s, message %d: %+v, want %+v", room, i, g, w)
			}
		}
	}
	grace := dialWS(t, s, toks[upGrace])
	grace.wsTHidden = hidden
	grace.send(map[string]string{"type": "join", "room": fmt.Sprintf("team-%d", o.pids[0])})
	if f := wsTNext(grace, "error"); f.Code != "forbidden" {
		t.Errorf("Grace joins Ada's team room: %s, want forbidden", f.raw)
	}
}

// checkSchema checks the upgraded tables with SQL: every row in unit default, admins as
// coordinator enrolments, no role column left, bookings counted.
func (o *oneClassDB) checkSchema(st *oneClassState) {
	t := o.t
	if n := o.scalar(`SELECT count(*) FROM units WHERE code = 'default' AND is_default`); n != 1 || o.scalar(`SELECT count(*) FROM units`) != 1 {
		t.Errorf("units: want exactly the default unit")
	}
	rows, err := o.db.Query(`SELECT unit, student_number, role FROM enrolments ORDER BY student_number`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var unit, number, role string
		if err := rows.Scan(&unit, &number, &role); err != nil {
			t.Fatal(err)
		}
		got = append(got, unit+" "+number+" "+role)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range o.students {
		want = append(want, "default "+s.Number+" "+map[string]string{"student": "student", "admin": "coordinator"}[s.Role])
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("enrolments:\n got %q\nwant %q", got, want)
	}
	if n := o.scalar(`SELECT count(*) FROM people WHERE site_admin`); n != 0 {
		t.Errorf("%d site admins, want none (admins became coordinators of the unit)", n)
	}
	if n := o.scalar(`SELECT count(*) FROM people`); n != st.counts["students"] {
		t.Errorf("%d people, want the %d students", n, st.counts["students"])
	}
	for _, table := range []string{"lab_slots", "projects", "project_members", "chat_messages"} {
		if n := o.scalar(`SELECT count(*) FROM ` + table + ` WHERE unit = 'default'`); n != st.counts[table] {
			t.Errorf("%s: %d rows in unit default, want all %d", table, n, st.counts[table])
		}
		if n := o.scalar(`SELECT count(*) FROM ` + table); n != st.counts[table] {
			t.Errorf("%s: %d rows, want %d", table, n, st.counts[table])
		}
	}
	if n := o.scalar(`SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'people' AND column_name = 'role'`); n != 0 {
		t.Errorf("people still has a role column")
	}
	if n := o.scalar(`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'students'`); n != 0 {
		t.Errorf("the students table is still there")
	}
	o.checkBooked("after the upgrade")
}

// wantViolation runs the statements in a transaction that it rolls back, and fails unless the
// last one breaks the named constraint.
func (o *oneClassDB) wantViolation(constraint string, stmts ...string) {
	o.t.Helper()
	tx, err := o.db.Begin()
	if err != nil {
		o.t.Fatal(err)
	}
	defer tx.Rollback()
	for i, q := range stmts {
		_, err := tx.Exec(q)
		if i < len(stmts)-1 {
			if err != nil {
				o.t.Fatalf("%s: %v", q, err)
			}
			continue
		}
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.ConstraintName != constraint {
			o.t.Errorf("%s: got %v, want a violation of %s", q, err, constraint)
		}
	}
}

// checkRules checks with SQL that the upgraded schema still refuses what the old one did.
func (o *oneClassDB) checkRules(st *oneClassState) {
	full, free := o.slots[0], o.slots[2]
	newTeam := fmt.Sprintf(`INSERT INTO projects (unit, description, lab_id) VALUES ('default', 'x', %d)`, free)
	member := func(i int) string {
		return fmt.Sprintf(`INSERT INTO project_members (unit, project_id, student_number)
			VALUES ('default', currval(pg_get_serial_sequence('projects', 'id')), '%s')`, o.number(i))
	}
	o.wantViolation("lab_slots_booked_within_capacity",
		fmt.Sprintf(`INSERT INTO projects (unit, description, lab_id) VALUES ('default', 'x', %d)`, full))
	o.wantViolation("lab_slots_booked_within_capacity",
		fmt.Sprintf(`UPDATE projects SET lab_id = %d WHERE id = %d`, full, st.teamOf[o.number(upAda)]))
	o.wantViolation("project_members_one_team_per_unit", newTeam, member(upAda))
	o.wantViolation("project_members_enrolment_fkey", newTeam, member(upAdmin))
	o.wantViolation("project_members_team_max",
		fmt.Sprintf(`INSERT INTO project_members (unit, project_id, student_number) VALUES ('default', %d, '%s')`, st.teamOf[o.number(upAda)], o.number(upEdsger)))
}

// checkChanges changes the upgraded data through the API: the rules hold, the old admin forms
// a team as coordinator, and the counts stay right.
func (st *oneClassState) checkChanges(t *testing.T, s *testServer, o *oneClassDB) {
	full, shared := o.slots[0], o.slots[1]
	admin, edsger, ada := st.signIn(t, s, upAdmin), st.signIn(t, s, upEdsger), st.signIn(t, s, upAda)
	post := func(tok apitest.Bearer, creator, partner int, lab int64) *apitest.Response {
		return s.Client.Do(t, "POST", "/api/students/"+o.number(creator)+"/project", tok, map[string]any{
			"partnerNumber": o.number(partner), "description": "Shortest paths, visualised", "lab_id": lab,
		})
	}
	ccTWantConflict(t, post(edsger, upEdsger, upAda, shared), "partnerNumber") // Ada has a team
	ccTWantConflict(t, post(ada, upAda, upEdsger, shared), "id")               // so does Ada herself
	ccTWantConflict(t, post(admin, upEdsger, upBarbara, full), "lab_id")       // the slot is full

	r := post(admin, upEdsger, upBarbara, shared)
	if r.Status != 201 {
		t.Fatalf("the old admin forms a team as coordinator: %d %s", r.Status, r.Body)
	}
	var p upgradeProject
	r.JSON(t, &p)
	if p.Unit != "default" || p.LabID != shared || len(p.Members) != 2 ||
		p.Members[0].ID != o.number(upEdsger) || p.Members[1].ID != o.number(upBarbara) {
		t.Errorf("new team: %+v", p)
	}
	if n := o.scalar(`SELECT booked FROM lab_slots WHERE id = $1`, shared); n != 2 {
		t.Errorf("the shared slot counts %d bookings, want 2", n)
	}
	o.checkBooked("after new bookings")
	if got, want := upgradeLabIDs(upgradeFreeLabs(t, s, ada)), []int64{o.slots[2], o.slots[3]}; !slices.Equal(got, want) {
		t.Errorf("GET /api/labs after the shared slot filled: %v, want %v", got, want)
	}
	ccTWantConflict(t, s.Client.Do(t, "PUT", "/api/students/"+o.number(upAda)+"/project", ada, map[string]any{
		"description": "Difference engine emulator", "lab_id": full,
	}), "lab_id")
}

func upgradeFreeLabs(t *testing.T, s *testServer, tok apitest.Bearer) []upgradeLab {
	t.Helper()
	var labs struct {
		AvailableLabs []upgradeLab `json:"available_labs"`
	}
	upgradeGet(t, s, tok, "/api/labs", 200, &labs)
	return labs.AvailableLabs
}

// TestUpgradeAdminInTeam: 00003 only stopped promoting team members, so a one-class database
// may hold an admin who is in a team. The upgrade keeps the team: the admin becomes a student of
// the default unit and a site admin, so they keep their powers.
func TestUpgradeAdminInTeam(t *testing.T) {
	t.Parallel()
	o := newOneClassDB(t)
	o.students = oneClassRoster
	for _, s := range o.students {
		o.exec(`INSERT INTO students (student_number, name, pin_hash, role) VALUES ($1, $2, 'x', $3)`, s.Number, s.Name, s.Role)
	}
	var lab int64
	if err := o.db.QueryRow(`INSERT INTO lab_slots (room, starts_at, capacity) VALUES ('R', $1, 1) RETURNING id`, slotDay()).Scan(&lab); err != nil {
		t.Fatal(err)
	}
	o.team("An admin's team", lab, upAda, upAdmin)
	logger := slog.New(slog.NewTextHandler(testLogWriter{t}, nil))
	if err := store.MigrateSQL(context.Background(), o.db, logger); err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	var role string
	var siteAdmin bool
	if err := o.db.QueryRow(`SELECT e.role, p.site_admin FROM enrolments e JOIN people p USING (student_number) WHERE student_number = $1`,
		o.number(upAdmin)).Scan(&role, &siteAdmin); err != nil {
		t.Fatal(err)
	}
	if role != "student" || !siteAdmin {
		t.Fatalf("the admin in a team became %s, site admin %v; want student and site admin", role, siteAdmin)
	}
	if n := o.scalar(`SELECT count(*) FROM project_members WHERE unit = 'default'`); n != 2 {
		t.Fatalf("%d members after the upgrade, want 2", n)
	}
	if n := o.scalar(`SELECT count(*) FROM enrolments WHERE role = 'coordinator'`); n != 0 {
		t.Fatalf("%d coordinators, want none", n)
	}
}
