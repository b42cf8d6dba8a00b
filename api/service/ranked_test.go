package service_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
	"github.com/pairup/pairup/internal/testfactory"
)

// rankedUnit makes a ranked unit of pairs closing at closes, with slots of capacity 1 and
// slot-less teams whose first members rank the slots as given (slot indexes, best first).
func rankedUnit(t *testing.T, b *testBundle, code string, closes time.Time, slots int, rankings [][]int) (pairup.Unit, []pairup.LabSlot, []pairup.Project) {
	t.Helper()
	u := b.unit(t, testfactory.UnitSpec{Code: code, Booking: pairup.BookingRanked, ClosesAt: &closes})
	var labs []pairup.LabSlot
	for i := range slots {
		labs = append(labs, b.slot(t, code, "Lab", slotDay.Add(time.Duration(i)*15*time.Minute), 1))
	}
	var teams []pairup.Project
	for _, ranks := range rankings {
		members := b.students(t, code, 2)
		p := b.team(t, code, 0, members...)
		teams = append(teams, p)
		if len(ranks) == 0 {
			continue
		}
		ids := make([]int64, len(ranks))
		for i, r := range ranks {
			ids[i] = labs[r].ID
		}
		if _, err := b.svc.SetRanking(t.Context(), b.as(t, code, members[0]), p.ID, ids); err != nil {
			t.Fatalf("rank: %v", err)
		}
	}
	return u, labs, teams
}

// TestAllocateDueAtClosesAt: nothing runs before closes_at; once the clock passes it one call
// allocates, with the server as its actor and a notice per member; a second call does nothing.
func TestAllocateDueAtClosesAt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	closes := t0.Add(48 * time.Hour)
	_, labs, teams := rankedUnit(t, b, "rk", closes, 3, [][]int{{0, 1}, {0, 2}, {}})
	if n, err := b.svc.AllocateDue(t.Context()); err != nil || n != 0 {
		t.Fatalf("before closes_at: %d, %v", n, err)
	}
	b.clock.Set(closes)
	if n, err := b.svc.AllocateDue(t.Context()); err != nil || n != 1 {
		t.Fatalf("at closes_at: %d, %v", n, err)
	}
	if n, err := b.svc.AllocateDue(t.Context()); err != nil || n != 0 {
		t.Fatalf("again: %d, %v", n, err)
	}
	a, err := b.svc.Allocation(t.Context(), b.access(t, service.CommandLine, "rk"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Automatic || a.ByName != service.AllocationServer.Person.Name || !a.RanAt.Equal(closes) || len(a.Teams) != 3 {
		t.Fatalf("allocation %+v", a)
	}
	got := map[int64]int64{}
	for _, row := range a.Teams {
		got[row.ProjectID] = row.Lab.ID
	}
	// Teams 0 and 1 both want slot 0; the loser gets its second choice; team 2 ranked nothing
	// and gets what is left.
	if a, c := got[teams[0].ID], got[teams[1].ID]; !(a == labs[0].ID && c == labs[2].ID || a == labs[1].ID && c == labs[0].ID) {
		t.Fatalf("placements %v for slots %d, %d, %d", got, labs[0].ID, labs[1].ID, labs[2].ID)
	}
	if slices.Contains([]int64{got[teams[0].ID], got[teams[1].ID], 0}, got[teams[2].ID]) {
		t.Fatalf("the team that ranked nothing got %d: %v", got[teams[2].ID], got)
	}
	entries := b.auditLog(t, "rk")
	if e := entries[0]; e.Action != pairup.AuditAllocationRan || e.ActorID != "" || e.ActorName != service.AllocationServer.Person.Name {
		t.Fatalf("newest audit entry %+v", e)
	}
}

// TestAllocationSameSeedSameResult: two units alike in everything but their ids, allocated
// with one seed, place their teams alike; the seed is kept.
func TestAllocationSameSeedSameResult(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rankings := [][]int{{0, 1, 2}, {0, 1}, {0}, {1, 0}, {2}, {}}
	var placed [2][]int
	for k, code := range []string{"rk-a", "rk-b"} {
		_, labs, teams := rankedUnit(t, b, code, t0.Add(time.Hour), 5, rankings)
		seed := int64(424242)
		a, err := b.svc.RunAllocation(t.Context(), b.access(t, service.CommandLine, code), &seed)
		if err != nil {
			t.Fatal(err)
		}
		if a.Seed != seed {
			t.Fatalf("seed %d", a.Seed)
		}
		for _, p := range teams {
			i := slices.IndexFunc(a.Teams, func(row service.AllocatedTeam) bool { return row.ProjectID == p.ID })
			placed[k] = append(placed[k], slices.IndexFunc(labs, func(l pairup.LabSlot) bool { return l.ID == a.Teams[i].Lab.ID }))
		}
	}
	if !slices.Equal(placed[0], placed[1]) {
		t.Fatalf("the same seed placed the teams at slots %v and %v", placed[0], placed[1])
	}
}
