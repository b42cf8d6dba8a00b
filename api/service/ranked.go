package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// AuditRankingUpdated records that a team saved its ranking of slots.
const AuditRankingUpdated = "ranking.updated"

// MaxSeed is the largest allocation seed: 2^53 - 1, so JavaScript clients read it exactly.
const MaxSeed = 1<<53 - 1

// AllocationServer is the actor of the allocation the server runs by itself at closes_at.
var AllocationServer = Actor{CLI: true, Person: pairup.Person{Name: "the server at closes_at"}}

// errAllocationRan is the conflict of a second allocation.
var errAllocationRan = pairup.FieldErrorf(pairup.ECONFLICT, "allocation", "the unit's allocation has run already")

// checkRanked refuses rankings and allocations in a unit that books first come, first served.
func checkRanked(u pairup.Unit) error {
	if u.Policy.Booking != pairup.BookingRanked {
		return pairup.FieldErrorf(pairup.ECONFLICT, "booking", "this unit books slots first come, first served; rankings are for units with ranked booking")
	}
	return nil
}

// checkStudentBooking refuses a student's own booking in a ranked unit: the allocation books
// their slots. Coordinators still book and move teams.
func checkStudentBooking(acc Access, u pairup.Unit) error {
	if u.Policy.Booking == pairup.BookingRanked && !acc.Coordinates() {
		return pairup.FieldErrorf(pairup.ECONFLICT, "lab_id", "in this unit slots are booked by the ranked allocation: rank the slots for your team instead")
	}
	return nil
}

// mayRank allows the unit's coordinators and the team's members; anyone else gets EFORBIDDEN,
// and a coordinator naming a team the unit does not have ENOTFOUND.
func (s *Service) mayRank(ctx context.Context, acc Access, pid int64) error {
	if acc.Coordinates() {
		p, err := s.st.Project(ctx, pid)
		if err == nil && p.Unit != acc.Unit.Code {
			return pairup.Errorf(pairup.ENOTFOUND, "no such project")
		}
		return err
	}
	mine, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
	if err == nil && mine == pid {
		return nil
	} else if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
		return err
	}
	return pairup.Errorf(pairup.EFORBIDDEN, "only the team's members may see or change its ranking")
}

// TeamRanking is a team's ranking and, once the unit's allocation has run, what it gave the team.
type TeamRanking struct {
	pairup.Ranking
	Ran    bool                    // the unit's allocation has run
	Result pairup.AllocationResult // what it gave the team (LabID 0: no slot, or not considered)
	Lab    pairup.LabSlot          // the slot of Result
}

// Ranking returns the team's ranking (its members and coordinators, in a ranked unit):
// EFORBIDDEN, ENOTFOUND, ECONFLICT (not a ranked unit).
func (s *Service) Ranking(ctx context.Context, acc Access, pid int64) (TeamRanking, error) {
	if err := s.mayRank(ctx, acc, pid); err != nil {
		return TeamRanking{}, err
	}
	if err := checkRanked(acc.Unit); err != nil {
		return TeamRanking{}, err
	}
	return s.teamRanking(ctx, acc.Unit.Code, pid)
}

func (s *Service) teamRanking(ctx context.Context, unit string, pid int64) (TeamRanking, error) {
	r, err := s.st.Ranking(ctx, unit, pid)
	if err != nil {
		return TeamRanking{}, err
	}
	out := TeamRanking{Ranking: r}
	switch _, err := s.st.AllocationRun(ctx, unit); {
	case pairup.ErrorCode(err) == pairup.ENOTFOUND:
		return out, nil
	case err != nil:
		return TeamRanking{}, err
	}
	out.Ran = true
	res, ok, err := s.st.AllocationResult(ctx, unit, pid)
	if err != nil || !ok || res.LabID == 0 {
		return out, err
	}
	out.Result = res
	if out.Lab, err = s.st.Lab(ctx, unit, res.LabID); errors.Is(err, pairup.ErrNoSlot) {
		out.Result.LabID, err = 0, nil // the slot was deleted since
	}
	return out, err
}

