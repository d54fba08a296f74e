package dispatch

import (
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

func buildPlan(t testing.TB, entries []registry.Entry, selected string) *plan.Plan {
	t.Helper()
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-1", RunID: "run-1", Fleet: "f", Network: "local", RootCanisterID: entries[0].Pid,
		SelectedCanisterID: &selected, Scope: plan.ScopeSubtree, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// seqOf finds an operation's sequence by id.
func seqOf(t testing.TB, p *plan.Plan, id string) int {
	t.Helper()
	for i, ph := range p.Phases {
		if ph.OperationID == id {
			return i
		}
	}
	t.Fatalf("no operation %s", id)
	return -1
}

func TestParallelGraph(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2, 2}})
	hub, mid, leaf := entries[1].Pid, entries[2].Pid, entries[4].Pid
	p := buildPlan(t, entries, hub)
	g := Build(p, Parallel)
	if got := g.Initial(); len(got) != 1 || got[0] != seqOf(t, p, "stop-"+hub) {
		t.Fatalf("initial = %v, want only stop-%s (the selection's top)", got, hub)
	}
	checks := map[string]int{
		"stop-" + mid:       1, // its parent's stop
		"snapshot-" + leaf:  1, // the stopped barrier
		"start-" + leaf:     1, // the snapshotted barrier
		"start-" + mid:      3, // barrier + two children
		"start-" + hub:      3, // barrier + two children
		"download-" + leaf:  1, // the started barrier
		"verify-" + leaf:    1,
		"finalize-manifest": len(p.Targets) + 1, // every verify, and the top's start
	}
	for id, want := range checks {
		if got := g.Need(seqOf(t, p, id)); got != want {
			t.Errorf("%s waits for %d, want %d", id, got, want)
		}
	}
	if got := g.Need(g.Ops); got != len(p.Targets) {
		t.Errorf("stopped barrier waits for %d, want %d", got, len(p.Targets))
	}
	for _, e := range g.Successors(seqOf(t, p, "snapshot-"+leaf)) {
		if !g.IsBarrier(e.To) {
			t.Errorf("snapshot-%s leads to %s: only the snapshotted barrier may wait for it", leaf, p.Phases[e.To].OperationID)
		}
	}
	// Downloads wait for every start (the started barrier): transfers never compete with
	// the calls that keep canisters down. Only the selection's top passes the barrier: it
	// starts after every other start.
	started := g.Ops + 2
	if g.BarrierName(started) != BarrierStarted || g.Need(started) != 1 || g.Predecessors(started)[0] != seqOf(t, p, "start-"+hub) {
		t.Errorf("barrier %s waits for %v, want %s waiting for start-%s alone", g.BarrierName(started), g.Predecessors(started), BarrierStarted, hub)
	}
	var fromStarted []string
	for _, e := range g.Successors(started) {
		fromStarted = append(fromStarted, p.Phases[e.To].OperationID)
	}
	if len(fromStarted) != len(p.Targets) || !slices.Contains(fromStarted, "download-"+leaf) {
		t.Errorf("the started barrier leads to %v, want every download, download-%s among them", fromStarted, leaf)
	}
	if succ := g.Successors(seqOf(t, p, "start-"+leaf)); len(succ) != 1 || succ[0].To != seqOf(t, p, "start-"+mid) {
		t.Errorf("start-%s leads to %v, want its parent's start alone", leaf, succ)
	}
}

func TestStrictGraphIsAChain(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2}})
	p := buildPlan(t, entries, entries[1].Pid)
	g := Build(p, Strict)
	first := 4 // after the four validate operations
	if got := g.Initial(); len(got) != 1 || got[0] != first {
		t.Fatalf("initial = %v, want [%d]", got, first)
	}
	for seq := first; seq < len(p.Phases)-1; seq++ {
		succ := g.Successors(seq)
		if len(succ) != 1 || succ[0].To != seq+1 || g.Need(seq+1) != 1 {
			t.Fatalf("operation %d does not lead to %d alone: %v", seq, seq+1, succ)
		}
	}
}

// The graph has O(N) edges (at most ten per target: stop→parent stop, stop→barrier,
// barrier→snapshot, snapshot→barrier, barrier→start, start→parent start (or, for a top,
// start→finalize), start→barrier, barrier→download, download→verify, verify→finalize): no
// node links to every other.
func TestGraphEdgesLinear(t *testing.T) {
	for _, n := range []int{100, 1000} {
		entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, n}})
		p := buildPlan(t, entries, entries[1].Pid)
		g := Build(p, Parallel)
		edges := 0
		for node := range g.Nodes() {
			edges += len(g.Successors(node))
		}
		if targets := len(p.Targets); targets != n+1 || edges > 10*targets {
			t.Errorf("%d targets: %d edges, want at most %d", targets, edges, 10*targets)
		}
	}
}

func TestDepsMarkIdempotent(t *testing.T) {
	d := NewDeps(10)
	if !d.Mark(3) || d.Mark(3) || d.Count() != 1 || d.Satisfied() {
		t.Fatalf("deps after marking slot 3 twice: %+v", d)
	}
	for i := range 10 {
		d.Mark(i)
	}
	if !d.Satisfied() || d.Mark(10) || d.Mark(-1) {
		t.Fatalf("deps = %+v", d)
	}
	if !NewDeps(0).Satisfied() {
		t.Fatal("a node without predecessors must be satisfied")
	}
}

// An operation is read-gated exactly when it has between one and ReadGateMax predecessors:
// every operation of a small run but finalize (which waits for every verify); a start whose
// children outnumber ReadGateMax is marked by them.
func TestReadGated(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2, 2}})
	hub, mid, leaf := entries[1].Pid, entries[2].Pid, entries[4].Pid
	p := buildPlan(t, entries, hub)
	g := Build(p, Parallel)
	for id, want := range map[string]bool{
		"snapshot-" + hub: true, "start-" + leaf: true, "download-" + mid: true, "start-" + mid: true,
		"stop-" + leaf: true, "verify-" + leaf: true, "stop-" + hub: false, "finalize-manifest": len(p.Targets)+1 <= ReadGateMax,
	} {
		if got := g.ReadGated(seqOf(t, p, id)); got != want {
			t.Errorf("%s read-gated = %v, want %v", id, got, want)
		}
	}
	if g.ReadGated(g.Ops) {
		t.Error("a barrier is read-gated")
	}
	wide := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, ReadGateMax + 1}})
	wp := buildPlan(t, wide, wide[1].Pid)
	wg := Build(wp, Parallel)
	if top := seqOf(t, wp, "start-"+wide[1].Pid); wg.ReadGated(top) || wg.Need(top) != ReadGateMax+2 {
		t.Errorf("the start of a parent of %d children is read-gated (%d predecessors)", ReadGateMax+1, wg.Need(top))
	}
	if !Build(p, Strict).ReadGated(seqOf(t, p, "snapshot-"+leaf)) {
		t.Error("an operation of a strict run (one predecessor) is not read-gated")
	}
}
