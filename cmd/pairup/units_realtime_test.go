package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pairup/pairup/internal/testfactory"
)

// TestUnitsPushesStayInTheirUnit: on two instances, a student of alpha, a student of beta and a
// student of both each hold a socket on each instance. A booking in a unit reaches that unit's
// people, carrying its code, and no one else; a unit's lobby is for its people only.
func TestUnitsPushesStayInTheirUnit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	const onlyA, onlyB, both = "34000001", "34000002", "34000003"
	labs := map[string]int64{}
	for _, code := range []string{"alpha", "beta"} {
		if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: code, TeamMin: 1, TeamMax: 3}); err != nil {
			t.Fatal(err)
		}
		l, err := f.Make.Session(ctx, code, "R "+code, slotDay(), 2, 0, 5)
		if err != nil {
			t.Fatal(err)
		}
		labs[code] = l[0].ID
	}
	if _, err := f.Make.Students(ctx, "alpha", 34100000, 2, "Alpha"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Make.Students(ctx, "beta", 34200000, 2, "Beta"); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.Make.Enrol(ctx, "alpha", testfactory.Person{Number: onlyA}, testfactory.Person{Number: both}))
	must(f.Make.Enrol(ctx, "beta", testfactory.Person{Number: onlyB}, testfactory.Person{Number: both}))
	servers := ccTServers(t, f)
	type sockets struct{ a, b, both *wsConn }
	var on [2]sockets
	for i, s := range servers {
		on[i] = sockets{dialWS(t, s, signIn(t, s, onlyA)), dialWS(t, s, signIn(t, s, onlyB)), dialWS(t, s, signIn(t, s, both))}
	}
	unitOf := func(fr frame) string {
		var v struct {
			Unit    string
			Project struct{ Unit string }
		}
		if err := json.Unmarshal(fr.Raw, &v); err != nil {
			t.Fatal(err)
		}
		if v.Project.Unit != "" && v.Project.Unit != v.Unit {
			t.Fatalf("push of unit %q carries a project of unit %q: %s", v.Unit, v.Project.Unit, fr.Raw)
		}
		return v.Unit
	}
	book := func(unit, student string, s *testServer) {
		t.Helper()
		r := s.Client.Do(t, "POST", "/api/units/"+unit+"/students/"+student+"/project", signIn(t, s, student),
			map[string]any{"partnerNumbers": []string{}, "description": "solo", "lab_id": labs[unit]})
		if r.Status != 201 {
			t.Fatalf("book in %s: %d %s", unit, r.Status, r.Body)
		}
	}

	book("alpha", "34100000", servers[0])
	for i := range servers {
		for _, w := range []*wsConn{on[i].a, on[i].both} {
			if u := unitOf(w.expect("project.changed")); u != "alpha" {
				t.Fatalf("instance %d: project.changed of unit %q, want alpha", i, u)
			}
			if u := unitOf(w.expect("labs.changed")); u != "alpha" {
				t.Fatalf("instance %d: labs.changed of unit %q, want alpha", i, u)
			}
		}
		on[i].b.wsTQuiet("a student of beta only, after a booking in alpha")
	}
	book("beta", "34200000", servers[1])
	for i := range servers {
		for _, w := range []*wsConn{on[i].b, on[i].both} {
			if u := unitOf(w.expect("project.changed")); u != "beta" {
				t.Fatalf("instance %d: project.changed of unit %q, want beta", i, u)
			}
			w.expect("labs.changed")
		}
		on[i].a.wsTQuiet("a student of alpha only, after a booking in beta")
	}

	// Lobbies: a unit's people only; "lobby" is the default unit's, which none of them is in.
	wsTError(on[0].b, map[string]string{"type": "join", "room": "lobby.alpha"}, "forbidden")
	wsTError(on[0].a, map[string]string{"type": "join", "room": "lobby"}, "forbidden")
	wsTJoin(on[0].a, "lobby.alpha", "Student "+onlyA)
	wsTJoin(on[1].both, "lobby.alpha", "Student "+both, "Student "+onlyA+" has entered the room.")
	wsTStatus(on[0].a, "lobby.alpha", "Student "+both+" has entered the room.")
	wsTText(on[0].a, "lobby.alpha", "hello alpha")
	for _, w := range []*wsConn{on[0].a, on[1].both} {
		wsTMessage(w, "lobby.alpha", "Student "+onlyA, "hello alpha")
	}
	on[0].b.wsTQuiet("a student of beta only, after chat in alpha's lobby")
}
