package handoff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Completing the same node twice publishes once each read-gated successor whose predecessors
// are all done (the repeat carries the same message id and the stream drops it), none that
// still waits, and writes none of their records; a barrier gets its bit once.
func TestPropagateTwicePublishesReadySuccessorsOnce(t *testing.T) {
	tests := []struct {
		node           string
		done           []string // operations completed beforehand
		ready, waiting []string // successors now published, or still waiting
		stoppedBits    int      // the stopped barrier's bits set
	}{
		{node: "stop-hub", ready: []string{"stop-c1", "stop-c2"}, stoppedBits: 1},
		{node: "start-c1", waiting: []string{"start-hub"}},                                         // start-c2 and the snapshots are not done
		{node: "start-c1", done: []string{"start-c1", "start-c2"}, waiting: []string{"start-hub"}}, // the snapshots are not
		{node: "verify-c2", waiting: []string{"finalize-manifest"}},
	}
	for _, tt := range tests {
		t.Run(tt.node, func(t *testing.T) {
			f := newFixture(t)
			for _, id := range tt.done {
				f.complete(t, id)
			}
			f.propagate(t, tt.node)
			f.propagate(t, tt.node)
			for _, id := range append(tt.ready, tt.waiting...) {
				f.checkUnwritten(t, id)
			}
			if b := get(t, f.store.Barriers, stoppedKey); b.Deps.Count() != tt.stoppedBits || b.Passed {
				t.Errorf("stopped barrier: %d bits, passed %v; want %d, not passed", b.Deps.Count(), b.Passed, tt.stoppedBits)
			}
			if got, msgIDs := f.published(t); !slices.Equal(got, f.seqs(t, tt.ready...)) {
				t.Fatalf("stream holds operations %v (ids %v), want %v once each", got, msgIDs, tt.ready)
			}
		})
	}
}

// A parent's start is published once by whichever of its children's starts, completing last
// and repeated, finds every predecessor done (the snapshotted barrier and both children).
func TestParentStartPublishedWhenEveryChildStarted(t *testing.T) {
	f := newFixture(t)
	f.complete(t, "start-c1")
	f.complete(t, "start-c2")
	update(t, f.store.Barriers, runstore.BarrierKey(runID, dispatch.BarrierSnapshotted), func(b *runstore.BarrierRecord) {
		for slot := range b.Deps.Need {
			b.Deps.Mark(slot)
		}
	})
	f.propagate(t, "start-c2")
	f.propagate(t, "start-c1")
	f.propagate(t, "start-c2")
	hub := f.seqs(t, "start-hub")
	if got, ids := f.published(t); !slices.Equal(got, hub) || ids[0] != fmt.Sprintf("%s.%d.0", runID, hub[0]) {
		t.Fatalf("stream holds %v (ids %v), want start-hub once as its first dispatch", got, ids)
	}
	f.checkUnwritten(t, "start-hub")
	rec := get(t, f.store.Ops, runstore.OpKey(runID, hub[0]))
	if open, err := Ready(t.Context(), f.store, runID, f.g, hub[0], rec.Deps); err != nil || !open {
		t.Fatalf("start-hub gate open = %v (%v), want open", open, err)
	}
}

// A start waiting for more children than dispatch.ReadGateMax is marked by them: a child
// completing twice sets its bit once and publishes nothing while the others wait.
func TestWideFanInMarkedOnce(t *testing.T) {
	f := wideFixture(t)
	hub, leaf := -1, -1 // the start with the most predecessors, and another
	for seq, ph := range f.p.Phases {
		switch {
		case ph.Kind != plan.KindStart:
		case hub < 0 || f.g.Need(seq) > f.g.Need(hub):
			hub, leaf = seq, hub
		default:
			leaf = seq
		}
	}
	if f.g.ReadGated(hub) {
		t.Fatalf("the hub's start (%d predecessors) is read-gated", f.g.Need(hub))
	}
	for range 2 {
		must(t, (Publisher{Store: f.store}).Propagate(t.Context(), runID, f.g, leaf))
	}
	rec := get(t, f.store.Ops, runstore.OpKey(runID, hub))
	if rec.Deps.Count() != 1 || rec.Deps.Satisfied() || rec.Dispatched {
		t.Fatalf("hub start after a child's repeated start: %d of %d bits, dispatched %v; want 1 bit, waiting", rec.Deps.Count(), rec.Deps.Need, rec.Dispatched)
	}
	if got, _ := f.published(t); len(got) != 0 {
		t.Fatalf("stream holds %v, want nothing", got)
	}
}

