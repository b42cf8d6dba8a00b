package service_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/api/service"
)

// unteamed makes n students with no board entry, numbered from 40000000.
func unteamed(n int) []pairup.Unteamed {
	out := make([]pairup.Unteamed, n)
	for i := range out {
		num := fmt.Sprintf("%08d", 40000000+i)
		out[i] = pairup.Unteamed{Student: pairup.Student{Number: num, Name: "S" + num}}
	}
	return out
}

// splittable reports whether m students can all be put in teams of min to max.
func splittable(m, min, max int) bool {
	for k := 1; k*min <= m; k++ {
		if m <= k*max {
			return true
		}
	}
	return false
}

// TestGroupSizesWithinPolicy: for every policy 1 ≤ min ≤ max ≤ 10 and every n up to 60, every
// proposed team is within the policy, everyone is either in one team or unmatched (once), and
// the unmatched are the fewest possible (checked against every smaller count).
func TestGroupSizesWithinPolicy(t *testing.T) {
	t.Parallel()
	for min := 1; min <= pairup.MaxTeamSize; min++ {
		for max := min; max <= pairup.MaxTeamSize; max++ {
			for n := 0; n <= 60; n++ {
				plan := service.GroupUnteamed(unteamed(n), pairup.Policy{TeamMin: min, TeamMax: max}, int64(n))
				seen := map[string]bool{}
				matched := 0
				for _, team := range plan.Teams {
					if len(team.Members) < min || len(team.Members) > max {
						t.Fatalf("policy %d..%d, n=%d: a team of %d", min, max, n, len(team.Members))
					}
					for _, m := range team.Members {
						if seen[m.Number] {
							t.Fatalf("policy %d..%d, n=%d: %s twice", min, max, n, m.Number)
						}
						seen[m.Number] = true
					}
					matched += len(team.Members)
				}
				for _, u := range plan.Unmatched {
					if seen[u.Student.Number] || u.Reason == "" {
						t.Fatalf("policy %d..%d, n=%d: unmatched %+v", min, max, n, u)
					}
					seen[u.Student.Number] = true
				}
				if len(seen) != n {
					t.Fatalf("policy %d..%d, n=%d: %d placed", min, max, n, len(seen))
				}
				best := 0
				for m := n; m > 0; m-- {
					if splittable(m, min, max) {
						best = m
						break
					}
				}
				if matched != best {
					t.Fatalf("policy %d..%d, n=%d: %d matched, %d could be", min, max, n, matched, best)
				}
			}
		}
	}
}

// TestGroupHonoursTimesThenTags: students who share a session time end up together, then
// those who share a tag; students with no entry fill in; for every seed tried.
func TestGroupHonoursTimesThenTags(t *testing.T) {
	t.Parallel()
	s := unteamed(8)
	t1, t2, t3 := "2027-05-04T09:00", "2027-05-04T10:00", "2027-05-05T14:00"
	s[0].OnBoard, s[0].Times, s[0].Tags = true, []string{t1}, []string{"vue"}
	s[5].OnBoard, s[5].Times, s[5].Tags = true, []string{t1, t3}, []string{"go"}
	s[2].OnBoard, s[2].Times = true, []string{t2}
	s[7].OnBoard, s[7].Times = true, []string{t2, t3}
	s[1].OnBoard, s[1].Tags = true, []string{"go", "sql"}
	s[6].OnBoard, s[6].Tags = true, []string{"sql"}
	want := [][]string{{s[0].Student.Number, s[5].Student.Number}, {s[1].Student.Number, s[6].Student.Number},
		{s[2].Student.Number, s[7].Student.Number}, {s[3].Student.Number, s[4].Student.Number}}
	for seed := range int64(60) {
		plan := service.GroupUnteamed(s, pairup.Policy{TeamMin: 2, TeamMax: 2}, seed)
		var got [][]string
		for _, team := range plan.Teams {
			var nums []string
			for _, m := range team.Members {
				nums = append(nums, m.Number)
			}
			slices.Sort(nums)
			got = append(got, nums)
			switch nums[0] {
			case s[0].Student.Number:
				if !slices.Equal(team.Times, []string{t1}) || len(team.Tags) != 0 || !strings.Contains(team.Reason, t1) {
					t.Errorf("seed %d: team %v: times %v tags %v reason %q", seed, nums, team.Times, team.Tags, team.Reason)
				}
			case s[1].Student.Number:
				if !slices.Equal(team.Tags, []string{"sql"}) || len(team.Times) != 0 {
					t.Errorf("seed %d: team %v: times %v tags %v", seed, nums, team.Times, team.Tags)
				}
			}
		}
		slices.SortFunc(got, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
		if !reflect.DeepEqual(got, want) || len(plan.Unmatched) != 0 {
			t.Fatalf("seed %d: teams %v, want %v; unmatched %v", seed, got, want, plan.Unmatched)
		}
	}
}

// TestGroupSameSeedSameResult: the same seed gives the same plan whatever order the students
// come in; different seeds give different plans (for students with nothing to tell them apart).
func TestGroupSameSeedSameResult(t *testing.T) {
	t.Parallel()
	s := unteamed(12)
	s[3].OnBoard, s[3].Tags = true, []string{"go"}
	s[9].OnBoard, s[9].Tags = true, []string{"go"}
	policy := pairup.Policy{TeamMin: 2, TeamMax: 3}
	reversed := slices.Clone(s)
	slices.Reverse(reversed)
	distinct := map[string]bool{}
	for seed := range int64(20) {
		a := service.GroupUnteamed(s, policy, seed)
		b := service.GroupUnteamed(reversed, policy, seed)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: %+v and %+v", seed, a, b)
		}
		if a.Seed != seed {
			t.Fatalf("seed %d recorded as %d", seed, a.Seed)
		}
		distinct[fmt.Sprint(a.Teams)] = true
	}
	if len(distinct) < 10 {
		t.Fatalf("20 seeds gave %d distinct plans", len(distinct))
	}
}

