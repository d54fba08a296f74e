package restore

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// scanOrder is the reference's ordering loop verbatim (RESTORE §2.4): restart from the front
// after every emission. orderMembers must agree with it.
func scanOrder(members []Member) ([]string, bool) {
	remaining := slices.Clone(members)
	inPlan := map[string]bool{}
	for _, m := range members {
		inPlan[m.SourceCanister] = true
	}
	emitted := map[string]bool{}
	var out []string
	for len(remaining) > 0 {
		i := slices.IndexFunc(remaining, func(m Member) bool {
			p := m.ParentSourceCanister
			return p == nil || !inPlan[*p] || emitted[*p]
		})
		if i < 0 {
			return nil, false
		}
		emitted[remaining[i].SourceCanister] = true
		out = append(out, remaining[i].SourceCanister)
		remaining = slices.Delete(remaining, i, i+1)
	}
	return out, true
}

// randomMembers is a shuffled forest of n members, some of whose parents are outside the plan.
func randomMembers(r *rand.Rand, n int) []Member {
	members := make([]Member, n)
	for i := range members {
		members[i].SourceCanister = fmt.Sprintf("m%d", i)
		switch {
		case i == 0 || r.IntN(5) == 0:
		case r.IntN(7) == 0:
			members[i].ParentSourceCanister = sp("outside")
		default:
			members[i].ParentSourceCanister = sp(fmt.Sprintf("m%d", r.IntN(i)))
		}
	}
	r.Shuffle(n, func(i, j int) { members[i], members[j] = members[j], members[i] })
	return members
}

func TestOrderingMatchesReferenceScan(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		members := randomMembers(r, 1+r.IntN(30))
		want, _ := scanOrder(members)
		got, err := orderMembers(members)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i].SourceCanister != want[i] || got[i].MemberOrder != i {
				t.Fatalf("round %d: got %v at %d, want %v", round, got[i].SourceCanister, i, want)
			}
		}
	}
}

// Siblings keep manifest order and a deep member may precede an unrelated shallow one.
func TestOrderingIsNotADepthSort(t *testing.T) {
	members := []Member{
		{SourceCanister: "b", ParentSourceCanister: sp("a")},
		{SourceCanister: "c", ParentSourceCanister: sp("b")},
		{SourceCanister: "a"},
		{SourceCanister: "d", ParentSourceCanister: sp("a")},
	}
	got, err := orderMembers(members)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range got {
		ids = append(ids, m.SourceCanister)
	}
	if !slices.Equal(ids, []string{"a", "b", "c", "d"}) {
		t.Fatalf("got %v", ids)
	}
}

func TestOrderingCycle(t *testing.T) {
	members := []Member{
		{SourceCanister: "a", ParentSourceCanister: sp("b")},
		{SourceCanister: "b", ParentSourceCanister: sp("a")},
	}
	if _, err := orderMembers(members); !errors.Is(err, ErrRestoreOrderCycle) {
		t.Fatalf("got %v", err)
	}
}
