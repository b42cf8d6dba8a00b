package pairup

import "time"

// AuditAllocationRan records a unit's ranked allocation: its seed, the rank distribution and
// what each team got.
const AuditAllocationRan = "allocation.ran"

// RankedLab is one slot of a team's ranking.
type RankedLab struct {
	Rank int // 1 is the team's first choice
	Lab  LabSlot
}

// Ranking is a team's ranking of its unit's slots, best first. UpdatedAt is nil while the team
// has not ranked.
type Ranking struct {
	Unit      string
	ProjectID int64
	Labs      []RankedLab
	UpdatedAt *time.Time
}

// RankCount is how many teams an allocation gave one outcome: rank Rank (1..10), a slot they
// did not rank (Rank 0, Placed) or no place (Rank 0, not Placed).
type RankCount struct {
	Rank   int
	Placed bool
	Teams  int
}

// AllocationRun is a unit's one ranked allocation.
type AllocationRun struct {
	Unit      string
	RanAt     time.Time
	Seed      int64 // the tie-breaking draw's seed: the same seed and rankings give the same result
	ByNumber  string
	ByName    string // the coordinator who started it, or the server at closes_at
	Automatic bool
	// Distribution counts the teams by the rank they got, then a slot they did not rank, then
	// no place.
	Distribution []RankCount
}

// AllocationResult is what the allocation gave one team: a slot (LabID 0: none could be found)
// and the rank the team had given it (0: a slot it did not rank).
type AllocationResult struct {
	ProjectID int64
	LabID     int64
	Rank      int
}