// SetRanking replaces the team's ranking with labs, best first: its members while sign-up is
// open, coordinators in any phase, until the allocation has run. EFORBIDDEN, ENOTFOUND;
// EINVALID (naming labs or labs[i]: empty, more than 10, a slot twice, not a slot of the unit);
// ECONFLICT (not a ranked unit, the window, the allocation has run, a slot that has started).
func (s *Service) SetRanking(ctx context.Context, acc Access, pid int64, labs []int64) (TeamRanking, error) {
	if err := s.mayRank(ctx, acc, pid); err != nil {
		return TeamRanking{}, err
	}
	switch {
	case len(labs) == 0:
		return TeamRanking{}, pairup.FieldErrorf(pairup.EINVALID, "labs", "must rank at least one slot")
	case len(labs) > MaxRanks:
		return TeamRanking{}, pairup.FieldErrorf(pairup.EINVALID, "labs", "must rank at most %d slots", MaxRanks)
	}
	for i, lab := range labs {
		if lab < 1 {
			return TeamRanking{}, pairup.FieldErrorf(pairup.EINVALID, fmt.Sprintf("labs[%d]", i), "must be a lab slot id: a positive integer")
		}
		if j := slices.Index(labs[:i], lab); j >= 0 {
			return TeamRanking{}, pairup.FieldErrorf(pairup.EINVALID, fmt.Sprintf("labs[%d]", i), "ranks slot %d a second time (it is already choice %d)", lab, j+1)
		}
	}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := checkLive(u); err != nil {
			return err
		}
		if err := checkRanked(u); err != nil {
			return err
		}
		if err := s.checkPhase(acc, u); err != nil {
			return err
		}
		// The allocation takes the unit's row for update, so it cannot run while this holds
		// the share lock: a ranking saved here is either in it or refused after it.
		if _, err := tx.AllocationRun(ctx, u.Code); err == nil {
			return pairup.FieldErrorf(pairup.ECONFLICT, "allocation", "the allocation has run: rankings can no longer change")
		} else if pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return err
		}
		lab, err := tx.LockProject(ctx, u.Code, pid)
		if err != nil {
			return err
		}
		for i, id := range labs {
			l, err := tx.Lab(ctx, u.Code, id)
			if errors.Is(err, pairup.ErrNoSlot) {
				return pairup.FieldErrorf(pairup.EINVALID, fmt.Sprintf("labs[%d]", i), "no lab slot %d in this unit", id)
			} else if err != nil {
				return err
			}
			if !u.SlotStart(l).After(s.now()) {
				return pairup.FieldErrorf(pairup.ECONFLICT, fmt.Sprintf("labs[%d]", i), "that lab slot has already started")
			}
		}
		if err := tx.SetRanking(ctx, u.Code, pid, labs, s.now().UTC()); err != nil {
			return err
		}
		entry := s.audit(acc, AuditRankingUpdated)
		entry.ProjectID, entry.LabID = pid, lab
		entry.Details = map[string]any{"labs": labs}
		if err := tx.Audit(ctx, entry); err != nil {
			return err
		}
		// The team's other browsers reload it (and its ranking).
		return tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid})
	})
	if err != nil {
		return TeamRanking{}, err
	}
	return s.teamRanking(ctx, acc.Unit.Code, pid)
}

// AllocatedTeam is one team's row of an allocation.
type AllocatedTeam struct {
	ProjectID int64
	Team      string         // the members' names
	Lab       pairup.LabSlot // ID 0: no slot
	Rank      int            // 0: a slot the team did not rank, or none
}

// Allocation is a unit's allocation as its people read it.
type Allocation struct {
	pairup.AllocationRun
	Teams []AllocatedTeam
}

// Allocation returns the unit's allocation: coordinators see every team, a student their own
// team's row only. ENOTFOUND (it has not run), ECONFLICT (not a ranked unit).
func (s *Service) Allocation(ctx context.Context, acc Access) (Allocation, error) {
	if err := s.Authorize(ctx, acc, ReadUnit, ""); err != nil {
		return Allocation{}, err
	}
	if err := checkRanked(acc.Unit); err != nil {
		return Allocation{}, err
	}
	run, err := s.st.AllocationRun(ctx, acc.Unit.Code)
	if err != nil {
		return Allocation{}, err
	}
	results, err := s.st.AllocationResults(ctx, acc.Unit.Code)
	if err != nil {
		return Allocation{}, err
	}
	if !acc.Coordinates() {
		mine, err := s.st.ProjectIDOf(ctx, acc.Unit.Code, acc.Actor.Person.Number)
		if err != nil && pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return Allocation{}, err
		}
		results = slices.DeleteFunc(results, func(r pairup.AllocationResult) bool { return r.ProjectID != mine })
	}
	projects, err := s.st.Projects(ctx, acc.Unit.Code)
	if err != nil {
		return Allocation{}, err
	}
	labs, err := s.st.Labs(ctx, acc.Unit.Code)
	if err != nil {
		return Allocation{}, err
	}
	return allocationView(run, results, projects, labs), nil
}

