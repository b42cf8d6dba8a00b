package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/store"
)

// AuditTeamMatched records a team made by "match the rest".
const AuditTeamMatched = "team.matched"

// MatchedDescription is the description of a team made by "match the rest"; its members change it.
const MatchedDescription = "Matched team"

// MaxMatchSeed is the largest seed: every seed survives a JSON number in a browser.
const MaxMatchSeed = 1<<53 - 1

// MaxMatchTeams is the most teams one "match the rest" may make.
const MaxMatchTeams = 1000

// MatchTeam is one proposed team: its members, the board tags at least two of them share, the
// session times every member who gave times can make (when two or more gave some), and why.
type MatchTeam struct {
	Members     []pairup.Student
	Tags, Times []string
	Reason      string
}

// MatchLeft is a student the proposal leaves for the coordinator, and why.
type MatchLeft struct {
	Student pairup.Student
	Reason  string
}

// MatchPlan is a proposal of "match the rest".
type MatchPlan struct {
	Seed      int64
	Teams     []MatchTeam
	Unmatched []MatchLeft
}

// PreviewMatch proposes teams for every student of the unit in no team (coordinators), and
// changes nothing. seed nil draws one: EFORBIDDEN, EINVALID (seed).
func (s *Service) PreviewMatch(ctx context.Context, acc Access, seed *int64) (MatchPlan, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return MatchPlan{}, err
	}
	var sd int64
	if seed == nil {
		sd = rand.Int64N(MaxMatchSeed + 1)
	} else if sd = *seed; sd < 0 || sd > MaxMatchSeed {
		return MatchPlan{}, pairup.FieldErrorf(pairup.EINVALID, "seed", "must be from 0 to %d", int64(MaxMatchSeed))
	}
	left, err := s.st.Unteamed(ctx, acc.Unit.Code)
	if err != nil {
		return MatchPlan{}, err
	}
	return GroupUnteamed(left, acc.Unit.Policy, sd), nil
}

