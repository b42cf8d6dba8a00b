package service_test

import (
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/testfactory"
)

func (b *testBundle) received(t *testing.T, unit, number string) []pairup.Invitation {
	t.Helper()
	rec, _, err := b.svc.Invitations(t.Context(), b.as(t, unit, number))
	if err != nil {
		t.Fatalf("invitations of %s: %v", number, err)
	}
	return rec
}

// TestInvitationExpiry: an invitation lasts invite_hours from when it was sent. A second before
// it expires it is pending and can be accepted; a second after, it is listed as lapsed, cannot
// be accepted, and the team may invite again.
func TestInvitationExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.unit(t, testfactory.UnitSpec{Code: "inv", TeamMin: 2, TeamMax: 3, Consent: pairup.ConsentInvite, InviteHours: 2})
	n := b.students(t, "inv", 3)
	lead, late, early := n[0], n[1], n[2]
	ctx := t.Context()
	toLate, err := b.svc.Invite(ctx, b.as(t, "inv", lead), late, "")
	if err != nil {
		t.Fatal(err)
	}
	toEarly, err := b.svc.Invite(ctx, b.as(t, "inv", lead), early, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(2 * time.Hour); !toLate.ExpiresAt.Equal(want) || toLate.Status != pairup.InvitePending {
		t.Fatalf("invitation %+v, want pending until %s", toLate, want)
	}
	if got := kinds(b.inbox(t, "inv", late), pairup.NoticeInvited); len(got) != 1 || got[0].Data["invitation"] != float64(toLate.ID) {
		t.Fatalf("the invitee's invited notices: %+v", got)
	}

	b.clock.Set(toLate.ExpiresAt.Add(-time.Second))
	if rec := b.received(t, "inv", late); len(rec) != 1 || rec[0].Status != pairup.InvitePending {
		t.Fatalf("a second before expiry: %+v", rec)
	}
	joined, err := b.svc.AcceptInvitation(ctx, b.as(t, "inv", early), toEarly.ID)
	if err != nil || len(joined.Members) != 2 || joined.Booked() {
		t.Fatalf("accepting a second before expiry: %+v, %v", joined, err)
	}
	if got := kinds(b.inbox(t, "inv", lead), pairup.NoticeInviteAccepted); len(got) != 1 {
		t.Fatalf("the team's accepted notices: %+v", got)
	}

	b.clock.Set(toLate.ExpiresAt.Add(time.Second))
	if rec := b.received(t, "inv", late); len(rec) != 1 || rec[0].Status != pairup.InviteLapsed {
		t.Fatalf("a second after expiry: %+v", rec)
	}
	if _, err := b.svc.AcceptInvitation(ctx, b.as(t, "inv", late), toLate.ID); pairup.ErrorCode(err) != pairup.ECONFLICT {
		t.Fatalf("accepting an expired invitation: %v, want a conflict", err)
	}
	if _, err := b.svc.DeclineInvitation(ctx, b.as(t, "inv", late), toLate.ID); pairup.ErrorCode(err) != pairup.ECONFLICT {
		t.Fatalf("declining an expired invitation: %v, want a conflict", err)
	}
	again, err := b.svc.Invite(ctx, b.as(t, "inv", early), late, "")
	if err != nil || again.Status != pairup.InvitePending || again.ID == toLate.ID {
		t.Fatalf("inviting again after expiry: %+v, %v", again, err)
	}
	p, err := b.svc.AcceptInvitation(ctx, b.as(t, "inv", late), again.ID)
	if err != nil || len(p.Members) != 3 {
		t.Fatalf("accepting the new invitation: %+v, %v", p, err)
	}
}