func allocationView(run pairup.AllocationRun, results []pairup.AllocationResult, projects []pairup.Project, labs []pairup.LabSlot) Allocation {
	teams := map[int64]string{}
	for _, p := range projects {
		teams[p.ID] = p.Team()
	}
	slots := map[int64]pairup.LabSlot{}
	for _, l := range labs {
		slots[l.ID] = l
	}
	out := Allocation{AllocationRun: run, Teams: []AllocatedTeam{}}
	for _, r := range results {
		t := AllocatedTeam{ProjectID: r.ProjectID, Team: teams[r.ProjectID], Rank: r.Rank}
		if l, ok := slots[r.LabID]; ok {
			t.Lab = l
		}
		out.Teams = append(out.Teams, t)
	}
	return out
}

// RunAllocation books every team without a slot from the teams' rankings, now (coordinators;
// seed nil draws one): EFORBIDDEN; EINVALID (a seed out of range); ECONFLICT (not a ranked
// unit, archived, the allocation has run already).
func (s *Service) RunAllocation(ctx context.Context, acc Access, seed *int64) (Allocation, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return Allocation{}, err
	}
	var sd int64
	switch {
	case seed == nil:
		sd = rand.Int64N(MaxSeed + 1)
	case *seed < 0 || *seed > MaxSeed:
		return Allocation{}, pairup.FieldErrorf(pairup.EINVALID, "seed", "must be from 0 to %d", int64(MaxSeed))
	default:
		sd = *seed
	}
	a, ran, err := s.allocate(ctx, acc, sd, false)
	if err == nil && !ran {
		err = errAllocationRan
	}
	return a, err
}

