package opworker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// An effect whose error wraps ErrHandBack (a download cut short while its run was briefly not
// running) neither fails its operation nor keeps it: the claim is released, the operation stays
// pending with no failure recorded, and the message is handed back to be delivered again.
func TestHandBackReleasesTheClaimWithoutFailing(t *testing.T) {
	store := testStore(t)
	ctx := context.Background()
	run, seq, g := gatedFixture(t, store, "handback", plan.KindCreateSnapshot)
	passBarrier(t, store, run.RunID, g.BarrierName(g.Predecessors(seq)[0]))
	w := New(&runenv.Env{Store: store}, "snapshotter", Effects{})
	rec, from, v, err := w.Claim(ctx, run, seq, false)
	if err != nil || v != Claimed {
		t.Fatalf("claim: %v, %v", v, err)
	}
	j := &Job{Env: w.Env, Run: run, Rec: rec, From: from, w: w}
	cut := fmt.Errorf("download cut short: %w", ErrHandBack)
	var retry *worker.Retry
	if err := w.settle(ctx, j, journal.Receipt{}, cut, nil, time.Second, slog.Default()); !errors.As(err, &retry) {
		t.Fatalf("settle = %v, want the message handed back (*worker.Retry)", err)
	}
	e, err := store.Ops.Get(ctx, runstore.OpKey(run.RunID, seq))
	if err != nil {
		t.Fatal(err)
	}
	got := e.Value
	if got.Op.State != journal.StatePending || len(got.Op.BlockingReasons) != 0 || got.Claim == nil || got.Claim.LeaseUntil != 0 {
		t.Fatalf("after a hand-back: state %s, reasons %q, claim %+v; want pending, no reason, the lease released",
			got.Op.State, got.Op.BlockingReasons, got.Claim)
	}
}
