package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pairup/pairup/api/oapigen"
	"github.com/pairup/pairup/api/pairup"
)

var unitPatchFields = []string{"title", "timezone", "policy", "body"}

// FuzzUnitPatch sends arbitrary merge patches to PATCH /api/units/{unit} as the unit's
// coordinator: never a 5xx, every 4xx a problem, every 400 about an object naming a field. A
// rejected patch changes nothing (the unit reads back byte for byte as before); an accepted one
// answers with the unit as it now reads, whose title, zone and policy obey the contract. Each
// accepted patch is undone, so every input meets the same unit.
func FuzzUnitPatch(f *testing.F) {
	for _, s := range []string{
		`{"title":"Renamed unit"}`,
		`{"timezone":"Australia/Perth"}`,
		`{"timezone":"Not/AZone"}`,
		`{"timezone":null}`,
		`{"title":null}`,
		`{"title":" padded "}`,
		`{"title":"\u0000"}`,
		`{"title":""}`,
		`{"policy":{"team_min":1,"team_max":3}}`,
		`{"policy":{"team_min":5,"team_max":3}}`,
		`{"policy":{"team_min":"2"}}`,
		`{"policy":{"team_min":9223372036854775807}}`,
		`{"policy":{"guard_minutes":-1}}`,
		`{"policy":{"opens_at":"2027-06-01T00:00:00Z","closes_at":"2027-05-01T00:00:00Z"}}`,
		`{"policy":{"opens_at":null,"closes_at":"0001-01-01T00:00:00Z"}}`,
		`{"policy":{"closes_at":"9999-12-31T23:59:59+14:00"}}`,
		`{"policy":{"consent":"invite","invite_hours":0}}`,
		`{"policy":{"booking":"ranked","hold_minutes":1e2}}`,
		`{"policy":{"nope":1}}`,
		`{"policy":null}`,
		`{"policy":[]}`,
		`{"title":"a","title":"b"}`,
		`{"":1}`,
		`{"policy":{"":1}}`,
		`[]`,
		`null`,
		`{}`,
		`{"title":"x"}{}`,
	} {
		f.Add([]byte(s))
	}
	env := newFuzzEnv(f)
	path := "/api/units/" + fuzzUnit
	f.Fuzz(func(t *testing.T, body []byte) {
		before := env.do(t, http.MethodGet, path, bearer(env.coordTok), nil)
		if before.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, before.status, before.body)
		}
		what := "PATCH " + path + " " + strconv.Quote(string(body))
		r := env.do(t, http.MethodPatch, path, bearer(env.coordTok), body)
		p := checkAnswer(t, what, r)
		checkFields(t, what, body, p, unitPatchFields...)
		after := env.do(t, http.MethodGet, path, bearer(env.coordTok), nil)
		if after.status != http.StatusOK {
			t.Fatalf("GET %s after %s: %d %s", path, what, after.status, after.body)
		}
		if r.status >= 400 {
			if !bytes.Equal(before.body, after.body) {
				t.Fatalf("%s was refused (%d) but changed the unit:\nbefore %s\nafter  %s", what, r.status, before.body, after.body)
			}
			return
		}
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", what, r.status, r.body)
		}
		var got, now oapigen.Unit
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatalf("%s: %s: %v", what, r.body, err)
		}
		if err := json.Unmarshal(after.body, &now); err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, r.body, after.body) {
			t.Fatalf("%s answered %s but the unit reads %s", what, r.body, after.body)
		}
		checkUnit(t, what, got)
		// Undo it: the unit as it was, as a merge patch.
		var was oapigen.Unit
		if err := json.Unmarshal(before.body, &was); err != nil {
			t.Fatal(err)
		}
		undo, err := json.Marshal(map[string]any{"title": was.Title, "timezone": was.Timezone, "policy": was.Policy})
		if err != nil {
			t.Fatal(err)
		}
		if u := env.do(t, http.MethodPatch, path, bearer(env.coordTok), undo); u.status != http.StatusOK {
			t.Fatalf("undo %s with %s: %d %s", what, undo, u.status, u.body)
		}
		if back := env.do(t, http.MethodGet, path, bearer(env.coordTok), nil); !bytes.Equal(back.body, before.body) {
			t.Fatalf("undo %s: the unit reads %s, was %s", what, back.body, before.body)
		}
	})
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// checkUnit fails unless an accepted unit obeys the rules the contract states for one.
func checkUnit(t *testing.T, what string, u oapigen.Unit) {
	t.Helper()
	n := utf8.RuneCountInString(u.Title)
	if !utf8.ValidString(u.Title) || strings.ContainsRune(u.Title, utf8.RuneError) || n < 1 || n > 200 ||
		strings.TrimSpace(u.Title) != u.Title || pairup.HasControl(u.Title) {
		t.Fatalf("%s: accepted the title %q", what, u.Title)
	}
	if _, err := time.LoadLocation(u.Timezone); err != nil || u.Timezone == "" {
		t.Fatalf("%s: accepted the zone %q (%v)", what, u.Timezone, err)
	}
	pol := u.Policy
	if pol.TeamMin < 1 || pol.TeamMax < pol.TeamMin || pol.GuardMinutes < 0 || pol.InviteHours < 1 || pol.HoldMinutes < 1 {
		t.Fatalf("%s: accepted the policy %+v", what, pol)
	}
	if !pol.Booking.Valid() || !pol.Consent.Valid() {
		t.Fatalf("%s: accepted booking %q, consent %q", what, pol.Booking, pol.Consent)
	}
	if pol.OpensAt != nil && pol.ClosesAt != nil && !pol.OpensAt.Before(*pol.ClosesAt) {
		t.Fatalf("%s: accepted a window from %v to %v", what, pol.OpensAt, pol.ClosesAt)
	}
}
