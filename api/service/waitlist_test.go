package service_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testfactory"
)

// wlWorld is a unit of solo teams with three slots of one place, each booked by one team (a, b,
// c), and one student (d) in no team.
type wlWorld struct {
	b          *testBundle
	u          pairup.Unit
	labs       [3]pairup.LabSlot
	a, bb, c   pairup.Project
	d          string
	coordinate service.Access
}

func wlSetup(t *testing.T, code string) *wlWorld {
	t.Helper()
	b := setup(t)
	w := &wlWorld{b: b, u: b.unit(t, testfactory.UnitSpec{Code: code, TeamMin: 1, TeamMax: 1, HoldMinutes: 10, GuardMinutes: 60})}
	for i := range w.labs {
		w.labs[i] = b.slot(t, code, "Lab", slotDay.Add(time.Duration(i)*15*time.Minute), 1)
	}
	n := b.students(t, code, 4)
	w.a, w.bb, w.c = b.team(t, code, w.labs[0].ID, n[0]), b.team(t, code, w.labs[1].ID, n[1]), b.team(t, code, w.labs[2].ID, n[2])
	w.d = n[3]
	w.coordinate = b.access(t, service.CommandLine, code)
	return w
}

func (w *wlWorld) as(t *testing.T, p pairup.Project) service.Access {
	t.Helper()
	return w.b.as(t, w.u.Code, p.Members[0].Number)
}

func (w *wlWorld) waitlist(t *testing.T, p pairup.Project) pairup.Waitlist {
	t.Helper()
	wl, err := w.b.svc.Waitlist(t.Context(), w.as(t, p))
	if err != nil {
		t.Fatal(err)
	}
	return wl
}