// ApplyMatch makes each group a team without a slot, all or nothing, in one transaction
// (coordinators, in any phase of a unit that is not archived): EFORBIDDEN; EINVALID naming
// teams[i] (a malformed or repeated student number, a size outside the policy, someone who is
// not a student of the unit) or seed; ECONFLICT naming teams[i] (someone in a team by now),
// or archived. Each team gets an audit entry with its members and the seed, each member a notice.
func (s *Service) ApplyMatch(ctx context.Context, acc Access, seed int64, groups [][]string) ([]pairup.Project, error) {
	if err := s.Authorize(ctx, acc, CoordinateUnit, ""); err != nil {
		return nil, err
	}
	switch {
	case seed < 0 || seed > MaxMatchSeed:
		return nil, pairup.FieldErrorf(pairup.EINVALID, "seed", "must be from 0 to %d", int64(MaxMatchSeed))
	case len(groups) == 0:
		return nil, pairup.FieldErrorf(pairup.EINVALID, "teams", "must name at least one team")
	case len(groups) > MaxMatchTeams:
		return nil, pairup.FieldErrorf(pairup.EINVALID, "teams", "must name at most %d teams", MaxMatchTeams)
	}
	seen := map[string]int{}
	for i, g := range groups {
		field := fmt.Sprintf("teams[%d]", i)
		if len(g) == 0 || len(g) > pairup.MaxTeamSize {
			return nil, pairup.FieldErrorf(pairup.EINVALID, field, "must name 1 to %d students", pairup.MaxTeamSize)
		}
		for _, n := range g {
			if !pairup.ValidStudentNumber(n) {
				return nil, pairup.FieldErrorf(pairup.EINVALID, field, "%q is not an 8-digit student number", n)
			}
			if j, dup := seen[n]; dup {
				return nil, pairup.FieldErrorf(pairup.EINVALID, field, "names %s, who is in teams[%d] too", n, j)
			}
			seen[n] = i
		}
	}
	var made []pairup.Project
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		made = made[:0]
		u, err := tx.UnitForShare(ctx, acc.Unit.Code)
		if err != nil {
			return err
		}
		if err := s.checkPhase(acc, u); err != nil {
			return err
		}
		for i, g := range groups {
			field := fmt.Sprintf("teams[%d]", i)
			if len(g) < u.Policy.TeamMin || len(g) > u.Policy.TeamMax {
				return pairup.FieldErrorf(pairup.EINVALID, field, "a team of this unit has %s; this one would have %d", sizeText(u.Policy), len(g))
			}
			pid, err := tx.InsertProject(ctx, u.Code, MatchedDescription, 0)
			if err != nil {
				return err
			}
			for _, n := range g {
				// The student's pending invitations lapse, each with a notice (the database's
				// trigger alone would lapse them silently).
				if err := s.lapseStudentInvitations(ctx, tx, u, n); err != nil {
					return err
				}
				switch err := tx.AddMember(ctx, u.Code, pid, n); {
				case errors.Is(err, pairup.ErrNotStudentOfUnit):
					return pairup.FieldErrorf(pairup.EINVALID, field, "%s is not a student of this unit", n)
				case errors.Is(err, pairup.ErrInTeam):
					return pairup.FieldErrorf(pairup.ECONFLICT, field, "%s is in a team already", n)
				case errors.Is(err, pairup.ErrTeamFull):
					return pairup.FieldErrorf(pairup.EINVALID, field, "a team of this unit has %s", sizeText(u.Policy))
				case err != nil:
					return err
				}
			}
			p, err := tx.Project(ctx, pid)
			if err != nil {
				return err
			}
			made = append(made, p)
			entry := s.audit(acc, AuditTeamMatched)
			entry.ProjectID = pid
			entry.Details = map[string]any{"members": memberNumbers(p), "seed": seed}
			if err := tx.Audit(ctx, entry); err != nil {
				return err
			}
			for _, m := range p.Members {
				text := "You are in a new team, made by your coordinator's “match the rest”, with " + others(p, m.Number) + "."
				if err := s.notice(ctx, tx, u, pairup.NoticeMatched, text, map[string]any{"pid": pid}, m.Number); err != nil {
					return err
				}
			}
			if err := tx.Notify(ctx, pairup.Event{Kind: pairup.EventProjectChanged, Unit: u.Code, ProjectID: pid}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return made, nil
}

// others names the team's members other than the student, for a notice.
func others(p pairup.Project, number string) string {
	var names []string
	for _, m := range p.Members {
		if m.Number != number {
			names = append(names, m.Name)
		}
	}
	if len(names) == 0 {
		return "no one else (a team of one)"
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// matchSize is how many of n students can be put in teams within min..max (the largest m ≤ n
// that k teams of min to max members can hold), and the sizes of those teams: as few teams as
// possible, as equal as possible, larger first.
func matchSize(n, min, max int) (int, []int) {
	for m := n; m >= min && m > 0; m-- {
		k := (m + max - 1) / max // the fewest teams that hold m
		if k*min > m {
			continue
		}
		sizes := make([]int, k)
		for i := range sizes {
			sizes[i] = m / k
			if i < m%k {
				sizes[i]++
			}
		}
		return m, sizes
	}
	return 0, nil
}

// GroupUnteamed proposes teams within the policy's size for the students, deterministically for
// the seed: it leaves the fewest students unmatched (those not on the board first), then builds
// each team greedily from its most particular student (one who gave session times, then
// tags), adding whoever shares the most session times with the team, then the most tags;
// students who posted nothing fill in, and one whose times clash with the team's comes last.
// The seed's shuffle breaks every tie.
func GroupUnteamed(students []pairup.Unteamed, policy pairup.Policy, seed int64) MatchPlan {
	plan := MatchPlan{Seed: seed, Teams: []MatchTeam{}, Unmatched: []MatchLeft{}}
	pool := slices.Clone(students)
	slices.SortFunc(pool, func(a, b pairup.Unteamed) int { return cmp.Compare(a.Student.Number, b.Student.Number) })
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })

	n := len(pool)
	m, sizes := matchSize(n, policy.TeamMin, policy.TeamMax)
	if m < n {
		// Keep those on the board (they asked for a team); leave the last of the others.
		slices.SortStableFunc(pool, func(a, b pairup.Unteamed) int { return boolRank(a.OnBoard) - boolRank(b.OnBoard) })
		why := fmt.Sprintf("%d students without a team cannot all be put in teams of %s; %d %s left for you to place.",
			n, sizeWords(policy), n-m, plural(n-m, "is", "are"))
		if m == 0 {
			why = fmt.Sprintf("%d %s without a team: fewer than a team of this unit needs (%s); place them yourself.",
				n, plural(n, "student is", "students are"), sizeWords(policy))
		}
		for _, u := range pool[m:] {
			plan.Unmatched = append(plan.Unmatched, MatchLeft{Student: u.Student, Reason: why})
		}
		pool = pool[:m]
	}
	for _, size := range sizes {
		first := 0
		for i, u := range pool {
			if particular(u) > particular(pool[first]) {
				first = i
			}
		}
		team := []pairup.Unteamed{pool[first]}
		pool = slices.Delete(pool, first, first+1)
		for len(team) < size {
			times, tags := commonTimes(team, 1), teamTags(team)
			best, bestScore := 0, affinity(times, tags, pool[0])
			for i := 1; i < len(pool); i++ {
				if sc := affinity(times, tags, pool[i]); sc > bestScore {
					best, bestScore = i, sc
				}
			}
			team = append(team, pool[best])
			pool = slices.Delete(pool, best, best+1)
		}
		plan.Teams = append(plan.Teams, describeTeam(team))
	}
	return plan
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// particular ranks who starts a team: a student who gave session times (the fewer, the
// sooner: they are the hardest to place), then one who gave tags.
func particular(u pairup.Unteamed) int {
	switch {
	case len(u.Times) > 0:
		return 2000 - len(u.Times)
	case len(u.Tags) > 0:
		return 1000 - len(u.Tags)
	}
	return 0
}

// commonTimes is the times every member who gave times can make; nil when fewer than min gave any.
func commonTimes(team []pairup.Unteamed, min int) []string {
	var common []string
	gave := 0
	for _, u := range team {
		if len(u.Times) == 0 {
			continue
		}
		if gave++; gave == 1 {
			common = slices.Clone(u.Times)
		} else {
			common = slices.DeleteFunc(common, func(t string) bool { return !slices.Contains(u.Times, t) })
		}
	}
	if gave < min {
		return nil
	}
	if common == nil {
		common = []string{}
	}
	return common
}

// teamTags is every tag someone in the team has.
func teamTags(team []pairup.Unteamed) map[string]bool {
	tags := map[string]bool{}
	for _, m := range team {
		for _, t := range m.Tags {
			tags[t] = true
		}
	}
	return tags
}

// affinity scores adding u to a team whose members who gave times can all make times (nil when
// none gave any) and who have tags: a session time in common counts most (20 for each shared
// time), then each tag someone in the team has (10 each); times that clash with the team's put
// u last.
func affinity(times []string, tags map[string]bool, u pairup.Unteamed) int {
	score := 0
	if times != nil && len(u.Times) > 0 {
		shared := 0
		for _, t := range u.Times {
			if slices.Contains(times, t) {
				shared++
			}
		}
		if shared > 0 {
			// Of two who fit, the one with fewer other times: the other has more chances left.
			score += 1000 + 20*shared - (len(u.Times) - shared)
		} else {
			score -= 1000
		}
	}
	for _, tag := range u.Tags {
		if tags[tag] {
			score += 10
		}
	}
	return score
}

// describeTeam writes a proposed team: its shared tags and times, and why.
func describeTeam(team []pairup.Unteamed) MatchTeam {
	t := MatchTeam{Tags: []string{}, Times: []string{}}
	count := map[string]int{}
	onBoard := 0
	for _, u := range team {
		t.Members = append(t.Members, u.Student)
		for _, tag := range u.Tags {
			count[tag]++
		}
		if u.OnBoard {
			onBoard++
		}
	}
	for tag, c := range count {
		if c >= 2 {
			t.Tags = append(t.Tags, tag)
		}
	}
	slices.Sort(t.Tags)
	if times := commonTimes(team, 2); times != nil {
		t.Times = times
	}
	var parts []string
	if len(t.Times) > 0 {
		parts = append(parts, "can all make "+strings.Join(t.Times, ", "))
	}
	if len(t.Tags) > 0 {
		parts = append(parts, "share "+strings.Join(t.Tags, ", "))
	}
	switch {
	case len(team) == 1:
		t.Reason = "A team of one, as this unit allows."
	case len(parts) > 0:
		who := "They"
		if len(t.Times) > 0 && slices.ContainsFunc(team, func(u pairup.Unteamed) bool { return len(u.Times) == 0 }) {
			who = "Those who gave times"
		}
		t.Reason = who + " " + strings.Join(parts, " and ") + "."
	case onBoard == 0:
		t.Reason = "None of them posted on the board; grouped by the seed's draw."
	default:
		t.Reason = "No board preferences in common; grouped to fill the team."
	}
	return t
}

func sizeWords(p pairup.Policy) string {
	if p.TeamMin == p.TeamMax {
		return fmt.Sprintf("%d", p.TeamMin)
	}
	return fmt.Sprintf("%d to %d", p.TeamMin, p.TeamMax)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
