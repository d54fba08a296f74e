package opworker

import (
	"context"
	"sync"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/plan/plantest"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// gatedFixture saves the plan of a subtree backup (a hub and two children) and seeds one
// snapshot's record (ready, its one slot unmarked) and the stopped barrier's root, nothing done.
func gatedFixture(t *testing.T, store *runstore.Store, runID string) (run runs.Record, snapshot int, g *dispatch.Graph) {
	t.Helper()
	ctx := context.Background()
	p, err := plantest.SubtreePlan(fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 2}}), runID)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SavePlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	g = dispatch.Build(p, dispatch.Parallel)
	snapshot = -1
	for seq, ph := range p.Phases {
		if _, gated := g.GatedBy(seq); gated && ph.Kind == plan.KindCreateSnapshot && snapshot < 0 {
			snapshot = seq
		}
	}
	op := journal.NewOperation(p.Phases[snapshot])
	if err := journal.AcceptOp(&op, nil); err != nil {
		t.Fatal(err)
	}
	rec := runstore.OpRecord{RunID: runID, Op: op, Deps: dispatch.NewDeps(1), Receipts: []runstore.StoredReceipt{}}
	if _, err := store.Ops.Create(ctx, runstore.OpKey(runID, snapshot), rec); err != nil {
		t.Fatal(err)
	}
	barrier, _ := g.GatedBy(snapshot)
	root := runstore.BarrierRecord{RunID: runID, Name: g.BarrierName(barrier), Deps: dispatch.NewDeps(g.Need(barrier))}
	if _, err := store.Barriers.Create(ctx, runstore.BarrierKey(runID, root.Name), root); err != nil {
		t.Fatal(err)
	}
	run = runs.Record{RunID: runID, Order: dispatch.Parallel, Journal: journal.Header{JournalVersion: 1, PlanID: "plan-g", RunID: runID, PreflightAccepted: true}}
	return run, snapshot, g
}

// A gated snapshot (its barrier's fan-out publishes it without marking its record) is claimed
// only once its barrier has passed, as the claim reads it: an early or forged message before
// that leaves the record alone; after it, the claim's own write marks the slot.
func TestGatedOperationClaimedOnlyAfterItsBarrier(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	run, snapshot, g := gatedFixture(t, store, "gated")
	w := New(&runenv.Env{Store: store}, "snapshotter", nil)
	key := runstore.OpKey(run.RunID, snapshot)
	before, err := store.Ops.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, v, err := w.Claim(ctx, run, snapshot, false); err != nil || v != NotReady {
		t.Fatalf("claim before the barrier passed: %v, %v; want NotReady", v, err)
	}
	if after, _ := store.Ops.Get(ctx, key); after.Revision != before.Revision {
		t.Fatalf("a claim refused at the gate wrote the record: %+v", after.Value)
	}
	barrier, _ := g.GatedBy(snapshot)
	if _, err := store.Barriers.Update(ctx, runstore.BarrierKey(run.RunID, g.BarrierName(barrier)), func(b *runstore.BarrierRecord) error {
		for slot := range b.Deps.Need {
			b.Deps.Mark(slot)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rec, _, v, err := w.Claim(ctx, run, snapshot, false)
	if err != nil || v != Claimed {
		t.Fatalf("claim after the barrier passed: %v, %v; want Claimed", v, err)
	}
	if !rec.Deps.Satisfied() || !rec.Dispatched || rec.Claim == nil {
		t.Fatalf("claimed record %+v: want its slot marked, dispatched and claimed", rec)
	}
}

// Two deliveries of one gated operation (the fan-out's message and a repeat of it) race to
// claim it after its barrier passed: exactly one claims it; the other finds the winner's live
// claim and backs off (Busy) without writing.
func TestGatedOperationClaimedOnceWhenDeliveredTwice(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	run, snapshot, g := gatedFixture(t, store, "gated-twice")
	barrier, _ := g.GatedBy(snapshot)
	if _, err := store.Barriers.Update(ctx, runstore.BarrierKey(run.RunID, g.BarrierName(barrier)), func(b *runstore.BarrierRecord) error {
		for slot := range b.Deps.Need {
			b.Deps.Mark(slot)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	verdicts := make([]Verdict, 2)
	var wg sync.WaitGroup
	for i := range verdicts {
		w := New(&runenv.Env{Store: store}, "snapshotter", nil)
		wg.Go(func() {
			_, _, v, err := w.Claim(ctx, run, snapshot, false)
			if err != nil {
				t.Error(err)
			}
			verdicts[i] = v
		})
	}
	wg.Wait()
	if (verdicts[0] == Claimed) == (verdicts[1] == Claimed) || (verdicts[0] != Busy && verdicts[1] != Busy) {
		t.Fatalf("verdicts = %v, want one Claimed and one Busy", verdicts)
	}
	got, err := store.Ops.Get(ctx, runstore.OpKey(run.RunID, snapshot))
	if err != nil {
		t.Fatal(err)
	}
	if got.Value.Attempts != 1 || got.Value.Claim == nil || !got.Value.Deps.Satisfied() {
		t.Fatalf("record after the race = %+v, want one claim (attempt 1), its slot marked", got.Value)
	}
}