// notices returns the kinds of the student's notices, oldest first.
func (w *wlWorld) notices(t *testing.T, p pairup.Project) []string {
	t.Helper()
	ns, err := w.b.st.Notices(t.Context(), w.u.Code, p.Members[0].Number, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(ns) - 1; i >= 0; i-- {
		kinds = append(kinds, ns[i].Kind)
	}
	return kinds
}

func (w *wlWorld) actions(t *testing.T, action string) int {
	t.Helper()
	n := 0
	for _, e := range w.b.auditLog(t, w.u.Code) {
		if e.Action == action {
			n++
		}
	}
	return n
}

func (w *wlWorld) labOf(t *testing.T, p pairup.Project) int64 {
	t.Helper()
	got, err := w.b.st.Project(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Lab.ID
}

// TestWaitlistQueueRules: only a full slot takes a line; a team is in a line once; not for its
// own slot; coordinators and students without a team may not queue; leaving twice is a 404.
func TestWaitlistQueueRules(t *testing.T) {
	t.Parallel()
	w := wlSetup(t, "wl-rules")
	ctx := t.Context()
	b, free := w.b, w.b.slot(t, "wl-rules", "Spare", slotDay, 1)
	_, err := b.svc.JoinQueue(ctx, w.as(t, w.bb), free.ID)
	wantError(t, "queue for a slot with room", err, pairup.ECONFLICT, "lab")
	_, err = b.svc.JoinQueue(ctx, w.as(t, w.bb), w.labs[1].ID)
	wantError(t, "queue for the team's own slot", err, pairup.ECONFLICT, "lab")
	_, err = b.svc.JoinQueue(ctx, w.as(t, w.bb), 999999)
	wantError(t, "queue for no slot", err, pairup.ENOTFOUND, "lab")
	_, err = b.svc.JoinQueue(ctx, b.as(t, "wl-rules", w.d), w.labs[0].ID)
	wantError(t, "queue without a team", err, pairup.ECONFLICT, "")
	_, err = b.svc.JoinQueue(ctx, w.coordinate, w.labs[0].ID)
	wantError(t, "a coordinator queues", err, pairup.EFORBIDDEN, "")

	var e pairup.QueueEntry
	if err := b.change(t, "wl-rules", func() (err error) { e, err = b.svc.JoinQueue(ctx, w.as(t, w.bb), w.labs[0].ID); return }); err != nil {
		t.Fatal(err)
	}
	if e.Position != 1 || e.Lab.ID != w.labs[0].ID || e.ProjectID != w.bb.ID {
		t.Fatalf("entry %+v", e)
	}
	if e, err = b.svc.JoinQueue(ctx, w.as(t, w.c), w.labs[0].ID); err != nil || e.Position != 2 {
		t.Fatalf("second in line: %+v %v", e, err)
	}
	err = b.change(t, "wl-rules", func() error { _, err := b.svc.JoinQueue(ctx, w.as(t, w.bb), w.labs[0].ID); return err })
	wantError(t, "queue twice", err, pairup.ECONFLICT, "lab")
	if err := b.change(t, "wl-rules", func() error { return b.svc.LeaveQueue(ctx, w.as(t, w.bb), w.labs[0].ID) }); err != nil {
		t.Fatal(err)
	}
	err = b.svc.LeaveQueue(ctx, w.as(t, w.bb), w.labs[0].ID)
	wantError(t, "leave twice", err, pairup.ENOTFOUND, "lab")
	if wl := w.waitlist(t, w.c); len(wl.Entries) != 1 || wl.Entries[0].Position != 1 {
		t.Fatalf("c moves up to 1: %+v", wl)
	}
	all, err := b.svc.Waitlist(ctx, w.coordinate)
	if err != nil || len(all.Entries) != 1 || all.Entries[0].ProjectID != w.c.ID {
		t.Fatalf("the coordinator's view: %+v %v", all, err)
	}
	// A team booked into the slot by any route (here a forced move) leaves its line.
	if _, err := b.svc.MoveProject(ctx, w.coordinate, w.c.ID, w.labs[0].ID, service.Intervention{Reason: "room", Force: true}); err != nil {
		t.Fatal(err)
	}
	if wl := w.waitlist(t, w.c); len(wl.Entries) != 0 {
		t.Fatalf("c, booked in slot 0, is still in its line: %+v", wl)
	}
}

// TestWaitlistHoldAcceptChain: a team leaving a full slot gives the first in line a hold (a
// notice, an audit entry) that nobody else can book; accepting moves the team, which frees its
// old slot for the first in that line; a lapsed hold is released by the sweeper once and passes on.
func TestWaitlistHoldAcceptChain(t *testing.T) {
	t.Parallel()
	w := wlSetup(t, "wl-chain")
	ctx, b := t.Context(), w.b
	mustQueue := func(p pairup.Project, lab pairup.LabSlot) {
		t.Helper()
		if _, err := b.svc.JoinQueue(ctx, w.as(t, p), lab.ID); err != nil {
			t.Fatal(err)
		}
	}
	mustQueue(w.bb, w.labs[0]) // b waits for slot 0
	mustQueue(w.c, w.labs[1])  // c waits for slot 1, b's

	// a dissolves: slot 0 is held for b.
	if err := b.svc.DeleteProject(ctx, w.as(t, w.a), w.a.Members[0].Number); err != nil {
		t.Fatal(err)
	}
	wl := w.waitlist(t, w.bb)
	if len(wl.Holds) != 1 || wl.Holds[0].Lab.ID != w.labs[0].ID || len(wl.Entries) != 0 {
		t.Fatalf("b's waitlist after a left: %+v", wl)
	}
	hold := wl.Holds[0]
	if want := t0.Add(10 * time.Minute); !hold.ExpiresAt.Equal(want) {
		t.Errorf("hold expires %v, want %v", hold.ExpiresAt, want)
	}
	if full := w.waitlist(t, w.c).Full; !containsLab(full, w.labs[0].ID) {
		t.Errorf("the held slot is not listed as full: %+v", full)
	}
	if got := w.notices(t, w.bb); len(got) != 1 || got[0] != pairup.NoticeHoldOffered {
		t.Errorf("b's notices %v", got)
	}
	// The held place is taken: not bookable, and a booking of it fails in the database.
	bookable, err := b.svc.BookableLabs(ctx, b.as(t, "wl-chain", w.d))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range bookable {
		if l.ID == w.labs[0].ID {
			t.Errorf("the held slot is offered as bookable")
		}
	}
	_, err = b.svc.CreateProject(ctx, b.as(t, "wl-chain", w.d), pairup.NewProject{Creator: w.d, LabID: w.labs[0].ID, Description: "Late"})
	wantError(t, "book the held place", err, pairup.ECONFLICT, "lab_id")
	_, err = b.svc.MoveProject(ctx, w.coordinate, w.c.ID, w.labs[0].ID, service.Intervention{Reason: "try"})
	wantError(t, "a coordinator moves a team into the held place", err, pairup.ECONFLICT, "lab_id")
	// c may not take b's hold.
	_, err = b.svc.AcceptHold(ctx, w.as(t, w.c), hold.ID)
	wantError(t, "another team takes the hold", err, pairup.EFORBIDDEN, "")

	// b takes it: b moves to slot 0, and slot 1 is held for c.
	moved, err := b.svc.AcceptHold(ctx, w.as(t, w.bb), hold.ID)
	if err != nil || moved.Lab.ID != w.labs[0].ID {
		t.Fatalf("accept: %+v %v", moved, err)
	}
	if _, err := b.svc.AcceptHold(ctx, w.as(t, w.bb), hold.ID); pairup.ErrorCode(err) != pairup.ENOTFOUND {
		t.Errorf("accept twice: %v", err)
	}
	wl = w.waitlist(t, w.c)
	if len(wl.Holds) != 1 || wl.Holds[0].Lab.ID != w.labs[1].ID {
		t.Fatalf("c's waitlist after b moved: %+v", wl)
	}
	if n := w.actions(t, pairup.AuditHoldOffered); n != 2 {
		t.Errorf("%d hold.offered entries, want 2", n)
	}

	// c lets it lapse: the sweeper releases it once, tells c, and slot 1 is free again.
	b.clock.Set(t0.Add(10 * time.Minute))
	for i := range 2 {
		n, err := b.svc.SweepHolds(ctx)
		if err != nil || n != 1-i {
			t.Fatalf("sweep %d released %d, %v", i, n, err)
		}
	}
	if got := w.notices(t, w.c); len(got) != 2 || got[1] != pairup.NoticeHoldLapsed {
		t.Errorf("c's notices %v", got)
	}
	if n := w.actions(t, pairup.AuditHoldLapsed); n != 1 {
		t.Errorf("%d hold.lapsed entries, want 1", n)
	}
	labs, err := b.st.Labs(ctx, "wl-chain")
	if err != nil {
		t.Fatal(err)
	}
	if labs[1].Booked != 0 {
		t.Errorf("slot 1 booked %d", labs[1].Booked)
	}
	if _, err := b.svc.CreateProject(ctx, b.as(t, "wl-chain", w.d), pairup.NewProject{Creator: w.d, LabID: w.labs[1].ID, Description: "Late"}); err != nil {
		t.Errorf("book the released place: %v", err)
	}
	if w.labOf(t, w.c) != w.labs[2].ID {
		t.Errorf("c moved")
	}
}

// TestWaitlistDeclineAndLapsedAccept: declining passes the place to the next in line; an accept
// that arrives after the hold lapsed is refused, and the place passes on in that transaction.
func TestWaitlistDeclineAndLapsedAccept(t *testing.T) {
	t.Parallel()
	w := wlSetup(t, "wl-decline")
	ctx, b := t.Context(), w.b
	for _, p := range []pairup.Project{w.bb, w.c} {
		if _, err := b.svc.JoinQueue(ctx, w.as(t, p), w.labs[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	// A coordinator raising the capacity frees a place too.
	if _, err := b.svc.UpdateSlot(ctx, w.coordinate, w.labs[0].ID, pairup.SlotPatch{Capacity: ptr(2)}); err != nil {
		t.Fatal(err)
	}
	hb := w.waitlist(t, w.bb).Holds
	if len(hb) != 1 {
		t.Fatalf("b holds %+v", hb)
	}
	if err := b.svc.DeclineHold(ctx, w.as(t, w.bb), hb[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := w.actions(t, pairup.AuditHoldDeclined); n != 1 {
		t.Fatalf("%d hold.declined", n)
	}
	hc := w.waitlist(t, w.c).Holds
	if len(hc) != 1 || hc[0].Lab.ID != w.labs[0].ID {
		t.Fatalf("c holds %+v", hc)
	}
	if wl := w.waitlist(t, w.bb); len(wl.Entries)+len(wl.Holds) != 0 {
		t.Errorf("b still waits: %+v", wl)
	}
	// c's accept arrives as the hold lapses: refused, released, and (nobody else in line) the
	// place is free again.
	b.clock.Set(hc[0].ExpiresAt)
	_, err := b.svc.AcceptHold(ctx, w.as(t, w.c), hc[0].ID)
	wantError(t, "accept a lapsed hold", err, pairup.ECONFLICT, "hid")
	if n := w.actions(t, pairup.AuditHoldLapsed); n != 1 {
		t.Errorf("%d hold.lapsed", n)
	}
	if n, err := b.svc.SweepHolds(ctx); n != 0 || err != nil {
		t.Errorf("the sweeper released %d more (%v)", n, err)
	}
	if w.labOf(t, w.c) != w.labs[2].ID {
		t.Errorf("c moved")
	}
	labs, _ := b.svc.BookableLabs(ctx, w.coordinate)
	if !containsLab(labs, w.labs[0].ID) {
		t.Errorf("the released place is not bookable: %+v", labs)
	}
}

func containsLab(labs []pairup.LabSlot, id int64) bool {
	for _, l := range labs {
		if l.ID == id {
			return true
		}
	}
	return false
}

// TestWaitlistAcceptRacesLapse: two instances (two services on one database, each with its own
// clock) meet a hold at its expiry: one takes it while its clock says it is live, the other
// sweeps it as lapsed. Exactly one outcome each round: accepted, or lapsed and passed to the
// next in line; never both, never a place lost.
func TestWaitlistAcceptRacesLapse(t *testing.T) {
	t.Parallel()
	for round := range 6 {
		w := wlSetup(t, "wl-race")
		ctx, b := t.Context(), w.b
		for _, p := range []pairup.Project{w.bb, w.c} {
			if _, err := b.svc.JoinQueue(ctx, w.as(t, p), w.labs[0].ID); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.svc.DeleteProject(ctx, w.as(t, w.a), w.a.Members[0].Number); err != nil {
			t.Fatal(err)
		}
		h := w.waitlist(t, w.bb).Holds[0]
		// The other instance: same database, its clock just past the expiry.
		other := service.New(store.New(b.st.Pool()), func() time.Time { return h.ExpiresAt.Add(time.Millisecond) })
		b.clock.Set(h.ExpiresAt.Add(-time.Millisecond))
		acc := w.as(t, w.bb)
		var (
			wg       sync.WaitGroup
			acceptEr error
			swept    int
			sweepEr  error
		)
		start := make(chan struct{})
		wg.Go(func() { <-start; _, acceptEr = b.svc.AcceptHold(ctx, acc, h.ID) })
		wg.Go(func() { <-start; swept, sweepEr = other.SweepHolds(ctx) })
		close(start)
		wg.Wait()
		if sweepEr != nil {
			t.Fatal(sweepEr)
		}
		accepted, lapsed := w.actions(t, pairup.AuditHoldAccepted), w.actions(t, pairup.AuditHoldLapsed)
		if accepted+lapsed != 1 || (acceptEr == nil) != (accepted == 1) || swept != lapsed {
			t.Fatalf("round %d: accept %v, swept %d; %d accepted, %d lapsed", round, acceptEr, swept, accepted, lapsed)
		}
		labs, _ := b.st.Labs(ctx, "wl-race")
		wc := w.waitlist(t, w.c)
		if accepted == 1 {
			if w.labOf(t, w.bb) != w.labs[0].ID || labs[1].Booked != 0 || len(wc.Entries) != 1 {
				t.Fatalf("round %d accepted: b in %d, slot 1 booked %d, c %+v", round, w.labOf(t, w.bb), labs[1].Booked, wc)
			}
		} else if w.labOf(t, w.bb) != w.labs[1].ID || len(wc.Holds) != 1 || wc.Holds[0].Lab.ID != w.labs[0].ID {
			t.Fatalf("round %d lapsed: b in %d, c %+v", round, w.labOf(t, w.bb), wc)
		}
		t.Logf("round %d: accepted %d, lapsed %d", round, accepted, lapsed)
	}
}