// AllocateDue runs the allocation of every ranked unit whose sign-up has closed and whose
// allocation has not run, and returns how many it ran. Every instance calls it on a ticker;
// the unit's row lock and allocation_runs' key make each unit's run happen exactly once,
// whichever instance gets there first.
func (s *Service) AllocateDue(ctx context.Context) (int, error) {
	codes, err := s.st.DueAllocations(ctx, s.now())
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, code := range codes {
		u, err := s.st.Unit(ctx, code)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, ran, err := s.allocate(ctx, Access{Actor: AllocationServer, Unit: u}, rand.Int64N(MaxSeed+1), true)
		if err != nil {
			errs = append(errs, fmt.Errorf("allocate unit %s: %w", code, err))
		} else if ran {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// allocate runs the unit's allocation in one transaction under the unit's row lock: ran is
// false (and nothing changes) when it has run already or, automatic, is not due any more.
func (s *Service) allocate(ctx context.Context, acc Access, seed int64, automatic bool) (Allocation, bool, error) {
	var (
		out Allocation
		ran bool
	)
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		ran = false
		u, err := tx.UnitForUpdate(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if automatic && (u.Archived() || u.Policy.Booking != pairup.BookingRanked || u.Policy.Phase(s.now()) != pairup.PhaseClosed) {
			return nil // the policy changed since the unit was found due
		}
		if err := checkLive(u); err != nil {
			return err
		}
		if err := checkRanked(u); err != nil {
			return err
		}
		if _, err := tx.AllocationRun(ctx, u.Code); err == nil {
			return nil // another instance, or a coordinator, was first
		} else if pairup.ErrorCode(err) != pairup.ENOTFOUND {
			return err
		}
		unbooked, err := tx.LockUnbookedProjects(ctx, u.Code)
		if err != nil {
			return err
		}
		rankings, err := tx.UnitRankings(ctx, u.Code)
		if err != nil {
			return err
		}
		labs, err := tx.LockUnitLabs(ctx, u.Code)
		if err != nil {
			return err
		}
		var teams []AllocTeam
		var small []int64 // below team_min: they cannot book
		longest := 1
		for _, t := range unbooked {
			if t.Members < u.Policy.TeamMin {
				small = append(small, t.ID)
				continue
			}
			teams = append(teams, AllocTeam{ID: t.ID, Ranks: rankings[t.ID]})
			longest = max(longest, len(rankings[t.ID]))
		}
		var slots []AllocSlot
		slotList := make([]pairup.LabSlot, len(labs))
		for i, l := range labs {
			slotList[i] = l.LabSlot
			if free := l.Free(); free > 0 && u.SlotStart(l.LabSlot).After(s.now()) {
				slots = append(slots, AllocSlot{ID: l.ID, Free: free})
			}
		}
		placements := Allocate(teams, slots, seed)
		for _, pid := range small {
			placements = append(placements, Placement{Team: pid})
		}
		slices.SortFunc(placements, func(a, b Placement) int { return cmp.Compare(a.Team, b.Team) })
		results := make([]pairup.AllocationResult, len(placements))
		for i, p := range placements {
			results[i] = pairup.AllocationResult{ProjectID: p.Team, LabID: p.Lab, Rank: p.Rank}
			if p.Lab == 0 {
				continue
			}
			if err := tx.BookAllocated(ctx, u.Code, p.Team, p.Lab); err != nil {
				return slotFieldError(err)
			}
		}
		run := pairup.AllocationRun{
			Unit: u.Code, RanAt: s.now().UTC(), Seed: seed, ByName: acc.Actor.Person.Name, Automatic: automatic,
			Distribution: Distribution(placements, longest),
		}
		if !acc.Actor.CLI {
			run.ByNumber = acc.Actor.Person.Number
		}
		if err := tx.InsertAllocationRun(ctx, run, results); err != nil {
			return err
		}
		projects, err := tx.Projects(ctx, u.Code)
		if err != nil {
			return err
		}
		out = allocationView(run, results, projects, slotList)
		if err := s.auditAllocation(ctx, tx, acc, u, out); err != nil {
			return err
		}
		if err := s.noticeAllocation(ctx, tx, u, out, projects, small); err != nil {
			return err
		}
		ran = true
		return nil
	})
	if err == nil && ran {
		s.booked(BookedAllocation, bookedTeams(out))
	}
	return out, ran, err
}

// auditAllocation writes the allocation's one audit entry: seed, distribution and each team's
// slot and rank.
func (s *Service) auditAllocation(ctx context.Context, tx *store.Tx, acc Access, u pairup.Unit, a Allocation) error {
	entry := s.audit(Access{Actor: acc.Actor, Unit: u}, pairup.AuditAllocationRan)
	dist := make([]map[string]any, len(a.Distribution))
	for i, c := range a.Distribution {
		dist[i] = map[string]any{"rank": nonZeroOrNil(c.Rank), "placed": c.Placed, "teams": c.Teams}
	}
	teams := make([]map[string]any, len(a.Teams))
	for i, t := range a.Teams {
		teams[i] = map[string]any{"pid": t.ProjectID, "lab_id": nonZeroOrNil(t.Lab.ID), "rank": nonZeroOrNil(t.Rank)}
	}
	entry.Details = map[string]any{"seed": a.Seed, "automatic": a.Automatic, "distribution": dist, "teams": teams}
	return tx.Audit(ctx, entry)
}

// noticeAllocation tells every member of every team the allocation considered what it got, and
// pushes each booked team and slot.
func (s *Service) noticeAllocation(ctx context.Context, tx *store.Tx, u pairup.Unit, a Allocation, projects []pairup.Project, small []int64) error {
	members := map[int64][]string{}
	for _, p := range projects {
		members[p.ID] = memberNumbers(p)
	}
	for _, t := range a.Teams {
		var text string
		switch {
		case slices.Contains(small, t.ProjectID):
			text = fmt.Sprintf("The allocation could not book a slot for your team: a team of this unit has %s. A coordinator will place it.", sizeText(u.Policy))
		case t.Lab.ID == 0:
			text = "The allocation found no free slot for your team. A coordinator will place it."
		case t.Rank == 0:
			text = fmt.Sprintf("Your team got %s, a slot you did not rank.", t.Lab.Label())
		default:
			text = fmt.Sprintf("Your team got %s, your %s choice.", t.Lab.Label(), ordinal(t.Rank))
		}
		data := map[string]any{"pid": t.ProjectID, "lab_id": nonZeroOrNil(t.Lab.ID), "rank": nonZeroOrNil(t.Rank)}
		if err := s.notice(ctx, tx, u, pairup.NoticeAllocated, text, data, members[t.ProjectID]...); err != nil {
			return err
		}
		if t.Lab.ID != 0 {
			if err := tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: t.ProjectID, LabIDs: []int64{t.Lab.ID}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// ordinal writes 1 as "1st", 2 as "2nd" and so on.
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// nonZeroOrNil is v, or nil for zero (JSON null in audit details and notice data).
func nonZeroOrNil[T int | int64](v T) any {
	if v == 0 {
		return nil
	}
	return v
}
