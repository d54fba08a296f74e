package opworker

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/nats-io/nats.go/jetstream"
)

// Two workers race to claim one operation from the same revision: exactly one claim wins; the
// other's write fails the compare-and-swap, it re-reads, sees the winner's claim and backs off
// without overwriting it.
func TestClaimRaceOneWinner(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	target := "renrk-eyaaa-aaaaa-aaada-cai"
	rec := runstore.OpRecord{RunID: "race", Deps: dispatch.NewDeps(0), Receipts: []runstore.StoredReceipt{},
		Op: journal.NewOperation(plan.Operation{OperationID: "stop-x", Order: 4, Kind: plan.KindStop, TargetCanisterID: &target})}
	if err := journal.AcceptOp(&rec.Op, nil); err != nil { // blocked → ready
		t.Fatal(err)
	}
	if _, err := store.Ops.Create(ctx, runstore.OpKey("race", 4), rec); err != nil {
		t.Fatal(err)
	}
	lined := &lineUpKV{KeyValue: store.Ops.KV, lineUp: make(chan struct{})}
	store.Ops.KV = lined // both writers hold the same revision before either writes
	stats := &kvstore.Stats{}
	store.Ops.Stats = stats
	run := runs.Record{RunID: "race", Journal: journal.Header{JournalVersion: 1, PlanID: "p", RunID: "race", PreflightAccepted: true}}
	verdicts := make([]Verdict, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		w := New(&runenv.Env{Store: store}, "snapshotter", nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, v, err := w.Claim(ctx, run, 4, false)
			if err != nil {
				t.Error(err)
			}
			verdicts[i] = v
		}()
	}
	wg.Wait()
	if !(verdicts[0] == Claimed) != (verdicts[1] == Claimed) || (verdicts[0] != Claimed && verdicts[0] != Busy) {
		t.Fatalf("verdicts = %v, want one claimed and one busy", verdicts)
	}
	if n := stats.Conflicts.Load(); n != 1 {
		t.Fatalf("%d revision conflicts, want exactly 1", n)
	}
	got, err := store.Ops.Get(ctx, runstore.OpKey("race", 4))
	if err != nil {
		t.Fatal(err)
	}
	if got.Value.Attempts != 1 || got.Value.Claim == nil || got.Value.Op.State != journal.StatePending {
		t.Fatalf("record after race = %+v, want one claim (attempt 1)", got.Value)
	}
}

func testStore(t *testing.T) *runstore.Store {
	t.Helper()
	js, names := bustest.Installation(t)
	store, err := runstore.OpenStore(context.Background(), js, names)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// lineUpKV holds the first two compare-and-swap writes until both have arrived, so that two
// writers race on one revision (a test double around the real bucket, not a production hook).
type lineUpKV struct {
	jetstream.KeyValue
	arrivals atomic.Int32
	lineUp   chan struct{}
}

func (l *lineUpKV) Update(ctx context.Context, key string, value []byte, rev uint64) (uint64, error) {
	if n := l.arrivals.Add(1); n == 2 {
		close(l.lineUp)
	}
	if l.arrivals.Load() <= 2 {
		<-l.lineUp
	}
	return l.KeyValue.Update(ctx, key, value, rev)
}
