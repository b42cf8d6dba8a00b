package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/apitest"
	"github.com/pairup/pairup/internal/testfactory"
)

// ntNotice is a notice as the API shows it.
type ntNotice struct {
	ID     int64          `json:"id"`
	Unit   string         `json:"unit"`
	Kind   string         `json:"kind"`
	Text   string         `json:"text"`
	Data   map[string]any `json:"data"`
	ReadAt *time.Time     `json:"read_at"`
}

type ntPage struct {
	Notices []ntNotice `json:"notices"`
	Unread  int        `json:"unread"`
	Next    *string    `json:"next"`
}

// ntInbox reads a page of the caller's inbox in the unit.
func ntInbox(t *testing.T, s *testServer, tok apitest.Bearer, unit, query string) ntPage {
	t.Helper()
	r := s.Client.Do(t, "GET", "/api/units/"+unit+"/notices"+query, tok, nil)
	if r.Status != 200 {
		t.Fatalf("inbox: %d %s", r.Status, r.Body)
	}
	var p ntPage
	r.JSON(t, &p)
	return p
}

// ntPushed decodes a notice frame.
func ntPushed(t *testing.T, f frame) ntNotice {
	t.Helper()
	var m struct {
		Unit   string   `json:"unit"`
		Notice ntNotice `json:"notice"`
	}
	if err := json.Unmarshal(f.Raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Unit != m.Notice.Unit {
		t.Fatalf("frame unit %q, notice unit %q", m.Unit, m.Notice.Unit)
	}
	return m.Notice
}

// ntAddNotice stores a notice for one student directly, as a use case would.
func ntAddNotice(t *testing.T, st *store.Store, unit, student, text string) int64 {
	t.Helper()
	var id int64
	err := st.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, _, err = tx.AddNotice(context.Background(), pairup.Notice{
			Unit: unit, Student: student, Kind: pairup.NoticeInviteLapsed, Text: text, CreatedAt: time.Now(),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// ntNoNoticeUntil reads frames until one of type typ, failing if any of them is a notice.
func ntNoNoticeUntil(w *wsConn, typ, why string) {
	w.t.Helper()
	for {
		f := w.next()
		if f.Type == "notice" {
			w.t.Fatalf("%s got a notice: %s", why, f.Raw)
		}
		if f.Type == typ {
			return
		}
	}
}

// TestNoticePushReachesOnlyItsPerson: with two instances on one database, a coordinator's move
// on one instance reaches the moved team's members on the other, live and in their inboxes,
// and no one else: not a student of the same unit, not the coordinators. A notice for one
// member reaches that member alone, never a teammate; an archived unit pushes none.
func TestNoticePushReachesOnlyItsPerson(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 4, 3)
	ctx := context.Background()
	team := e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	a, mate, b := e.n[0], e.n[1], e.n[2]
	toks := map[string]apitest.Bearer{}
	for _, n := range []string{a, mate, b} {
		toks[n] = signIn(t, e.s[1], n)
	}
	wsA, wsMate, wsB := dialWS(t, e.s[1], toks[a]), dialWS(t, e.s[1], toks[mate]), dialWS(t, e.s[1], toks[b])
	wsCoord, wsCoordHere := dialWS(t, e.s[1], e.coordOn[1]), dialWS(t, e.s[0], e.coordOn[0])

	r := e.s[0].Client.Do(t, "POST", fmt.Sprintf("/api/units/ops/projects/%d/move", team.ID), e.coordOn[0], map[string]any{"lab_id": e.labs[2].ID, "reason": "projector broken"})
	if r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	got := ntPushed(t, wsA.expect("notice"))
	if got.Kind != pairup.NoticeMoved || got.Unit != "ops" || got.Data["pid"] != float64(team.ID) || got.Data["lab_id"] != float64(e.labs[2].ID) || got.ReadAt != nil {
		t.Fatalf("pushed notice %+v", got)
	}
	mates := ntPushed(t, wsMate.expect("notice"))
	if mates.ID == got.ID || mates.Kind != pairup.NoticeMoved {
		t.Fatalf("the teammate's notice %+v (A's is %d): each member has their own", mates, got.ID)
	}
	// The move's own pushes follow its notices: whoever sees them without a notice got none.
	ntNoNoticeUntil(wsB, "labs.changed", "a student of the same unit")
	ntNoNoticeUntil(wsCoord, "labs.changed", "a coordinator on the other instance")
	ntNoNoticeUntil(wsCoordHere, "labs.changed", "a coordinator on the moving instance")
	wsB.wsTQuiet("a student of the same unit")
	wsCoord.wsTQuiet("a coordinator")
	for _, w := range []*wsConn{wsA, wsMate} {
		ntNoNoticeUntil(w, "labs.changed", "a member, after their one notice")
	}

	inbox := ntInbox(t, e.s[0], signIn(t, e.s[0], a), "ops", "")
	if len(inbox.Notices) != 1 || inbox.Notices[0].ID != got.ID || inbox.Unread != 1 || inbox.Next != nil {
		t.Fatalf("A's inbox %+v", inbox)
	}
	if p := ntInbox(t, e.s[1], toks[b], "ops", ""); len(p.Notices) != 0 || p.Unread != 0 {
		t.Fatalf("B's inbox %+v", p)
	}
	if p := ntInbox(t, e.s[0], e.coordOn[0], "ops", ""); len(p.Notices) != 0 {
		t.Fatalf("the coordinator's inbox %+v", p)
	}

	// A notice for A alone: A hears it, the teammate on the same instance does not.
	only := ntAddNotice(t, e.f.Store, "ops", a, "For A alone")
	if n := ntPushed(t, wsA.expect("notice")); n.ID != only || n.Text != "For A alone" {
		t.Fatalf("A's own notice %+v, want %d", n, only)
	}
	wsMate.wsTQuiet("a teammate")

	// An archived unit pushes nothing: a notice of it, then one of a live unit, reach A as the
	// live one alone.
	if _, err := e.f.Make.Unit(ctx, testfactory.UnitSpec{Code: "live"}); err != nil {
		t.Fatal(err)
	}
	if err := e.f.Make.Enrol(ctx, "live", testfactory.Person{Number: a, Name: "Ops Student A"}); err != nil {
		t.Fatal(err)
	}
	if r := e.s[0].Client.Do(t, "POST", "/api/units/ops/archive", e.coordOn[0], nil); r.Status != 200 {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	ntAddNotice(t, e.f.Store, "ops", a, "Archived")
	live := ntAddNotice(t, e.f.Store, "live", a, "Live")
	if n := ntPushed(t, wsA.expect("notice")); n.ID != live || n.Unit != "live" {
		t.Fatalf("after archiving, A was pushed %+v, want the live unit's %d", n, live)
	}
}

// TestNoticeRoutes: the inbox pages and counts; marking read is idempotent, answers the unread
// count and touches only the caller's notices; bad input is a 400 naming its field.
func TestNoticeRoutes(t *testing.T) {
	t.Parallel()
	e := ctNewEnv(t, 3, 3)
	e.team(t, e.labs[0].ID, e.n[0], e.n[1])
	var ids []int64
	for i := range 3 {
		ids = append(ids, ntAddNotice(t, e.f.Store, "ops", e.n[0], fmt.Sprintf("Notice %d", i)))
	}
	mateNotice := ntAddNotice(t, e.f.Store, "ops", e.n[1], "The teammate's")
	a, mate := signIn(t, e.s[0], e.n[0]), signIn(t, e.s[1], e.n[1])

	p := ntInbox(t, e.s[0], a, "ops", "?limit=2")
	if len(p.Notices) != 2 || p.Notices[0].ID != ids[2] || p.Notices[1].ID != ids[1] || p.Unread != 3 || p.Next == nil {
		t.Fatalf("first page %+v", p)
	}
	if p2 := ntInbox(t, e.s[1], a, "ops", "?limit=2&cursor="+*p.Next); len(p2.Notices) != 1 || p2.Notices[0].ID != ids[0] || p2.Next != nil {
		t.Fatalf("second page %+v", p2)
	}
	for _, c := range []struct {
		method, path string
		body         any
		field        string
	}{
		{"GET", "/api/units/ops/notices?cursor=0", nil, "cursor"},
		{"GET", "/api/units/ops/notices?limit=0", nil, "limit"},
		{"POST", "/api/units/ops/notices/read", map[string]any{"up_to": 0}, "up_to"},
		{"POST", "/api/units/ops/notices/read", map[string]any{"up_to": "x"}, "up_to"},
		{"POST", "/api/units/ops/notices/read", map[string]any{}, "up_to"},
	} {
		r := e.s[0].Client.Do(t, c.method, c.path, a, c.body)
		if r.Status != 400 || !slices.Contains(r.Problem(t).Fields(), c.field) {
			t.Fatalf("%s %s %v: %d %s, want 400 naming %s", c.method, c.path, c.body, r.Status, r.Body, c.field)
		}
	}
	for range 2 {
		r := e.s[1].Client.Do(t, "POST", "/api/units/ops/notices/read", a, map[string]any{"up_to": ids[1]})
		var u struct{ Unread int }
		r.JSON(t, &u)
		if r.Status != 200 || u.Unread != 1 {
			t.Fatalf("mark read: %d %s", r.Status, r.Body)
		}
	}
	// Up to an id beyond the teammate's notice: the teammate's stays unread.
	r := e.s[0].Client.Do(t, "POST", "/api/units/ops/notices/read", a, map[string]any{"up_to": mateNotice + 100})
	if r.Status != 200 || string(r.Body) != "{\"unread\":0}\n" && string(r.Body) != "{\"unread\":0}" {
		t.Fatalf("mark all read: %d %s", r.Status, r.Body)
	}
	if p := ntInbox(t, e.s[0], a, "ops", ""); p.Unread != 0 || p.Notices[0].ReadAt == nil {
		t.Fatalf("after marking all read %+v", p)
	}
	if p := ntInbox(t, e.s[1], mate, "ops", ""); len(p.Notices) != 1 || p.Notices[0].ID != mateNotice || p.Unread != 1 {
		t.Fatalf("the teammate's inbox %+v", p)
	}
	// A stranger to the unit is refused before anything is read.
	if r := e.s[0].Client.Do(t, "GET", "/api/units/default/notices", a, nil); r.Status != 403 {
		t.Fatalf("another unit's inbox: %d %s", r.Status, r.Body)
	}
}

// TestRemindersRunOnEveryInstance: every instance runs the reminder loop; a team whose slot is
// a few hours away hears of it once, live and in its inbox.
func TestRemindersRunOnEveryInstance(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	if _, err := f.Make.Unit(ctx, testfactory.UnitSpec{Code: "soon"}); err != nil {
		t.Fatal(err)
	}
	n, err := f.Make.Students(ctx, "soon", 34000000, 2, "Soon")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(3 * time.Hour).Truncate(time.Minute)
	labs, err := f.Make.Slots(ctx, "soon", pairup.LabSlot{Room: "Soon", StartsAt: at, Capacity: 1})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PAIRUP_REMINDER_INTERVAL": "20ms"}
	s := [2]*testServer{startServer(t, f.DBURL, env), startServer(t, f.DBURL, env)}
	ws := dialWS(t, s[1], signIn(t, s[1], n[0]))
	// The team forms while both instances run their loops.
	team, err := f.Make.Team(ctx, "soon", n[0], n[1:], labs[0].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	got := ntPushed(t, ws.expect("notice"))
	if got.Kind != pairup.NoticeReminder || got.Data["pid"] != float64(team.ID) || got.Data["lab_id"] != float64(labs[0].ID) {
		t.Fatalf("reminder %+v", got)
	}
	// Both members' reminders commit together, before the push.
	if c := ccTQueryInt(t, f, "SELECT count(*) FROM notices WHERE unit = 'soon' AND kind = 'demo.reminder'"); c != 2 {
		t.Fatalf("%d reminders, want one per member", c)
	}
	if p := ntInbox(t, s[0], signIn(t, s[0], n[1]), "soon", ""); len(p.Notices) != 1 || p.Notices[0].Kind != pairup.NoticeReminder {
		t.Fatalf("the teammate's inbox %+v", p)
	}
}
