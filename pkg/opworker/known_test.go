package opworker

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// claimedJob claims a ready stop as a job of worker name would on the message path.
func claimedJob(t *testing.T, env *runenv.Env, run runs.Record, seq int, name string) *Job {
	t.Helper()
	w := New(env, name, nil)
	rec, from, v, err := w.claim(context.Background(), run, seq, false)
	if err != nil || v != Claimed {
		t.Fatalf("claiming: verdict %v, %v", v, err)
	}
	j := &Job{Env: env, Run: run, Rec: rec.Value, From: from, w: w}
	j.remember(rec)
	return j
}

// Completing a claimed operation writes its record from the claim's revision, without reading
// it again; once another worker took the operation over, the write is decided on the fresh
// record, and the completion is refused as a lost claim.
func TestRecordWritesFromTheClaimedRevision(t *testing.T) {
	store := testStore(t)
	stats := &kvstore.Stats{}
	store.SetStats(stats)
	ctx := context.Background()
	now := time.Now()
	env := &runenv.Env{Store: store, Clock: func() time.Time { return now }}
	run := runs.Record{RunID: "known", Journal: journal.Header{JournalVersion: 1, PlanID: "p", RunID: "known", PreflightAccepted: true}}
	readyOp(t, store, run.RunID, 4, plan.KindStop)
	j := claimedJob(t, env, run, 4, "first")
	reads := stats.Reads.Load()
	if err := j.w.Record(ctx, j, j.Receipt()); err != nil {
		t.Fatal(err)
	}
	if n := stats.Reads.Load() - reads; n != 0 {
		t.Errorf("recording the completion read the record %d times, want 0", n)
	}
	if got, _ := store.Ops.Get(ctx, runstore.OpKey(run.RunID, 4)); got.Value.Op.State != journal.StateCompleted || got.Value.Claim != nil {
		t.Fatalf("after Record: state %s, claim %+v; want completed, no claim", got.Value.Op.State, got.Value.Claim)
	}

	readyOp(t, store, run.RunID, 5, plan.KindStop)
	stale := claimedJob(t, env, run, 5, "stale")
	now = now.Add(time.Minute) // the lease lapsed: another worker takes the operation over
	claimedJob(t, env, run, 5, "taker")
	if err := stale.w.Record(ctx, stale, stale.Receipt()); !errors.Is(err, ErrLostClaim) {
		t.Fatalf("a completion after a takeover = %v, want ErrLostClaim", err)
	}
	if got, _ := store.Ops.Get(ctx, runstore.OpKey(run.RunID, 5)); got.Value.Op.State != journal.StatePending || got.Value.Claim.Worker == stale.w.ID() {
		t.Fatalf("after the refused completion: state %s, claim %+v; want pending, held by the taker", got.Value.Op.State, got.Value.Claim)
	}
}

// lostReplyKV applies the next compare-and-swap write but answers it with a timeout, as a
// reply lost during a leader election would (a test double around the real bucket).
type lostReplyKV struct {
	jetstream.KeyValue
	armed atomic.Bool
}

func (l *lostReplyKV) Update(ctx context.Context, key string, value []byte, rev uint64) (uint64, error) {
	newRev, err := l.KeyValue.Update(ctx, key, value, rev)
	if err == nil && l.armed.CompareAndSwap(true, false) {
		return 0, context.DeadlineExceeded
	}
	return newRev, err
}

// A completion whose write landed but whose reply was lost is recognised as the job's own when
// it is recorded again (as runenv.Env.Persist does after a store error): the second try
// succeeds, the record holds one receipt, and the operation goes on instead of being handed
// back for a lease as if another worker had taken it.
func TestRecordAfterALostReplyRecognisesItsOwnWrite(t *testing.T) {
	store := testStore(t)
	lossy := &lostReplyKV{KeyValue: store.Ops.KV}
	store.Ops.KV = lossy
	ctx := context.Background()
	env := &runenv.Env{Store: store}
	run := runs.Record{RunID: "lost", Journal: journal.Header{JournalVersion: 1, PlanID: "p", RunID: "lost", PreflightAccepted: true}}
	readyOp(t, store, run.RunID, 4, plan.KindStop)
	j := claimedJob(t, env, run, 4, "w")
	r := j.Receipt()
	lossy.armed.Store(true)
	if err := j.w.Record(ctx, j, r); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("first try = %v, want the lost reply's timeout", err)
	}
	if err := j.w.Record(ctx, j, r); err != nil {
		t.Fatalf("second try after the lost reply = %v, want success", err)
	}
	got, err := store.Ops.Get(ctx, runstore.OpKey(run.RunID, 4))
	if err != nil || got.Value.Op.State != journal.StateCompleted || len(got.Value.Receipts) != 1 {
		t.Fatalf("record after two tries: %+v, %v; want completed with one receipt", got.Value, err)
	}
	if err := j.w.Record(ctx, j, r); !errors.Is(err, ErrLostClaim) {
		t.Fatalf("a third try after the success = %v, want ErrLostClaim", err)
	}
}
