package service_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/api/store"
	"github.com/pairup/pairup/internal/testdb"
	"github.com/pairup/pairup/internal/testfactory"
)

// noticeSetup is setup with a second store and service (another instance) on the same database.
func noticeSetup(t *testing.T) (*testBundle, *service.Service) {
	t.Helper()
	pool, url := testdb.New(t)
	st := store.New(pool)
	clock := &testClock{now: t0}
	b := &testBundle{st: st, svc: service.New(st, clock.Now), clock: clock, next: 10000000}
	b.make = testfactory.New(st, b.svc, "test-pin-hash")
	other, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	return b, service.New(other, clock.Now)
}

// inbox is every notice of the person in the unit, newest first.
func (b *testBundle) inbox(t *testing.T, unit, number string) []pairup.Notice {
	t.Helper()
	page, err := b.svc.Notices(t.Context(), b.as(t, unit, number), 0, service.MaxNoticePage)
	if err != nil {
		t.Fatalf("inbox of %s: %v", number, err)
	}
	return page.Notices
}

// kinds keeps the notices of one kind (other features' tests use it too).
func kinds(ns []pairup.Notice, kind string) []pairup.Notice {
	var out []pairup.Notice
	for _, n := range ns {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

// TestSendRemindersOnceAcrossInstances: the members of a team whose slot starts within a day
// (in the unit's zone) get one reminder, however many instances run SendReminders at once and
// however often; slots beyond a day, started ones and archived units get none; a team moved to
// another slot is reminded of the new one.
func TestSendRemindersOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	b, other := noticeSetup(t)
	ctx := t.Context()
	// Perth is UTC+8: slot times are wall-clock times there.
	b.unit(t, testfactory.UnitSpec{Code: "rem", Timezone: "Australia/Perth"})
	b.unit(t, testfactory.UnitSpec{Code: "old"})
	coord := b.coordinator(t, "rem")
	now := t0.Add(10 * 24 * time.Hour) // UTC
	perth, err := time.LoadLocation("Australia/Perth")
	if err != nil {
		t.Fatal(err)
	}
	wall := func(at time.Time) time.Time { // the wall-clock time in Perth of the instant at
		l := at.In(perth)
		return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
	}
	soon := b.slot(t, "rem", "Soon", wall(now.Add(12*time.Hour)), 1)
	later := b.slot(t, "rem", "Later", wall(now.Add(30*time.Hour)), 1)
	started := b.slot(t, "rem", "Started", wall(now.Add(-time.Hour)), 1)
	// Read as UTC these would be 26 hours away (outside) and 4 hours away (inside): only the
	// unit's zone gives 18 hours away (inside) and 4 hours ago (started).
	zoned := b.slot(t, "rem", "Zoned", wall(now.Add(18*time.Hour)), 1)
	zonedPast := b.slot(t, "rem", "ZonedPast", wall(now.Add(-4*time.Hour)), 1)
	other2 := b.slot(t, "rem", "Other", wall(now.Add(20*time.Hour)), 1)
	archivedSlot := b.slot(t, "old", "Old", now.Add(6*time.Hour), 1)
	s := b.students(t, "rem", 10)
	o := b.students(t, "old", 2)
	a := b.team(t, "rem", soon.ID, s[0], s[1])
	b.team(t, "rem", later.ID, s[2], s[3])
	b.team(t, "rem", started.ID, s[4], s[5])
	b.team(t, "rem", zoned.ID, s[6], s[7])
	b.team(t, "rem", zonedPast.ID, s[8], s[9])
	b.team(t, "old", archivedSlot.ID, o[0], o[1])
	if _, err := b.st.Pool().Exec(ctx, "UPDATE units SET archived_at = $1 WHERE code = 'old'", t0); err != nil {
		t.Fatal(err)
	}
	b.clock.Set(now)

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
	)
	for i := range 8 {
		svc := b.svc
		if i%2 == 1 {
			svc = other
		}
		wg.Go(func() {
			n, err := svc.SendReminders(ctx)
			if err != nil {
				t.Errorf("SendReminders: %v", err)
			}
			mu.Lock()
			added += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if added != 4 {
		t.Fatalf("8 concurrent runs added %d reminders, want 4 (two teams of two)", added)
	}
	for i, n := range s {
		got := kinds(b.inbox(t, "rem", n), pairup.NoticeReminder)
		want := 0
		if i < 2 || i == 6 || i == 7 {
			want = 1
		}
		if len(got) != want {
			t.Fatalf("student %d has %d reminders, want %d: %+v", i, len(got), want, got)
		}
		if want == 1 && (got[0].Data["lab_id"] == nil || !strings.Contains(got[0].Text, "Soon") && !strings.Contains(got[0].Text, "Zoned")) {
			t.Fatalf("reminder %+v", got[0])
		}
	}
	for _, n := range o {
		if got := b.inbox(t, "old", n); len(got) != 0 {
			t.Fatalf("a student of an archived unit got %+v", got)
		}
	}
	if n, err := other.SendReminders(ctx); err != nil || n != 0 {
		t.Fatalf("a second run added %d (%v), want 0", n, err)
	}

	// Moved to another slot within the day: reminded again, of the new slot.
	if _, err := b.svc.MoveProject(ctx, b.as(t, "rem", coord), a.ID, other2.ID, service.Intervention{}); err != nil {
		t.Fatal(err)
	}
	if n, err := b.svc.SendReminders(ctx); err != nil || n != 2 {
		t.Fatalf("after the move SendReminders added %d (%v), want 2", n, err)
	}
	got := kinds(b.inbox(t, "rem", s[0]), pairup.NoticeReminder)
	if len(got) != 2 || !strings.Contains(got[0].Text, "Other") || got[0].Data["lab_id"] != float64(other2.ID) {
		t.Fatalf("reminders after the move %+v", got)
	}
}

// TestNoticesInbox: a person's inbox holds their notices alone, newest first, pages by cursor,
// counts unread; marking read up to an id is idempotent and touches no one else's.
func TestNoticesInbox(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	b.unit(t, testfactory.UnitSpec{Code: "inb", TeamMax: 3})
	coord := b.coordinator(t, "inb")
	l1 := b.slot(t, "inb", "One", slotDay, 1)
	l2 := b.slot(t, "inb", "Two", slotDay.Add(time.Hour), 1)
	s := b.students(t, "inb", 3)
	p := b.team(t, "inb", l1.ID, s[0], s[1])
	for _, l := range []int64{l2.ID, l1.ID, l2.ID} {
		if _, err := b.svc.MoveProject(ctx, b.as(t, "inb", coord), p.ID, l, service.Intervention{Reason: "room change"}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := b.svc.Notices(ctx, b.as(t, "inb", s[0]), 0, 2)
	if err != nil || len(page.Notices) != 2 || page.Unread != 3 || page.Next == 0 {
		t.Fatalf("first page %+v %v", page, err)
	}
	if page.Notices[0].ID < page.Notices[1].ID || page.Notices[0].Kind != pairup.NoticeMoved || !strings.Contains(page.Notices[0].Text, "Two") {
		t.Fatalf("not newest first: %+v", page.Notices)
	}
	rest, err := b.svc.Notices(ctx, b.as(t, "inb", s[0]), page.Next, 2)
	if err != nil || len(rest.Notices) != 1 || rest.Next != 0 || rest.Notices[0].ID >= page.Notices[1].ID {
		t.Fatalf("second page %+v %v", rest, err)
	}
	for _, n := range []string{s[2], coord} {
		if got := b.inbox(t, "inb", n); len(got) != 0 {
			t.Fatalf("%s sees %+v", n, got)
		}
	}
	// Up to the middle one: one left unread; again: the same; the teammate's stay unread.
	mid := page.Notices[1].ID
	for range 2 {
		unread, err := b.svc.MarkNoticesRead(ctx, b.as(t, "inb", s[0]), mid)
		if err != nil || unread != 1 {
			t.Fatalf("mark read: %d %v", unread, err)
		}
	}
	mine := b.inbox(t, "inb", s[0])
	if mine[0].ReadAt != nil || mine[1].ReadAt == nil || mine[2].ReadAt == nil {
		t.Fatalf("read marks %+v", mine)
	}
	first := *mine[1].ReadAt
	b.clock.Set(t0.Add(time.Hour))
	if unread, err := b.svc.MarkNoticesRead(ctx, b.as(t, "inb", s[0]), 1<<40); err != nil || unread != 0 {
		t.Fatalf("mark all read: %d %v", unread, err)
	}
	if again := b.inbox(t, "inb", s[0]); !again[1].ReadAt.Equal(first) || again[0].ReadAt == nil {
		t.Fatalf("a notice read already changed its time: %+v", again)
	}
	if p, _ := b.svc.Notices(ctx, b.as(t, "inb", s[1]), 0, 50); p.Unread != 3 {
		t.Fatalf("the teammate's unread count is %d, want 3", p.Unread)
	}
	// Bad input names its field.
	if _, err := b.svc.MarkNoticesRead(ctx, b.as(t, "inb", s[0]), 0); pairup.ErrorCode(err) != pairup.EINVALID || !strings.Contains(err.Error(), "up_to") {
		t.Fatalf("up_to 0: %v", err)
	}
	if _, err := b.svc.Notices(ctx, b.as(t, "inb", s[0]), 0, 201); pairup.ErrorCode(err) != pairup.EINVALID {
		t.Fatalf("limit 201: %v", err)
	}
}
