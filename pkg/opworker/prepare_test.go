package opworker

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// baselinePreparer records a fixed baseline in the claim, counting its preparations.
type baselinePreparer struct {
	calls atomic.Int32
	ids   []string
}

func (p *baselinePreparer) Execute(context.Context, *Job) (journal.Receipt, error) {
	return journal.Receipt{}, nil
}

func (p *baselinePreparer) Wants(r *runstore.OpRecord) bool { return !r.BaselineRecorded }

func (p *baselinePreparer) Prepare(context.Context, *runenv.Env, string) (func(*runstore.OpRecord), error) {
	p.calls.Add(1)
	return func(r *runstore.OpRecord) {
		r.SnapshotsBefore, r.BaselineRecorded, r.BaselineAttempt = p.ids, true, r.Attempts
	}, nil
}

// A create-snapshot whose effect prepares its claim gets its baseline in the claim's own
// write (one write, attempt 1); a takeover's claim finds it recorded and prepares nothing.
func TestClaimRecordsThePreparedBaseline(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	run, snapshot, g := gatedFixture(t, store, "prepared", plan.KindCreateSnapshot)
	passBarrier(t, store, run.RunID, g.BarrierName(g.Predecessors(snapshot)[0]))
	prep := &baselinePreparer{ids: []string{"snap-old"}}
	effects := Effects{}.Register(plan.KindCreateSnapshot, prep)
	key := runstore.OpKey(run.RunID, snapshot)
	rec, _, v, err := New(&runenv.Env{Store: store}, "snapshotter", effects).Claim(ctx, run, snapshot, false)
	if err != nil || v != Claimed {
		t.Fatalf("claim: %v, %v", v, err)
	}
	history, err := store.Ops.KV.History(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.BaselineRecorded || rec.BaselineAttempt != 1 || !slices.Equal(rec.SnapshotsBefore, prep.ids) ||
		prep.calls.Load() != 1 || len(history) != 2 {
		t.Fatalf("claimed record %+v after %d preparations, %d revisions; want the baseline of attempt 1 in the claim's one write",
			rec, prep.calls.Load(), len(history))
	}
	if _, err := store.Ops.Update(ctx, key, func(r *runstore.OpRecord) error { r.Claim.LeaseUntil = 1; return nil }); err != nil {
		t.Fatal(err)
	}
	rec, _, v, err = New(&runenv.Env{Store: store}, "snapshotter", effects).Claim(ctx, run, snapshot, false)
	if err != nil || v != Claimed || rec.Attempts != 2 || rec.BaselineAttempt != 1 || prep.calls.Load() != 1 {
		t.Fatalf("takeover: %v, %v, attempts %d, baseline of attempt %d, %d preparations; want attempt 2 keeping attempt 1's baseline",
			v, err, rec.Attempts, rec.BaselineAttempt, prep.calls.Load())
	}
}
