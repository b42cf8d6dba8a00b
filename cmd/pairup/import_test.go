package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pairup/pairup/db"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testdb"
)

// The coordinator's commands, run as the binary runs them: run(ctx, args, getenv, ...).

// ccTRun runs the program with DATABASE_URL=dbURL and returns what it printed.
func ccTRun(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	var stdout bytes.Buffer
	err := run(context.Background(), args, getenv, &stdout, testLogWriter{t})
	return stdout.String(), err
}

// ccTFile writes content to a new file in the test's temporary directory.
func ccTFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ccTImport runs `pairup import kind FILE` on content and fails the test unless it succeeds.
func ccTImport(t *testing.T, dbURL, kind, content string) string {
	t.Helper()
	out, err := ccTRun(t, dbURL, "import", kind, ccTFile(t, kind+".csv", content))
	if err != nil {
		t.Fatalf("import %s: %v\n%s", kind, err, content)
	}
	return out
}

// ccTInt runs a query returning one integer on pool.
func ccTInt(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// ccTString runs a query returning one string on pool.
func ccTString(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

// ccTSignInPIN signs in through the API with the given PIN and returns the response.
func ccTSignInPIN(t *testing.T, s *testServer, number, pin string) *apitest.Response {
	t.Helper()
	return s.Client.Do(t, "POST", "/api/tokens", apitest.Basic{User: number, Password: pin}, nil)
}

// ccTToken signs in with the PIN and fails the test unless it works.
func ccTToken(t *testing.T, s *testServer, number, pin string) apitest.Bearer {
	t.Helper()
	r := ccTSignInPIN(t, s, number, pin)
	if r.Status != 200 {
		t.Fatalf("sign in %s with PIN %s: %d %s", number, pin, r.Status, r.Body)
	}
	var tok struct{ Token string }
	r.JSON(t, &tok)
	return apitest.Bearer(tok.Token)
}

// ccTLabLabels returns GET /api/labs as labels by lab id.
func ccTLabLabels(t *testing.T, s *testServer, tok apitest.Bearer) []string {
	t.Helper()
	r := s.Client.Do(t, "GET", "/api/labs", tok, nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/labs: %d %s", r.Status, r.Body)
	}
	var body struct {
		AvailableLabs []struct {
			Lab string `json:"lab"`
		} `json:"available_labs"`
	}
	r.JSON(t, &body)
	var labels []string
	for _, l := range body.AvailableLabs {
		labels = append(labels, l.Lab)
	}
	return labels
}

func TestImportRosterAndLabs(t *testing.T) {
	t.Parallel()
	pool, url := testdb.New(t)

	out := ccTImport(t, url, "students", "student_number,name,pin,role\n"+
		"31000001,Ada Lovelace,1234,\n"+
		"31000002,Alan Turing,98765432,student\n"+
		"31000003,Grace Hopper,4321,admin\n")
	if !strings.Contains(out, "imported 3 students") {
		t.Errorf("import printed %q", out)
	}
	// No role column at all: everyone is a student.
	ccTImport(t, url, "students", "name,pin,student_number\nEdsger Dijkstra,55555,31000004\n")
	if n := ccTInt(t, pool, "SELECT count(*) FROM people"); n != 4 {
		t.Fatalf("%d students, want 4", n)
	}
	for number, role := range map[string]string{"31000001": "student", "31000002": "student", "31000003": "coordinator", "31000004": "student"} {
		if got := ccTString(t, pool, "SELECT role FROM enrolments WHERE unit = 'default' AND student_number = $1", number); got != role {
			t.Errorf("%s has role %q, want %q", number, got, role)
		}
	}
	if n := ccTInt(t, pool, "SELECT count(*) FROM people WHERE pin_hash ~ '^[0-9]+$'"); n != 0 {
		t.Fatalf("%d PINs stored in the clear", n)
	}

	ccTImport(t, url, "labs", "room,starts_at,capacity\n"+
		"CSSE 2.01,2027-05-17T17:15,\n"+
		"CSSE 2.03,2027-05-17T17:15,2\n")
	ccTImport(t, url, "labs", "starts_at,room\n2027-05-18T09:05,CSSE 2.01\n")
	for _, c := range []struct {
		room, start string
		capacity    int
	}{{"CSSE 2.01", "2027-05-17 17:15", 1}, {"CSSE 2.03", "2027-05-17 17:15", 2}, {"CSSE 2.01", "2027-05-18 09:05", 1}} {
		if n := ccTInt(t, pool, "SELECT capacity FROM lab_slots WHERE room = $1 AND starts_at = $2::timestamp", c.room, c.start); n != c.capacity {
			t.Errorf("%s %s: capacity %d, want %d", c.room, c.start, n, c.capacity)
		}
	}

	// Imported students sign in with their PINs; the admin may read anyone, a student may not.
	s := startServer(t, url, nil)
	ada := ccTToken(t, s, "31000001", "1234")
	ccTToken(t, s, "31000002", "98765432")
	ccTToken(t, s, "31000004", "55555")
	if r := ccTSignInPIN(t, s, "31000001", "4321"); r.Status != 401 {
		t.Fatalf("wrong PIN: %d", r.Status)
	}
	admin := ccTToken(t, s, "31000003", "4321")
	if r := s.Client.Do(t, "GET", "/api/students/31000002", admin, nil); r.Status != 200 {
		t.Fatalf("admin reads a student: %d %s", r.Status, r.Body)
	}
	if r := s.Client.Do(t, "GET", "/api/students/31000002", ada, nil); r.Status != 403 {
		t.Fatalf("student reads another student: %d %s", r.Status, r.Body)
	}

	// The label is derived from room and local start time, in time order.
	want := []string{"CSSE 2.01 Monday, May 17 17:15", "CSSE 2.03 Monday, May 17 17:15", "CSSE 2.01 Tuesday, May 18 09:05"}
	if got := ccTLabLabels(t, s, ada); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("labs %q, want %q", got, want)
	}

	// Re-importing upserts: names, PINs and capacities change, nothing is duplicated.
	ccTImport(t, url, "students", "student_number,name,pin,role\n"+
		"31000001,Ada King,2222,\n"+
		"31000002,Alan Turing,98765432,student\n"+
		"31000003,Grace Hopper,4321,admin\n")
	ccTImport(t, url, "labs", "room,starts_at,capacity\n"+
		"CSSE 2.01,2027-05-17T17:15,\n"+
		"CSSE 2.03,2027-05-17T17:15,3\n")
	if n := ccTInt(t, pool, "SELECT count(*) FROM people"); n != 4 {
		t.Fatalf("%d students after re-import, want 4", n)
	}
	if n := ccTInt(t, pool, "SELECT count(*) FROM lab_slots"); n != 3 {
		t.Fatalf("%d lab slots after re-import, want 3", n)
	}
	if n := ccTInt(t, pool, "SELECT capacity FROM lab_slots WHERE room = 'CSSE 2.03'"); n != 3 {
		t.Fatalf("capacity after re-import %d, want 3", n)
	}
	r := s.Client.Do(t, "GET", "/api/students/31000001", admin, nil)
	var st struct{ Name string }
	r.JSON(t, &st)
	if st.Name != "Ada King" {
		t.Fatalf("name after re-import %q, want Ada King", st.Name)
	}
	ccTToken(t, s, "31000001", "2222")
	if r := ccTSignInPIN(t, s, "31000001", "1234"); r.Status != 401 {
		t.Fatalf("old PIN after re-import: %d", r.Status)
	}
}

// ccTBadFile is a file that must be refused at a line, importing nothing.
type ccTBadFile struct {
	name    string
	content string
	line    int
	reason  string // a word the error must contain
}

// ccTWantRejected imports each bad file into one database and checks the error names the right
// line and reason and that the database is as it was: unchanged is the state query's answer.
func ccTWantRejected(t *testing.T, url, kind string, cases []ccTBadFile, state func(t *testing.T) string) {
	t.Helper()
	before := state(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ccTRun(t, url, "import", kind, ccTFile(t, kind+".csv", c.content))
			if err == nil {
				t.Fatalf("imported a bad file:\n%s", c.content)
			}
			if !regexp.MustCompile(fmt.Sprintf(`\bline %d\b`, c.line)).MatchString(err.Error()) {
				t.Errorf("error %q does not name line %d", err, c.line)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("error %q does not mention %q", err, c.reason)
			}
			if after := state(t); after != before {
				t.Fatalf("the database changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestImportRejectsBadRosters(t *testing.T) {
	t.Parallel()
	pool, url := testdb.New(t)
	ccTImport(t, url, "students", "student_number,name,pin\n31999999,Base Student,1234\n")
	// Every bad file also carries good rows (new ones, and a rename of the existing student) before
	// the bad one: none of them may land.
	const h = "student_number,name,pin,role\n"
	const good = "31000001,Ada Lovelace,1234,student\n31999999,Renamed,1234,admin\n"
	cases := []ccTBadFile{
		{"bad number", h + good + "3100002,Bob,1234,\n", 4, "student_number"},
		{"number with letters", h + good + "3100000x,Bob,1234,\n", 4, "student_number"},
		{"duplicate number", h + good + "31000002,Bob,1234,\n31000001,Ada Again,1234,\n", 5, "line 2"},
		{"missing name", h + good + "31000002,,1234,\n", 4, "name"},
		{"blank name", h + good + "31000002,   ,1234,\n", 4, "name"},
		{"short PIN", h + good + "31000002,Bob,12,\n", 4, "pin"},
		{"long PIN", h + good + "31000002,Bob,123456789,\n", 4, "pin"},
		{"PIN with letters", h + good + "31000002,Bob,12a4,\n", 4, "pin"},
		{"bad role", h + good + "31000002,Bob,1234,teacher\n", 4, "role"},
		{"unknown column", "student_number,name,pin,teacher\n31000002,Bob,1234,x\n", 1, "unknown column"},
		{"missing column", "student_number,name\n31000002,Bob\n", 1, "missing column"},
		{"too few fields", h + good + "31000002,Bob,1234\n", 4, "fields"},
		{"too many fields", h + good + "31000002,Bob,1234,student,extra\n", 4, "fields"},
		{"blank lines count", h + good + "\n\n31000002,Bob,12,\n", 6, "pin"},
		{"CRLF", strings.ReplaceAll(h+good+"31000002,Bob,12,\n", "\n", "\r\n"), 4, "pin"},
		{"quoted comma", h + good + "31000002,\"Hopper, Grace\",1234,\n31000003,Bob,1,\n", 5, "pin"},
		{"empty file", "", 1, "empty"},
	}
	ccTWantRejected(t, url, "students", cases, func(t *testing.T) string {
		return fmt.Sprintf("%d students; %s",
			ccTInt(t, pool, "SELECT count(*) FROM people"),
			ccTString(t, pool, "SELECT p.name || ' ' || e.role || ' ' || p.pin_hash FROM people p JOIN enrolments e USING (student_number) WHERE student_number = '31999999'"))
	})
}

func TestImportRejectsBadLabs(t *testing.T) {
	t.Parallel()
	pool, url := testdb.New(t)
	ccTImport(t, url, "labs", "room,starts_at,capacity\nBase Room,2027-01-04T09:00,2\n")
	const h = "room,starts_at,capacity\n"
	const good = "CSSE 2.01,2027-05-17T17:15,1\nBase Room,2027-01-04T09:00,5\n"
	cases := []ccTBadFile{
		{"bad starts_at", h + good + "CSSE 2.01,2027-05-17 17:20,1\n", 4, "starts_at"},
		{"starts_at with zone", h + good + "CSSE 2.01,2027-05-17T17:20:00Z,1\n", 4, "starts_at"},
		{"impossible date", h + good + "CSSE 2.01,2027-02-30T17:20,1\n", 4, "starts_at"},
		{"capacity 0", h + good + "CSSE 2.01,2027-05-17T17:20,0\n", 4, "capacity"},
		{"capacity x", h + good + "CSSE 2.01,2027-05-17T17:20,x\n", 4, "capacity"},
		{"capacity negative", h + good + "CSSE 2.01,2027-05-17T17:20,-1\n", 4, "capacity"},
		{"missing room", h + good + ",2027-05-17T17:20,1\n", 4, "room"},
		{"duplicate room and start", h + good + "CSSE 2.03,2027-05-17T17:15,1\nCSSE 2.01,2027-05-17T17:15,3\n", 5, "line 2"},
		{"unknown column", "room,starts_at,capacity,teacher\nCSSE 2.01,2027-05-17T17:20,1,Ada\n", 1, "unknown column"},
		{"missing column", "room,capacity\nCSSE 2.01,1\n", 1, "missing column"},
		{"wrong field count", h + good + "CSSE 2.01,2027-05-17T17:20\n", 4, "fields"},
		{"blank lines count", h + "\n" + good + "\nCSSE 2.01,2027-05-17T17:20,0\n", 6, "capacity"},
	}
	ccTWantRejected(t, url, "labs", cases, func(t *testing.T) string {
		return fmt.Sprintf("%d slots; base capacity %d",
			ccTInt(t, pool, "SELECT count(*) FROM lab_slots"),
			ccTInt(t, pool, "SELECT capacity FROM lab_slots WHERE room = 'Base Room'"))
	})
}

func TestImportRefusesCapacityBelowBookings(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 4, 0)
	// The teams book through the use cases, on the real clock: the slots are in the future.
	day := slotDay().Format("2006-01-02")
	ccTImport(t, f.DBURL, "labs", "room,starts_at,capacity\nCSSE 2.01,"+day+"T17:15,2\n")
	labs := f.bookable(t)
	if len(labs) != 1 {
		t.Fatalf("labs %v", labs)
	}
	for _, team := range [][2]int{{0, 1}, {2, 3}} {
		f.team(t, studentNumber(team[0]), []string{studentNumber(team[1])}, labs[0].ID)
	}
	pool := f.Store.Pool()
	ccTWantRejected(t, f.DBURL, "labs", []ccTBadFile{{
		"capacity below bookings",
		"room,starts_at,capacity\nCSSE 2.03," + day + "T09:00,1\nCSSE 2.01," + day + "T17:15,1\n", 3, "capacity",
	}}, func(t *testing.T) string {
		return fmt.Sprintf("%d slots; capacity %d", ccTInt(t, pool, "SELECT count(*) FROM lab_slots"),
			ccTInt(t, pool, "SELECT capacity FROM lab_slots WHERE room = 'CSSE 2.01'"))
	})
	// A capacity that still fits the bookings is accepted.
	ccTImport(t, f.DBURL, "labs", "room,starts_at,capacity\nCSSE 2.01,"+day+"T17:15,2\n")
}

func TestImportMigrateConcurrentlyOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	url := testdb.NewEmpty(t)
	const instances = 4
	errs := make([]error, instances)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range instances {
		wg.Go(func() {
			<-start
			_, errs[i] = ccTRun(t, url, "migrate")
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrate %d: %v", i, err)
		}
	}

	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	migrations, err := fs.Glob(db.Migrations, "migrations/*.sql")
	if err != nil || len(migrations) == 0 {
		t.Fatalf("migrations %v, %v", migrations, err)
	}
	// Each migration is recorded once, and the newest schema is there.
	if n := ccTInt(t, pool, "SELECT count(*) FROM goose_db_version WHERE version_id > 0"); n != len(migrations) {
		t.Fatalf("%d migrations recorded, want %d", n, len(migrations))
	}
	if n := ccTInt(t, pool, "SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0"); n != len(migrations) {
		t.Fatalf("%d distinct migrations recorded, want %d", n, len(migrations))
	}
	for _, table := range []string{"units", "people", "enrolments", "lab_slots", "projects", "project_members", "audit_log", "chat_messages", "revoked_tokens", "signin_throttle", "settings"} {
		if n := ccTInt(t, pool, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = $1", table); n != 1 {
			t.Errorf("table %s exists %d times", table, n)
		}
	}
	// Migrating again changes nothing.
	if _, err := ccTRun(t, url, "migrate"); err != nil {
		t.Fatal(err)
	}
	if n := ccTInt(t, pool, "SELECT count(*) FROM goose_db_version WHERE version_id > 0"); n != len(migrations) {
		t.Fatalf("%d migrations recorded after a second run, want %d", n, len(migrations))
	}
}

func TestImportDemoTwice(t *testing.T) {
	t.Parallel()
	url := testdb.NewEmpty(t)
	var outs []string
	for i := range 2 {
		out, err := ccTRun(t, url, "demo")
		if err != nil {
			t.Fatalf("demo run %d: %v", i+1, err)
		}
		if !strings.Contains(out, "demo logins") {
			t.Fatalf("demo run %d printed no logins:\n%s", i+1, out)
		}
		outs = append(outs, out)
	}
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, c := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM enrolments WHERE unit = 'default' AND role = 'student'", 40},
		{"SELECT count(*) FROM enrolments WHERE unit = 'default' AND role = 'coordinator'", 1},
		{"SELECT count(*) FROM enrolments WHERE unit = 'cits3200' AND role = 'student'", 20},
		{"SELECT count(*) FROM units", 3},
		{"SELECT count(*) FROM lab_slots WHERE unit = 'default'", 96},
		{"SELECT count(*) FROM (SELECT room, starts_at::date FROM lab_slots WHERE unit = 'default' GROUP BY 1, 2 HAVING count(*) = 24) s", 4},
		{"SELECT count(*) FROM lab_slots WHERE unit = 'default' AND capacity = 1", 96},
		{"SELECT count(*) FROM projects WHERE unit = 'default'", 3},
		{"SELECT count(*) FROM project_members WHERE unit = 'default'", 6},
		{"SELECT count(*) FROM lab_slots WHERE unit = 'default' AND booked > 0", 3},
		{"SELECT count(*) FROM lab_slots WHERE unit = 'cits3200'", 12},
		{"SELECT count(*) FROM project_members WHERE unit = 'cits3200'", 3},
		// The slots are in the future (next week), and the second unit's sign-up opens tomorrow.
		{"SELECT count(*) FROM lab_slots WHERE starts_at < now() + interval '1 day'", 0},
		{"SELECT count(*) FROM units WHERE code = 'cits3200' AND opens_at > now() AND opens_at < now() + interval '2 days' AND team_min = 3 AND team_max = 4", 1},
		// The fair sign-up unit: invitations, ranked booking, a ranked team inviting the first
		// login, and three students on the partner board; open for a week.
		{"SELECT count(*) FROM units WHERE code = 'cits2002' AND consent = 'invite' AND booking = 'ranked' AND closes_at > now() + interval '6 days'", 1},
		{"SELECT count(*) FROM enrolments WHERE unit = 'cits2002' AND role = 'student'", 16},
		{"SELECT count(*) FROM lab_slots WHERE unit = 'cits2002'", 8},
		{"SELECT count(*) FROM projects WHERE unit = 'cits2002' AND lab_id IS NULL", 1},
		{"SELECT count(*) FROM rankings", 3},
		{"SELECT count(*) FROM invitations WHERE status = 'pending' AND student_number = '21234567'", 1},
		{"SELECT count(*) FROM board_entries WHERE unit = 'cits2002'", 3},
	} {
		if n := ccTInt(t, pool, c.sql); n != c.want {
			t.Errorf("%s = %d, want %d", c.sql, n, c.want)
		}
	}
	// Sessions are twenty-four five-minute slots.
	if n := ccTInt(t, pool, `SELECT count(*) FROM (SELECT starts_at - lag(starts_at) OVER (PARTITION BY room, starts_at::date ORDER BY starts_at) AS gap
		FROM lab_slots WHERE unit = 'default') g WHERE gap IS NOT NULL AND gap <> interval '5 minutes'`); n != 0 {
		t.Errorf("%d slots do not follow the previous one by five minutes", n)
	}

	// Every login the demo prints works.
	s := startServer(t, url, nil)
	logins := regexp.MustCompile(`(\d{8}) / (\d{4,8})`).FindAllStringSubmatch(outs[1], -1)
	if len(logins) < 2 {
		t.Fatalf("found %d logins in:\n%s", len(logins), outs[1])
	}
	for _, l := range logins {
		ccTToken(t, s, l[1], l[2])
	}
	if !strings.Contains(outs[1], "Coordinator") {
		t.Errorf("the demo logins name no coordinator:\n%s", outs[1])
	}
}
