package main

import (
	"strings"
	"testing"

	"github.com/pairup/pairup/internal/testdb"
)

// TestUnitsCommandLine drives pairup unit, import --unit and admin as a coordinator would, and
// checks the database and the audit log after each step.
func TestUnitsCommandLine(t *testing.T) {
	t.Parallel()
	pool, url := testdb.New(t)
	run := func(args ...string) string {
		t.Helper()
		out, err := ccTRun(t, url, args...)
		if err != nil {
			t.Fatalf("pairup %s: %v", strings.Join(args, " "), err)
		}
		return out
	}
	fails := func(want string, args ...string) {
		t.Helper()
		if _, err := ccTRun(t, url, args...); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("pairup %s: err %v, want one mentioning %q", strings.Join(args, " "), err, want)
		}
	}
	q := func(sql string, args ...any) string {
		t.Helper()
		return ccTString(t, pool, sql, args...)
	}

	// A fresh database has one unit, default, which is the default.
	if got := q("SELECT string_agg(code || ':' || is_default::text, ',') FROM units"); got != "default:true" {
		t.Fatalf("units of a fresh database: %s", got)
	}
	run("unit", "create", "cits3403-2027s1", "--title", "CITS3403 Agile Web Development, Semester 1 2027",
		"--timezone", "Australia/Perth", "--team-size", "3-4", "--opens", "2027-02-22T09:00:00+08:00", "--closes", "2027-05-14T17:00:00+08:00", "--guard", "90m")
	if got := q(`SELECT title || '|' || timezone || '|' || team_min || '-' || team_max || '|' || guard_minutes || '|' ||
		to_char(opens_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || '|' || to_char(closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
		FROM units WHERE code = 'cits3403-2027s1'`); got != "CITS3403 Agile Web Development, Semester 1 2027|Australia/Perth|3-4|90|2027-02-22 01:00|2027-05-14 09:00" {
		t.Fatalf("created unit: %s", got)
	}
	fails("exists already", "unit", "create", "cits3403-2027s1", "--title", "Again")
	fails("code", "unit", "create", "Bad Code", "--title", "x")
	fails("timezone", "unit", "create", "tz-unit", "--title", "x", "--timezone", "Mars/Olympus")
	fails("team_min", "unit", "create", "size-unit", "--title", "x", "--team-size", "4-3")
	fails("--title", "unit", "create", "no-title")

	// set changes only what is given; an empty --opens clears it.
	run("unit", "set", "cits3403-2027s1", "--opens", "", "--team-size", "2-4")
	if got := q("SELECT coalesce(opens_at::text, 'none') || '|' || team_min || '-' || team_max || '|' || guard_minutes FROM units WHERE code = 'cits3403-2027s1'"); got != "none|2-4|90" {
		t.Fatalf("after set: %s", got)
	}
	run("unit", "set", "cits3403-2027s1", "--consent", "invite", "--invite-for", "24h", "--booking", "ranked", "--hold-for", "5m")
	if got := q("SELECT consent || '|' || invite_hours || '|' || booking || '|' || hold_minutes FROM units WHERE code = 'cits3403-2027s1'"); got != "invite|24|ranked|5" {
		t.Fatalf("after setting the modes: %s", got)
	}
	fails("policy.consent", "unit", "set", "cits3403-2027s1", "--consent", "ask")
	fails("--hold-for", "unit", "set", "cits3403-2027s1", "--hold-for", "90s")
	run("unit", "set", "cits3403-2027s1", "--consent", "direct", "--booking", "first_come")

	// Imports go to the unit named, or the default one; times are the unit's wall-clock times.
	roster := ccTFile(t, "roster.csv", "student_number,name,pin,role\n31000001,Ada Lovelace,1234,\n31000002,Alan Turing,2345,student\n31000003,Grace Hopper,3456,coordinator\n31000004,Edsger Dijkstra,4567,admin\n")
	if out := run("import", "students", "--unit", "cits3403-2027s1", roster); !strings.Contains(out, "into unit cits3403-2027s1") {
		t.Errorf("import printed %q", out)
	}
	run("import", "labs", "--unit", "cits3403-2027s1", ccTFile(t, "labs.csv", "room,starts_at,capacity\nCSSE 2.01,2027-05-20T17:15,2\n"))
	run("import", "students", ccTFile(t, "default.csv", "student_number,name,pin\n31000001,Ada Lovelace,1234\n"))
	for _, c := range []struct{ sql, want string }{
		{"SELECT string_agg(student_number || ':' || role, ',' ORDER BY student_number) FROM enrolments WHERE unit = 'cits3403-2027s1'",
			"31000001:student,31000002:student,31000003:coordinator,31000004:coordinator"},
		{"SELECT string_agg(student_number, ',') FROM enrolments WHERE unit = 'default'", "31000001"},
		{"SELECT room || ' ' || to_char(starts_at, 'YYYY-MM-DD HH24:MI') || ' ' || capacity FROM lab_slots WHERE unit = 'cits3403-2027s1'", "CSSE 2.01 2027-05-20 17:15 2"},
		{"SELECT count(*)::text FROM lab_slots WHERE unit = 'default'", "0"},
		// One person, one PIN, in both units.
		{"SELECT count(*)::text FROM people", "4"},
		{"SELECT string_agg(action || ':' || actor_name || ':' || coalesce(actor, 'null'), ',' ORDER BY id) FROM audit_log WHERE unit = 'cits3403-2027s1'",
			"unit.created:command line:null,unit.updated:command line:null,unit.updated:command line:null,unit.updated:command line:null,roster.imported:command line:null,labs.imported:command line:null"},
	} {
		if got := q(c.sql); got != c.want {
			t.Errorf("%s\n = %s\nwant %s", c.sql, got, c.want)
		}
	}
	fails("no unit", "import", "students", "--unit", "nope", roster)

	// The default unit can move; list shows it.
	run("unit", "default", "cits3403-2027s1")
	if got := q("SELECT code FROM units WHERE is_default"); got != "cits3403-2027s1" {
		t.Fatalf("default unit %s", got)
	}
	fails("no unit", "unit", "default", "nope")
	list := run("unit", "list")
	if !strings.Contains(list, "* cits3403-2027s1") || !strings.Contains(list, "  default") || !strings.Contains(list, "teams 2-4") {
		t.Errorf("unit list:\n%s", list)
	}

	// Site admins.
	run("admin", "grant", "31000002")
	if got := q("SELECT site_admin::text FROM people WHERE student_number = '31000002'"); got != "true" {
		t.Fatalf("after grant: %s", got)
	}
	run("admin", "revoke", "31000002")
	if got := q("SELECT site_admin::text FROM people WHERE student_number = '31000002'"); got != "false" {
		t.Fatalf("after revoke: %s", got)
	}
	fails("no person", "admin", "grant", "39999998")
}