// TestGroupLeavesOthersBeforeBoard: when the count cannot be split, the students left over
// are ones who did not post on the board, and they are told why.
func TestGroupLeavesOthersBeforeBoard(t *testing.T) {
	t.Parallel()
	s := unteamed(7)
	for i := range 6 {
		s[i].OnBoard = true
	}
	for seed := range int64(30) {
		plan := service.GroupUnteamed(s, pairup.Policy{TeamMin: 3, TeamMax: 3}, seed)
		if len(plan.Teams) != 2 || len(plan.Unmatched) != 1 || plan.Unmatched[0].Student.Number != s[6].Student.Number {
			t.Fatalf("seed %d: %+v", seed, plan)
		}
		if r := plan.Unmatched[0].Reason; !strings.Contains(r, "7 students") || !strings.Contains(r, "teams of 3") {
			t.Fatalf("reason %q", r)
		}
	}
	plan := service.GroupUnteamed(unteamed(2), pairup.Policy{TeamMin: 3, TeamMax: 4}, 1)
	if len(plan.Teams) != 0 || len(plan.Unmatched) != 2 || !strings.Contains(plan.Unmatched[0].Reason, "fewer than") {
		t.Fatalf("two students, teams of 3 to 4: %+v", plan)
	}
}

// TestNormalizeBoardEntry: the note, tags and times rules, each naming its field.
func TestNormalizeBoardEntry(t *testing.T) {
	t.Parallel()
	e, err := pairup.NormalizeBoardEntry("  Keen on <b>Go</b>  ", []string{" Back  End ", "back end", "GO", "c-sharp", "Ünïcode"},
		[]string{"2027-05-04T10:00", "2027-05-04T09:00", "2027-05-04T10:00"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Note != "Keen on <b>Go</b>" || !slices.Equal(e.Tags, []string{"back end", "go", "c-sharp", "ünïcode"}) ||
		!slices.Equal(e.Times, []string{"2027-05-04T09:00", "2027-05-04T10:00"}) {
		t.Fatalf("normalized %+v", e)
	}
	for _, c := range []struct {
		note        string
		tags, times []string
		field       string
	}{
		{note: strings.Repeat("x", 281), field: "note"},
		{note: "two\nlines", field: "note"},
		{note: "bad \xff", field: "note"},
		{tags: []string{"a", "b", "c", "d", "e", "f"}, field: "tags"},
		{tags: []string{" "}, field: "tags"},
		{tags: []string{strings.Repeat("a", 25)}, field: "tags"},
		{tags: []string{"c++"}, field: "tags"},
		{times: []string{"2027-05-04 09:00"}, field: "times"},
		{times: []string{"2027-05-04T09:00", "2027-05-04T09:01", "2027-05-04T09:02", "2027-05-04T09:03", "2027-05-04T09:04", "2027-05-04T09:05",
			"2027-05-04T09:06", "2027-05-04T09:07", "2027-05-04T09:08", "2027-05-04T09:09", "2027-05-04T09:10"}, field: "times"},
	} {
		_, err := pairup.NormalizeBoardEntry(c.note, c.tags, c.times)
		wantError(t, fmt.Sprintf("%+v", c), err, pairup.EINVALID, c.field)
	}
	if _, err := pairup.NormalizeBoardEntry(strings.Repeat("é", 280), []string{strings.Repeat("a", 24)}, nil); err != nil {
		t.Fatalf("280 characters and a 24-character tag: %v", err)
	}
}

// TestGroupALargeUnit: a unit of 1500 students, half on the board with times and tags, is
// grouped within the policy (and quickly: the grouping is quadratic at worst).
func TestGroupALargeUnit(t *testing.T) {
	t.Parallel()
	s := unteamed(1500)
	for i := range s {
		if i%2 == 0 {
			s[i].OnBoard = true
			s[i].Times = []string{fmt.Sprintf("2027-05-%02dT09:00", 1+i%7)}
			s[i].Tags = []string{fmt.Sprintf("tag%d", i%11)}
		}
	}
	plan := service.GroupUnteamed(s, pairup.Policy{TeamMin: 3, TeamMax: 4}, 99)
	placed := len(plan.Unmatched)
	for _, team := range plan.Teams {
		if len(team.Members) < 3 || len(team.Members) > 4 {
			t.Fatalf("a team of %d", len(team.Members))
		}
		placed += len(team.Members)
	}
	if placed != 1500 || len(plan.Unmatched) != 0 {
		t.Fatalf("%d placed, %d unmatched", placed, len(plan.Unmatched))
	}
}
