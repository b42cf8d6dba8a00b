package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/db/dbgen"
)

// Ranking returns the team's ranking, best first (no labs and a nil UpdatedAt when it has not
// ranked).
func (q Queries) Ranking(ctx context.Context, unit string, pid int64) (pairup.Ranking, error) {
	rows, err := q.q.ListRanking(ctx, dbgen.ListRankingParams{Unit: unit, ProjectID: pid})
	if err != nil {
		return pairup.Ranking{}, fmt.Errorf("read ranking: %w", err)
	}
	r := pairup.Ranking{Unit: unit, ProjectID: pid, Labs: []pairup.RankedLab{}}
	for i, row := range rows {
		// Ranks are renumbered in order: a deleted slot leaves no gap.
		r.Labs = append(r.Labs, pairup.RankedLab{Rank: i + 1, Lab: pairup.LabSlot{ID: row.LabID, Unit: unit, Room: row.Room, StartsAt: row.StartsAt}})
		at := row.UpdatedAt.UTC()
		r.UpdatedAt = &at
	}
	return r, nil
}

// SetRanking replaces the team's ranking with labs, best first: ErrNoSlot when one is not a
// slot of the unit. The caller has checked the list (length, no slot twice).
func (tx Tx) SetRanking(ctx context.Context, unit string, pid int64, labs []int64, at time.Time) error {
	if err := tx.q.DeleteRanking(ctx, dbgen.DeleteRankingParams{Unit: unit, ProjectID: pid}); err != nil {
		return fmt.Errorf("clear ranking: %w", err)
	}
	err := tx.q.InsertRanking(ctx, dbgen.InsertRankingParams{Unit: unit, ProjectID: pid, UpdatedAt: at, Labs: labs})
	switch code, c := constraintViolated(err); {
	case err == nil:
		return nil
	case code == "23503" && c == "rankings_unit_lab_id_fkey":
		return pairup.ErrNoSlot
	case code == "23503":
		return errNoProject
	}
	return fmt.Errorf("write ranking: %w", err)
}

// UnitRankings returns every team's ranking in the unit: slot ids best first, by team id.
func (q Queries) UnitRankings(ctx context.Context, unit string) (map[int64][]int64, error) {
	rows, err := q.q.ListUnitRankings(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list rankings: %w", err)
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.ProjectID] = append(out[r.ProjectID], r.LabID)
	}
	return out, nil
}

// UnbookedTeam is a team without a slot and its size.
type UnbookedTeam struct {
	ID      int64
	Members int
}

// LockUnbookedProjects returns the unit's teams without a slot, their rows locked.
func (tx Tx) LockUnbookedProjects(ctx context.Context, unit string) ([]UnbookedTeam, error) {
	rows, err := tx.q.LockUnbookedProjects(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("lock teams without a slot: %w", err)
	}
	out := make([]UnbookedTeam, len(rows))
	for i, r := range rows {
		out[i] = UnbookedTeam{ID: r.ID, Members: int(r.Members)}
	}
	return out, nil
}

// LockedLab is a slot with its places held from a waitlist.
type LockedLab struct {
	pairup.LabSlot
	Held int
}

// Free is how many teams may still book the slot.
func (l LockedLab) Free() int { return max(0, l.Capacity-l.Booked-l.Held) }

// LockUnitLabs returns every slot of the unit with its rows locked, by id.
func (tx Tx) LockUnitLabs(ctx context.Context, unit string) ([]LockedLab, error) {
	rows, err := tx.q.LockUnitLabs(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("lock slots: %w", err)
	}
	out := make([]LockedLab, len(rows))
	for i, r := range rows {
		out[i] = LockedLab{LabSlot: pairup.LabSlot{ID: r.ID, Unit: unit, Room: r.Room, StartsAt: r.StartsAt, Capacity: int(r.Capacity), Booked: int(r.Booked)}, Held: int(r.Held)}
	}
	return out, nil
}

// BookAllocated books the slot for a team without one: ErrSlotFull; ECONFLICT when the team has
// a slot meanwhile or is gone.
func (tx Tx) BookAllocated(ctx context.Context, unit string, pid, lab int64) error {
	n, err := tx.q.BookAllocated(ctx, dbgen.BookAllocatedParams{Unit: unit, ID: pid, LabID: lab})
	if err != nil {
		return slotError(err)
	}
	if n == 0 {
		return pairup.Errorf(pairup.ECONFLICT, "team %d has a slot already", pid)
	}
	return nil
}

// rankCount is a RankCount as stored (allocation_runs.distribution); rank null for none.
type rankCount struct {
	Rank   *int `json:"rank"`
	Placed bool `json:"placed"`
	Teams  int  `json:"teams"`
}

