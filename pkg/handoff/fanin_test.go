package handoff

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/plan/plantest"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// newStore opens a store on a fresh installation.
func newStore(t *testing.T) *runstore.Store {
	t.Helper()
	js, names := bustest.Installation(t)
	s, err := runstore.OpenStore(t.Context(), js, names)
	must(t, err)
	return s
}

// seed plans a subtree backup of entries[1] in parallel order and seeds its records.
func (f *fixture) seed(t *testing.T, entries []registry.Entry) {
	t.Helper()
	var err error
	f.p, err = plantest.SubtreePlan(entries, runID)
	must(t, err)
	j, err := journal.New(f.p)
	must(t, err)
	f.store = newStore(t)
	f.g = dispatch.Build(f.p, dispatch.Parallel)
	must(t, f.store.Seed(t.Context(), j, f.g))
}

// wideFixture is a seeded run over a hub with 150 children: the stopped barrier waits for 151
// stops, so it is a tree of shards under a root.
func wideFixture(t *testing.T) fixture {
	t.Helper()
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 150}})
	f := fixture{pids: map[string]string{}}
	f.seed(t, entries)
	return f
}

// Every stop completing, in random order and some twice, with one shard's mark in the root
// lost as by a crash: every shard record stays within BarrierFanIn bits, the barrier passes,
// and every snapshot is published exactly once.
func TestWideBarrierIsATreeAndPassesOnce(t *testing.T) {
	f := wideFixture(t)
	var stops []int
	for seq, ph := range f.p.Phases {
		if ph.Kind == plan.KindStop {
			stops = append(stops, seq)
		}
	}
	shards := dispatch.BarrierShards(len(stops))
	if want := (len(stops) + dispatch.BarrierFanIn - 1) / dispatch.BarrierFanIn; shards != want || shards < 2 {
		t.Fatalf("%d stops make %d shards, want %d (at least 2)", len(stops), shards, want)
	}
	rand.New(rand.NewPCG(3, 5)).Shuffle(len(stops), func(i, j int) { stops[i], stops[j] = stops[j], stops[i] })
	h := Publisher{Store: f.store}
	for i, seq := range stops {
		must(t, h.Propagate(t.Context(), runID, f.g, seq))
		if i%7 == 0 {
			must(t, h.Propagate(t.Context(), runID, f.g, seq)) // a redelivery
		}
	}
	for k := range shards {
		shard := get(t, f.store.Barriers, runstore.BarrierShardKey(runID, dispatch.BarrierStopped, k))
		if shard.Deps.Need > dispatch.BarrierFanIn || !shard.Deps.Satisfied() {
			t.Errorf("shard %d: %d of %d bits", k, shard.Deps.Count(), shard.Deps.Need)
		}
	}
	if root := get(t, f.store.Barriers, stoppedKey); root.Deps.Need != shards || !root.Passed {
		t.Fatalf("root: %+v, want %d shard bits, passed", root, shards)
	}
	var snaps []int
	for seq, ph := range f.p.Phases {
		if ph.Kind == plan.KindCreateSnapshot {
			snaps = append(snaps, seq)
		}
	}
	got, _ := f.published(t)
	var published []int
	for _, seq := range got {
		if slices.Contains(snaps, seq) {
			published = append(published, seq)
		}
	}
	if !slices.Equal(published, snaps) {
		t.Fatalf("published snapshots %v, want each of %v once", published, snaps)
	}
}

// A shard filled while its mark in the root was lost (a crash between the two writes) is
// repaired by any repeated predecessor of that shard.
func TestWideBarrierLostRootMarkIsRepaired(t *testing.T) {
	f := wideFixture(t)
	var stops []int
	for seq, ph := range f.p.Phases {
		if ph.Kind == plan.KindStop {
			stops = append(stops, seq)
		}
	}
	h := Publisher{Store: f.store}
	for _, seq := range stops {
		must(t, h.Propagate(t.Context(), runID, f.g, seq))
	}
	update(t, f.store.Barriers, stoppedKey, func(b *runstore.BarrierRecord) {
		b.Deps, b.Passed = dispatch.NewDeps(3), false
		b.Deps.Mark(0)
		b.Deps.Mark(2)
	})
	must(t, h.Propagate(t.Context(), runID, f.g, stopInShard(f, stops, 1)))
	if root := get(t, f.store.Barriers, stoppedKey); !root.Deps.Satisfied() || !root.Passed {
		t.Fatalf("root after a repeated predecessor: %+v, want satisfied and passed", root)
	}
}

// stopInShard finds a stop whose slot in the stopped barrier falls in shard k.
func stopInShard(f fixture, stops []int, k int) int {
	for _, seq := range stops {
		for _, e := range f.g.Successors(seq) {
			if f.g.IsBarrier(e.To) && e.Slot/dispatch.BarrierFanIn == k {
				return seq
			}
		}
	}
	return -1
}
