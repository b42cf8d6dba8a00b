package main

import "testing"

// Joining a room again resends its history but announces nothing, and a flood of joins and
// leaves is rate-limited, so one student cannot spam a room with status lines.
func TestWsTRejoinAndJoinFlood(t *testing.T) {
	t.Parallel()
	const roster = 2
	f := newFixture(t, roster, 0)
	s := startServer(t, f.DBURL, nil)
	v, o := wsTDial(t, s, 0, roster), wsTDial(t, s, 1, roster)
	wsTJoin(o, "lobby", wsTName(1))
	wsTJoin(v, "lobby", wsTName(0))
	wsTStatus(o, "lobby", wsTName(0)+" has entered the room.")

	v.send(map[string]string{"type": "join", "room": "lobby"})
	if h := wsTNext(v, "history"); h.Room != "lobby" {
		t.Fatalf("second join answered %s, want the lobby's history", h.raw)
	}
	o.wsTQuiet("a second join by the same socket must not be announced")

	limited := 0
	for range 20 {
		v.send(map[string]string{"type": "join", "room": "lobby"})
		for {
			f := v.next()
			if f.Type == "history" {
				break
			}
			if f.Type == "error" && f.Code == "rate_limited" {
				limited++
				break
			}
		}
	}
	if limited == 0 {
		t.Fatal("20 joins at once were all served; want the excess rate_limited")
	}
	o.wsTQuiet("repeated joins must not reach other members")
}