// AllocationRun returns the unit's allocation: ENOTFOUND when it has not run.
func (q Queries) AllocationRun(ctx context.Context, unit string) (pairup.AllocationRun, error) {
	r, err := q.q.GetAllocationRun(ctx, unit)
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.AllocationRun{}, pairup.Errorf(pairup.ENOTFOUND, "the allocation has not run yet")
	} else if err != nil {
		return pairup.AllocationRun{}, fmt.Errorf("read allocation: %w", err)
	}
	var stored []rankCount
	if err := json.Unmarshal(r.Distribution, &stored); err != nil {
		return pairup.AllocationRun{}, fmt.Errorf("decode allocation distribution: %w", err)
	}
	run := pairup.AllocationRun{Unit: r.Unit, RanAt: r.RanAt.UTC(), Seed: r.Seed, ByNumber: deref(r.ByNumber), ByName: r.ByName, Automatic: r.Automatic}
	for _, c := range stored {
		run.Distribution = append(run.Distribution, pairup.RankCount{Rank: deref(c.Rank), Placed: c.Placed, Teams: c.Teams})
	}
	return run, nil
}

// InsertAllocationRun records the unit's allocation and what it gave each team: ECONFLICT
// (naming allocation) when the unit's allocation ran already.
func (tx Tx) InsertAllocationRun(ctx context.Context, run pairup.AllocationRun, results []pairup.AllocationResult) error {
	stored := make([]rankCount, len(run.Distribution))
	for i, c := range run.Distribution {
		stored[i] = rankCount{Rank: nonZero(c.Rank), Placed: c.Placed, Teams: c.Teams}
	}
	dist, err := json.Marshal(stored)
	if err != nil {
		return fmt.Errorf("encode allocation distribution: %w", err)
	}
	err = tx.q.InsertAllocationRun(ctx, dbgen.InsertAllocationRunParams{
		Unit: run.Unit, RanAt: run.RanAt, Seed: run.Seed, ByNumber: nonZero(run.ByNumber), ByName: run.ByName,
		Automatic: run.Automatic, Distribution: dist,
	})
	if _, c := constraintViolated(err); c == "allocation_runs_pkey" {
		return pairup.FieldErrorf(pairup.ECONFLICT, "allocation", "the unit's allocation has run already")
	} else if err != nil {
		return fmt.Errorf("record allocation: %w", err)
	}
	p := dbgen.InsertAllocationResultsParams{Unit: run.Unit}
	for _, r := range results {
		p.Pids, p.LabIds, p.Ranks = append(p.Pids, r.ProjectID), append(p.LabIds, r.LabID), append(p.Ranks, int32(r.Rank))
	}
	if len(results) == 0 {
		return nil
	}
	if err := tx.q.InsertAllocationResults(ctx, p); err != nil {
		return fmt.Errorf("record allocation results: %w", err)
	}
	return nil
}

// AllocationResults returns what the unit's allocation gave each team still there, by team id.
func (q Queries) AllocationResults(ctx context.Context, unit string) ([]pairup.AllocationResult, error) {
	rows, err := q.q.ListAllocationResults(ctx, unit)
	if err != nil {
		return nil, fmt.Errorf("list allocation results: %w", err)
	}
	out := make([]pairup.AllocationResult, len(rows))
	for i, r := range rows {
		out[i] = pairup.AllocationResult{ProjectID: r.ProjectID, LabID: r.LabID, Rank: int(r.Rank)}
	}
	return out, nil
}

// AllocationResult returns what the allocation gave the team; ok is false when it did not
// consider the team (or has not run).
func (q Queries) AllocationResult(ctx context.Context, unit string, pid int64) (res pairup.AllocationResult, ok bool, err error) {
	r, err := q.q.GetAllocationResult(ctx, dbgen.GetAllocationResultParams{Unit: unit, ProjectID: pid})
	if errors.Is(err, pgx.ErrNoRows) {
		return pairup.AllocationResult{}, false, nil
	} else if err != nil {
		return pairup.AllocationResult{}, false, fmt.Errorf("read allocation result: %w", err)
	}
	return pairup.AllocationResult{ProjectID: pid, LabID: r.LabID, Rank: int(r.Rank)}, true, nil
}

// DueAllocations returns the ranked, live units whose sign-up closed by now and whose
// allocation has not run.
func (q Queries) DueAllocations(ctx context.Context, now time.Time) ([]string, error) {
	codes, err := q.q.DueAllocations(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("list due allocations: %w", err)
	}
	return codes, nil
}
