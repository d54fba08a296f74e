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

// gatedFixture saves the plan of a subtree backup (a hub and two children) and seeds the
// record of the operation of a kind with the most predecessors (ready, no slot marked) and of each of its
// predecessors (an operation ready, a barrier's root empty), nothing done.
func gatedFixture(t *testing.T, store *runstore.Store, runID string, kind plan.OperationKind) (run runs.Record, seq int, g *dispatch.Graph) {
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
	seq = -1
	for n, ph := range p.Phases {
		if ph.Kind == kind && (seq < 0 || g.Need(n) > g.Need(seq)) {
			seq = n
		}
	}
	if !g.ReadGated(seq) {
		t.Fatalf("the first %s is not read-gated", kind)
	}
	seedOp(t, store, p, seq, g.Need(seq))
	for _, n := range g.Predecessors(seq) {
		if !g.IsBarrier(n) {
			seedOp(t, store, p, n, g.Need(n))
			continue
		}
		root := runstore.BarrierRecord{RunID: runID, Name: g.BarrierName(n), Deps: dispatch.NewDeps(g.Need(n))}
		if _, err := store.Barriers.Create(ctx, runstore.BarrierKey(runID, root.Name), root); err != nil {
			t.Fatal(err)
		}
	}
	run = runs.Record{RunID: runID, Order: dispatch.Parallel, Journal: journal.Header{JournalVersion: 1, PlanID: "plan-g", RunID: runID, PreflightAccepted: true}}
	return run, seq, g
}

// seedOp creates an operation's record, ready, none of its need slots marked.
func seedOp(t *testing.T, store *runstore.Store, p *plan.Plan, seq, need int) {
	t.Helper()
	op := journal.NewOperation(p.Phases[seq])
	if err := journal.AcceptOp(&op, nil); err != nil {
		t.Fatal(err)
	}
	rec := runstore.OpRecord{RunID: p.RunID, Op: op, Deps: dispatch.NewDeps(need), Receipts: []runstore.StoredReceipt{}}
	if _, err := store.Ops.Create(context.Background(), runstore.OpKey(p.RunID, seq), rec); err != nil {
		t.Fatal(err)
	}
}

// passBarrier sets every bit of a barrier's root.
func passBarrier(t *testing.T, store *runstore.Store, runID, name string) {
	t.Helper()
	if _, err := store.Barriers.Update(context.Background(), runstore.BarrierKey(runID, name), func(b *runstore.BarrierRecord) error {
		for slot := range b.Deps.Need {
			b.Deps.Mark(slot)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A gated snapshot (its barrier's fan-out publishes it without marking its record) is claimed
// only once its barrier has passed, as the claim reads it: an early or forged message before
// that leaves the record alone; after it, the claim's own write marks the slot.
func TestGatedOperationClaimedOnlyAfterItsBarrier(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	run, snapshot, g := gatedFixture(t, store, "gated", plan.KindCreateSnapshot)
	w := New(&runenv.Env{Store: store}, "snapshotter", nil)
	wantRefusedAtGate(t, w, run, snapshot, "before the barrier passed")
	passBarrier(t, store, run.RunID, g.BarrierName(g.Predecessors(snapshot)[0]))
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
	run, snapshot, g := gatedFixture(t, store, "gated-twice", plan.KindCreateSnapshot)
	passBarrier(t, store, run.RunID, g.BarrierName(g.Predecessors(snapshot)[0]))
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

// A parent's start (read-gated: the snapshotted barrier and its two children's starts) is
// claimed only once every predecessor is done, as its claim reads them: before that no write;
// then the claim's own write marks every slot.
func TestParentStartClaimedOnlyAfterEveryChild(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	run, start, g := gatedFixture(t, store, "gated-start", plan.KindStart)
	w := New(&runenv.Env{Store: store}, "snapshotter", nil)
	var children []int
	for _, n := range g.Predecessors(start) {
		if g.IsBarrier(n) {
			passBarrier(t, store, run.RunID, g.BarrierName(n))
		} else {
			children = append(children, n)
		}
	}
	if len(children) != 2 {
		t.Fatalf("start %d waits for %v, want the barrier and two children's starts", start, g.Predecessors(start))
	}
	for _, child := range children {
		wantRefusedAtGate(t, w, run, start, "with a child's start unfinished")
		if _, err := store.Ops.Update(ctx, runstore.OpKey(run.RunID, child), func(r *runstore.OpRecord) error {
			r.Op.State = journal.StateCompleted
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	rec, _, v, err := w.Claim(ctx, run, start, false)
	if err != nil || v != Claimed || rec.Deps.Count() != 3 || !rec.Dispatched {
		t.Fatalf("claim after every child started: %v, %v, %d of %d slots; want Claimed, all marked", v, err, rec.Deps.Count(), rec.Deps.Need)
	}
}

// wantRefusedAtGate claims operation seq and wants NotReady with its record unwritten.
func wantRefusedAtGate(t *testing.T, w *Worker, run runs.Record, seq int, when string) {
	t.Helper()
	ctx := context.Background()
	key := runstore.OpKey(run.RunID, seq)
	before, err := w.Env.Store.Ops.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, v, err := w.Claim(ctx, run, seq, false); err != nil || v != NotReady {
		t.Fatalf("claim %s: %v, %v; want NotReady", when, v, err)
	}
	if after, _ := w.Env.Store.Ops.Get(ctx, key); after.Revision != before.Revision {
		t.Fatalf("a claim refused at the gate (%s) wrote the record: %+v", when, after.Value)
	}
}
