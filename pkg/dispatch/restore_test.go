package dispatch

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// restorePlan is a restore-shaped plan over a hub with n children: four validate phases, then
// per member upload, stop, load, start (children first), one check each, one deployment check
// and finalize-restore.
func restorePlan(n int) *plan.Plan {
	hub := "hub"
	ids := []string{hub}
	for i := range n {
		ids = append(ids, "child-"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	p := &plan.Plan{}
	for _, id := range ids {
		t := plan.Target{CanisterID: id}
		if id != hub {
			t.ParentCanisterID = &hub
		}
		p.Targets = append(p.Targets, t)
	}
	add := func(kind plan.OperationKind, target *string) {
		p.Phases = append(p.Phases, plan.Operation{Order: uint32(len(p.Phases)), Kind: kind, TargetCanisterID: target})
	}
	for range 4 {
		add(plan.KindValidateTopology, nil)
	}
	for _, kind := range []plan.OperationKind{plan.KindUploadSnapshot, plan.KindStop, plan.KindLoadSnapshot} {
		for i := range ids {
			add(kind, &ids[i])
		}
	}
	for i := len(ids) - 1; i >= 0; i-- {
		add(plan.KindStart, &ids[i])
	}
	for i := range ids {
		add(plan.KindCheckMember, &ids[i])
	}
	add(plan.KindCheckMember, nil)
	add(plan.KindFinalizeRestore, nil)
	return p
}

func TestRestoreGraphPhases(t *testing.T) {
	p := restorePlan(3)
	g := Build(p, Parallel)
	if got := len(g.Initial()); got != 4 {
		t.Fatalf("initial = %v, want the 4 uploads", g.Initial())
	}
	need := map[string]int{}
	for seq, ph := range p.Phases {
		if ph.TargetCanisterID != nil {
			need[string(ph.Kind)+" "+*ph.TargetCanisterID] = g.Need(seq)
		}
	}
	want := map[string]int{
		"stop hub": 1, "stop child-aa": 2, // all uploads; + parent's stop
		"load-snapshot hub": 1, "load-snapshot child-aa": 2, // all stops; + parent's load
		"start hub": 4, "start child-aa": 1, // all loads + three children; all loads
		"check-member hub": 1, // all starts
	}
	for k, v := range want {
		if need[k] != v {
			t.Errorf("%s waits for %d, want %d", k, need[k], v)
		}
	}
	if g.Need(len(p.Phases)-1) != 2 || g.Need(len(p.Phases)-2) != 1 {
		t.Errorf("finalize waits for %d (want the checked barrier and the deployment check), deployment check for %d",
			g.Need(len(p.Phases)-1), g.Need(len(p.Phases)-2))
	}
}

// O(N) edges: at most a fixed number per member, whatever N.
func TestRestoreGraphEdgesLinear(t *testing.T) {
	for _, n := range []int{50, 500} {
		g := Build(restorePlan(n), Parallel)
		edges := 0
		for node := range g.Nodes() {
			edges += len(g.Successors(node))
		}
		if members := n + 1; edges > 12*members+4 {
			t.Errorf("%d members: %d edges", members, edges)
		}
	}
}
