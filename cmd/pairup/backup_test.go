package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testdb"
)

// opsTPGTool finds a Postgres client program: on PATH (Debian's postgresql-client), else in
// the newest /usr/lib/postgresql/<version>/bin.
func opsTPGTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	for _, d := range dirs {
		if p := filepath.Join(d, name); exec.Command(p, "--version").Run() == nil {
			return p
		}
	}
	t.Fatalf("%s not found: the backup test needs Debian's postgresql-client "+
		"(apt-get install postgresql-client), of the database server's major version or newer", name)
	return ""
}

// opsTPGRun runs a Postgres client program against the database dbURL names, passing host,
// port, user, password and sslmode as libpq's environment variables and the database as -d.
func opsTPGRun(t *testing.T, dbURL, program string, args ...string) {
	t.Helper()
	cfg, err := pgconn.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("parse %s: %v", dbURL, err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(program, append(args, "-d", cfg.Database)...)
	cmd.Env = append(os.Environ(),
		"PGHOST="+cfg.Host, "PGPORT="+strconv.Itoa(int(cfg.Port)), "PGUSER="+cfg.User, "PGPASSWORD="+cfg.Password)
	if mode := u.Query().Get("sslmode"); mode != "" {
		cmd.Env = append(cmd.Env, "PGSSLMODE="+mode)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(program), args, err, out.String())
	}
}

// opsTJSON is a GET's body decoded, for comparing two servers' answers.
func opsTJSON(t *testing.T, s *testServer, path string, tok apitest.Bearer) any {
	t.Helper()
	r := s.Client.Do(t, "GET", path, tok, nil)
	if r.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	var v any
	r.JSON(t, &v)
	return v
}

func TestBackupRestore(t *testing.T) {
	t.Parallel()
	pgDump, pgRestore := opsTPGTool(t, "pg_dump"), opsTPGTool(t, "pg_restore")
	ctx := context.Background()

	// The original: two teams booked into slots through the API, chat in the lobby and in a
	// team's room.
	f := newFixture(t, 6, 4)
	orig := startServer(t, f.DBURL, nil)
	tok0, tok2 := signIn(t, orig, studentNumber(0)), signIn(t, orig, studentNumber(2))
	teamA := createProject(t, orig, tok0, studentNumber(0), studentNumber(1), f.Labs[0].ID)
	teamB := createProject(t, orig, tok2, studentNumber(2), studentNumber(3), f.Labs[1].ID)
	teamRoom := fmt.Sprintf("team-%d", teamA.Pid)
	var lastChat int64
	for _, m := range []struct{ room, from, body string }{
		{"lobby", studentNumber(0), "anyone for a Go project?"},
		{"lobby", studentNumber(2), "we are full, sorry"},
		{teamRoom, studentNumber(1), "see you at the lab"},
	} {
		msg, err := f.Store.PostChatMessage(ctx, pairup.DefaultUnitCode, m.room, m.from, m.body)
		if err != nil {
			t.Fatal(err)
		}
		lastChat = msg.ID
	}
	history := func(s *testServer, tok apitest.Bearer, room, name string) []wsTChat {
		t.Helper()
		w := dialWS(t, s, tok)
		defer w.conn.CloseNow()
		return wsTJoin(w, room, name)
	}
	wantProjects := opsTJSON(t, orig, "/api/projects", tok0)
	wantLabs := opsTJSON(t, orig, "/api/labs", tok0)
	if l, _ := wantProjects.(map[string]any)["projectList"].([]any); len(l) != 2 {
		t.Fatalf("the original's projects: %v, want two", wantProjects)
	}
	wantLobby := history(orig, tok0, "lobby", "Student 0")
	wantTeam := history(orig, tok0, teamRoom, "Student 0")
	if len(wantLobby) != 2 || len(wantTeam) != 1 {
		t.Fatalf("seeded chat: lobby %+v, team room %+v", wantLobby, wantTeam)
	}

	// Back up, as README.md says, and restore into a new, empty database.
	dump := filepath.Join(t.TempDir(), "pairup.dump")
	opsTPGRun(t, f.DBURL, pgDump, "-Fc", "-f", dump)
	restoredURL := testdb.NewEmpty(t)
	opsTPGRun(t, restoredURL, pgRestore, "--no-owner", "--clean", "--if-exists", "--exit-on-error", dump)

	s := startServer(t, restoredURL, nil)
	// The signing key came along: a token of the original server is good on the restored one.
	if got := opsTJSON(t, s, "/api/projects", tok0); !reflect.DeepEqual(got, wantProjects) {
		t.Errorf("projects with an old token:\n got %v\nwant %v", got, wantProjects)
	}
	// Students sign in with their PINs.
	tok := signIn(t, s, studentNumber(0))
	if got := opsTJSON(t, s, "/api/projects", tok); !reflect.DeepEqual(got, wantProjects) {
		t.Errorf("projects:\n got %v\nwant %v", got, wantProjects)
	}
	if got := opsTJSON(t, s, "/api/labs", tok); !reflect.DeepEqual(got, wantLabs) {
		t.Errorf("labs:\n got %v\nwant %v", got, wantLabs)
	}
	if got := history(s, tok, "lobby", "Student 0"); !reflect.DeepEqual(got, wantLobby) {
		t.Errorf("lobby history:\n got %+v\nwant %+v", got, wantLobby)
	}
	if got := history(s, tok, teamRoom, "Student 0"); !reflect.DeepEqual(got, wantTeam) {
		t.Errorf("team room history:\n got %+v\nwant %+v", got, wantTeam)
	}
	var mine project
	s.Client.Do(t, "GET", "/api/students/"+studentNumber(1)+"/project", signIn(t, s, studentNumber(1)), nil).JSON(t, &mine)
	if mine.Pid != teamA.Pid || mine.LabID != f.Labs[0].ID {
		t.Errorf("student 1's team after the restore: %+v, want pid %d in lab %d", mine, teamA.Pid, f.Labs[0].ID)
	}

	// The sequences came along: new rows get new ids, and the booked slots stay booked.
	tok4 := signIn(t, s, studentNumber(4))
	r := s.Client.Do(t, "POST", "/api/students/"+studentNumber(4)+"/project", tok4, map[string]any{
		"partnerNumber": studentNumber(5), "description": "after the restore", "lab_id": f.Labs[0].ID,
	})
	if r.Status != 409 {
		t.Errorf("booking a slot that was full before the backup: %d %s, want 409", r.Status, r.Body)
	}
	teamC := createProject(t, s, tok4, studentNumber(4), studentNumber(5), f.Labs[2].ID)
	if teamC.Pid <= max(teamA.Pid, teamB.Pid) {
		t.Errorf("a new team after the restore got pid %d, not above the restored %d and %d", teamC.Pid, teamA.Pid, teamB.Pid)
	}
	pool, err := pgxpool.New(ctx, restoredURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	msg, err := store.New(pool).PostChatMessage(ctx, pairup.DefaultUnitCode, "lobby", studentNumber(4), "hello after the restore")
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID <= lastChat {
		t.Errorf("a new chat message after the restore got id %d, not above the restored %d", msg.ID, lastChat)
	}

	// The original is untouched by the restored copy's new team.
	var p struct{ ProjectList []json.RawMessage }
	orig.Client.Do(t, "GET", "/api/projects", tok0, nil).JSON(t, &p)
	if len(p.ProjectList) != 2 {
		t.Errorf("the original has %d projects, want 2", len(p.ProjectList))
	}
}
