package service_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
)

// bruteForce tries every assignment of the teams to a slot or to none within the free places
// and returns the most teams placed and, among those, the least total cost.
func bruteForce(teams []service.AllocTeam, slots []service.AllocSlot) (placed, cost int) {
	free := make([]int, len(slots))
	for j, s := range slots {
		free[j] = s.Free
	}
	best := [2]int{-1, 0}
	var try func(i, placed, cost int)
	try = func(i, placed, cost int) {
		if i == len(teams) {
			if placed > best[0] || placed == best[0] && cost < best[1] {
				best = [2]int{placed, cost}
			}
			return
		}
		try(i+1, placed, cost) // no place
		for j, s := range slots {
			if free[j] == 0 {
				continue
			}
			c := service.UnrankedCost
			if k := slices.Index(teams[i].Ranks, s.ID); k >= 0 {
				c = k + 1
			}
			free[j]--
			try(i+1, placed+1, cost+c)
			free[j]++
		}
	}
	try(0, 0, 0)
	return best[0], best[1]
}

// randomCase is up to 6 teams and 4 slots of capacity 0 to 2 (ids not in order), each team
// ranking some of the slots (or none, or a slot that is not offered).
func randomCase(r *rand.Rand) ([]service.AllocTeam, []service.AllocSlot) {
	slots := make([]service.AllocSlot, 1+r.IntN(4))
	for j := range slots {
		slots[j] = service.AllocSlot{ID: int64(100 + 7*j), Free: r.IntN(3)}
	}
	teams := make([]service.AllocTeam, 1+r.IntN(6))
	for i := range teams {
		teams[i] = service.AllocTeam{ID: int64(50 - 3*i)}
		for _, j := range r.Perm(len(slots))[:r.IntN(len(slots)+1)] {
			teams[i].Ranks = append(teams[i].Ranks, slots[j].ID)
		}
		if r.IntN(8) == 0 {
			teams[i].Ranks = append(teams[i].Ranks, 999) // a slot no longer offered
		}
	}
	return teams, slots
}

// check verifies that the placements are one per team, within the free places, with the ranks
// the teams gave, and returns how many were placed and the total cost.
func check(t *testing.T, teams []service.AllocTeam, slots []service.AllocSlot, ps []service.Placement) (placed, cost int) {
	t.Helper()
	if len(ps) != len(teams) {
		t.Fatalf("%d placements for %d teams", len(ps), len(teams))
	}
	used := map[int64]int{}
	for _, p := range ps {
		i := slices.IndexFunc(teams, func(x service.AllocTeam) bool { return x.ID == p.Team })
		if i < 0 {
			t.Fatalf("placement of unknown team %d", p.Team)
		}
		if p.Lab == 0 {
			if p.Rank != 0 {
				t.Fatalf("team %d has no slot but rank %d", p.Team, p.Rank)
			}
			continue
		}
		placed++
		used[p.Lab]++
		want := 0
		if k := slices.Index(teams[i].Ranks, p.Lab); k >= 0 {
			want = k + 1
		}
		if p.Rank != want {
			t.Fatalf("team %d in slot %d reported rank %d, its ranking %v says %d", p.Team, p.Lab, p.Rank, teams[i].Ranks, want)
		}
		cost += p.Cost()
	}
	for lab, n := range used {
		j := slices.IndexFunc(slots, func(s service.AllocSlot) bool { return s.ID == lab })
		if j < 0 || n > slots[j].Free {
			t.Fatalf("slot %d got %d teams; free places %v", lab, n, slots)
		}
	}
	return placed, cost
}

func TestAllocateIsOptimalAgainstBruteForce(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for c := range 3000 {
		teams, slots := randomCase(r)
		seed := r.Int64()
		ps := service.Allocate(teams, slots, seed)
		placed, cost := check(t, teams, slots, ps)
		wantPlaced, wantCost := bruteForce(teams, slots)
		if placed != wantPlaced || cost != wantCost {
			t.Fatalf("case %d: teams %v slots %v seed %d: placed %d at cost %d (%v); brute force %d at %d",
				c, teams, slots, seed, placed, cost, ps, wantPlaced, wantCost)
		}
	}
}

func TestAllocateSameSeedSameResult(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		teams, slots := randomCase(r)
		seed := r.Int64()
		first := service.Allocate(teams, slots, seed)
		// The input's order does not matter either: only the seed breaks ties.
		shuffled := slices.Clone(teams)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for range 3 {
			if again := service.Allocate(shuffled, slots, seed); !slices.Equal(first, again) {
				t.Fatalf("seed %d gave %v, then %v", seed, first, again)
			}
		}
	}
}

// Two teams want the same single place first: each seed gives it to one of them, and across
// seeds both win sometimes; neither the lower id nor the input order decides.
func TestAllocateSeedsBreakTiesDifferently(t *testing.T) {
	t.Parallel()
	teams := []service.AllocTeam{{ID: 1, Ranks: []int64{10, 20}}, {ID: 2, Ranks: []int64{10, 20}}}
	slots := []service.AllocSlot{{ID: 10, Free: 1}, {ID: 20, Free: 1}}
	winners := map[int64]int{}
	for seed := range int64(64) {
		ps := service.Allocate(teams, slots, seed)
		if placed, cost := check(t, teams, slots, ps); placed != 2 || cost != 3 {
			t.Fatalf("seed %d: %v", seed, ps)
		}
		for _, p := range ps {
			if p.Lab == 10 {
				winners[p.Team]++
			}
		}
	}
	if winners[1] == 0 || winners[2] == 0 {
		t.Fatalf("over 64 seeds the first choice went to %v: the seed does not break the tie", winners)
	}
}

func TestAllocatePlacesEveryoneWhilePlacesLast(t *testing.T) {
	t.Parallel()
	// Three teams all rank slot 1 only; two places there, one elsewhere, one team ranks nothing.
	teams := []service.AllocTeam{{ID: 1, Ranks: []int64{1}}, {ID: 2, Ranks: []int64{1}}, {ID: 3, Ranks: []int64{1}}, {ID: 4}}
	slots := []service.AllocSlot{{ID: 1, Free: 2}, {ID: 2, Free: 1}, {ID: 3, Free: 1}}
	ps := service.Allocate(teams, slots, 7)
	placed, cost := check(t, teams, slots, ps)
	if placed != 4 || cost != 1+1+service.UnrankedCost+service.UnrankedCost {
		t.Fatalf("placed %d at cost %d: %v", placed, cost, ps)
	}
	// More teams than places: as many as fit are placed, the rest are listed without a slot.
	ps = service.Allocate(teams, []service.AllocSlot{{ID: 1, Free: 2}}, 7)
	check(t, teams, []service.AllocSlot{{ID: 1, Free: 2}}, ps)
	n := 0
	for _, p := range ps {
		if p.Lab != 0 {
			n++
		}
	}
	if n != 2 || len(ps) != 4 {
		t.Fatalf("2 places for 4 teams: %v", ps)
	}
}

func TestDistribution(t *testing.T) {
	t.Parallel()
	ps := []service.Placement{{Team: 1, Lab: 5, Rank: 1}, {Team: 2, Lab: 6, Rank: 2}, {Team: 3, Lab: 6, Rank: 1}, {Team: 4, Lab: 7}, {Team: 5}}
	got := service.Distribution(ps, 3)
	want := []pairup.RankCount{{Rank: 1, Placed: true, Teams: 2}, {Rank: 2, Placed: true, Teams: 1}, {Rank: 3, Placed: true}, {Placed: true, Teams: 1}, {Teams: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