// TestInvitationsLapse: joining a team lapses the student's other pending invitations (with a
// notice each); a team that dissolves has its pending invitations lapse.
func TestInvitationsLapse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.unit(t, testfactory.UnitSpec{Code: "inv", TeamMin: 2, TeamMax: 3, Consent: pairup.ConsentInvite})
	n := b.students(t, "inv", 4)
	ctx := t.Context()
	first, err := b.svc.Invite(ctx, b.as(t, "inv", n[0]), n[3], "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := b.svc.Invite(ctx, b.as(t, "inv", n[1]), n[3], "")
	if err != nil {
		t.Fatal(err)
	}
	dissolving, err := b.svc.Invite(ctx, b.as(t, "inv", n[1]), n[2], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.AcceptInvitation(ctx, b.as(t, "inv", n[3]), first.ID); err != nil {
		t.Fatal(err)
	}
	status := map[int64]string{}
	for _, inv := range b.received(t, "inv", n[3]) {
		status[inv.ID] = inv.Status
	}
	if status[first.ID] != pairup.InviteAccepted || status[second.ID] != pairup.InviteLapsed {
		t.Fatalf("after accepting the first: %v", status)
	}
	if got := kinds(b.inbox(t, "inv", n[3]), pairup.NoticeInviteLapsed); len(got) != 1 || got[0].Data["invitation"] != float64(second.ID) {
		t.Fatalf("lapsed notices: %+v", got)
	}
	if _, err := b.svc.AcceptInvitation(ctx, b.as(t, "inv", n[3]), second.ID); pairup.ErrorCode(err) != pairup.ECONFLICT {
		t.Fatalf("accepting a lapsed invitation: %v", err)
	}
	// n[1]'s team of one dissolves: its invitation to n[2] lapses.
	if err := b.svc.DeleteProject(ctx, b.as(t, "inv", n[1]), n[1]); err != nil {
		t.Fatal(err)
	}
	rec := b.received(t, "inv", n[2])
	if len(rec) != 1 || rec[0].ID != dissolving.ID || rec[0].Status != pairup.InviteLapsed || rec[0].ProjectID != 0 {
		t.Fatalf("after the team dissolved: %+v", rec)
	}
	if _, err := b.svc.AcceptInvitation(ctx, b.as(t, "inv", n[2]), dissolving.ID); pairup.ErrorCode(err) != pairup.ECONFLICT {
		t.Fatalf("accepting a dissolved team's invitation: %v", err)
	}
}

// TestJoiningOtherwiseLapsesInvitations: a student who joins a team by its code, or whom a
// coordinator adds, or whom a creator names in a direct unit, has their pending invitations lapse,
// with a notice each.
func TestJoiningOtherwiseLapsesInvitations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.unit(t, testfactory.UnitSpec{Code: "inv", TeamMin: 1, TeamMax: 3})
	n := b.students(t, "inv", 6)
	lab := b.slot(t, "inv", "Lab", slotDay, 3)
	ctx := t.Context()
	invite := func(from, to string) pairup.Invitation {
		t.Helper()
		inv, err := b.svc.Invite(ctx, b.as(t, "inv", from), to, "")
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	lapsed := func(who string, inv pairup.Invitation) {
		t.Helper()
		for _, r := range b.received(t, "inv", who) {
			if r.ID == inv.ID && r.Status != pairup.InviteLapsed {
				t.Errorf("%s's invitation %d is %s, want lapsed", who, inv.ID, r.Status)
			}
		}
		got := kinds(b.inbox(t, "inv", who), pairup.NoticeInviteLapsed)
		if len(got) != 1 || got[0].Data["invitation"] != float64(inv.ID) {
			t.Errorf("%s's lapse notices: %+v", who, got)
		}
	}
	// By a join code.
	toCoder := invite(n[0], n[1])
	team := b.team(t, "inv", lab.ID, n[2])
	code, err := b.svc.JoinCode(ctx, b.as(t, "inv", n[2]), team.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.JoinTeam(ctx, b.as(t, "inv", n[1]), code); err != nil {
		t.Fatal(err)
	}
	lapsed(n[1], toCoder)
	// Named as a partner at creation in a direct unit.
	toPartner := invite(n[0], n[3])
	if _, err := b.svc.CreateProject(ctx, b.as(t, "inv", n[4]), pairup.NewProject{Creator: n[4], Partners: []string{n[3]}, Description: "Direct", LabID: lab.ID}); err != nil {
		t.Fatal(err)
	}
	lapsed(n[3], toPartner)
	// Added by a coordinator.
	toAdded := invite(n[0], n[5])
	if _, err := b.svc.AddMember(ctx, b.as(t, "inv", b.coordinator(t, "inv")), team.ID, n[5], service.Intervention{Reason: "pairing the last one"}); err != nil {
		t.Fatal(err)
	}
	lapsed(n[5], toAdded)
}