// complete marks an operation's record completed, as its worker would before its hand-off.
func (f fixture) complete(t *testing.T, id string) {
	t.Helper()
	update(t, f.store.Ops, runstore.OpKey(runID, f.seqs(t, id)[0]), func(r *runstore.OpRecord) { r.Op.State = journal.StateCompleted })
}

// checkUnwritten checks that a read-gated operation's record is as seeded: no bit set, not
// dispatched (its claim reads its predecessors).
func (f fixture) checkUnwritten(t *testing.T, id string) {
	t.Helper()
	rec := get(t, f.store.Ops, runstore.OpKey(runID, f.seqs(t, id)[0]))
	if rec.Deps.Count() != 0 || rec.Dispatched {
		t.Errorf("%s: %d of %d bits, dispatched %v; want its record unwritten", id, rec.Deps.Count(), rec.Deps.Need, rec.Dispatched)
	}
}

// The starts of 40 children completing in random order, each handing off once: their parent's
// start is published once, by the last, and the children's reads of one another stop at the
// first wave that finds one still running: far fewer than the 40 x 39 reads of reading every
// sibling each time.
func TestSiblingReadsStopEarly(t *testing.T) {
	const children = 40
	f := fixture{pids: map[string]string{}}
	f.seed(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{1, children}}))
	update(t, f.store.Barriers, runstore.BarrierKey(runID, dispatch.BarrierSnapshotted), func(b *runstore.BarrierRecord) {
		for slot := range b.Deps.Need {
			b.Deps.Mark(slot)
		}
	})
	var starts []int
	hub := -1
	for seq, ph := range f.p.Phases {
		switch {
		case ph.Kind != plan.KindStart:
		case f.g.Need(seq) > 1:
			hub = seq
		default:
			starts = append(starts, seq)
		}
	}
	if len(starts) != children || !f.g.ReadGated(hub) {
		t.Fatalf("%d child starts, hub start %d read-gated %v; want %d, read-gated", len(starts), hub, f.g.ReadGated(hub), children)
	}
	rand.New(rand.NewPCG(7, 12)).Shuffle(len(starts), func(i, j int) { starts[i], starts[j] = starts[j], starts[i] })
	stats := &kvstore.Stats{}
	for i, seq := range starts {
		update(t, f.store.Ops, runstore.OpKey(runID, seq), func(r *runstore.OpRecord) { r.Op.State = journal.StateCompleted })
		f.store.SetStats(stats)
		must(t, (Publisher{Store: f.store}).Propagate(t.Context(), runID, f.g, seq))
		f.store.SetStats(nil)
		if got, _ := f.published(t); len(got) != 0 && i < children-1 {
			t.Fatalf("after %d of %d children started, stream holds %v", i+1, children, got)
		}
	}
	if got, _ := f.published(t); !slices.Equal(got, []int{hub}) {
		t.Fatalf("stream holds %v, want the hub's start (%d) once", got, hub)
	}
	if reads := stats.Reads.Load(); reads > children*(children-1)/4 {
		t.Fatalf("%d reads for %d children's hand-offs, want at most a quarter of %d", reads, children, children*(children-1))
	}
	t.Logf("%d reads for %d children's hand-offs", stats.Reads.Load(), children)
}
