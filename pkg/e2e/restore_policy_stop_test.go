package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// DESIGN §10 before the point of no return: a stop of a canister under the top fails for good
// after the top was stopped. No load is ever claimed (loads_begun false), containment restarts
// every canister the run stopped (all running, containment done, restart_required false). Once
// the cause is gone, retry re-arms the run: it stops, loads, starts and checks again, keeps the
// completed uploads, and completes with the backup's content everywhere.
func TestRestorePolicyFailureBeforeFirstLoad(t *testing.T) {
	b := newPolicyBackup(t)
	ctx := testCtx(t, 2*time.Minute)
	const runID = "rs-stop"
	snapshotsBefore := b.snapshotCounts(t)
	if err := sim.InjectFault(b.f.StateDir, sim.Fault{Call: sim.KindStop, Mode: sim.ModePermanent, Canister: b.mid}); err != nil {
		t.Fatal(err)
	}
	mark := historyMark(t, b.f.StateDir)
	b.submitRestore(t, ctx, restoreBody(t, runID, b.id, nil))
	rec := b.waitRun(t, ctx, runID, "failed with containment finished", ended)
	if rec.State != runs.Failed || rec.LoadsBegun || rec.AttentionRequired || rec.RestartRequired ||
		rec.Containment == nil || rec.Containment.State != runs.ContainDone {
		t.Fatalf("run after the stop failed: %s, loads_begun %v, attention %v, restart_required %v, containment %+v: %s",
			rec.State, rec.LoadsBegun, rec.AttentionRequired, rec.RestartRequired, rec.Containment, deref(rec.Error))
	}
	b.checkContained(t, ctx, runID, rec, mark)

	if err := sim.ClearFaults(b.f.StateDir); err != nil {
		t.Fatal(err)
	}
	retryMark := historyMark(t, b.f.StateDir)
	if err := client.SendControl(ctx, b.c.store, runID, runs.ActionRetry); err != nil {
		t.Fatal(err)
	}
	rec = b.waitRun(t, ctx, runID, "ended after the retry", func(r runs.Record) bool { return r.Retries >= 1 && ended(r) })
	if rec.State != runs.Completed || rec.RestartRequired || rec.AttentionRequired || !rec.LoadsBegun {
		t.Fatalf("after the retry the run is %s (restart_required %v, attention %v, loads_begun %v): %s",
			rec.State, rec.RestartRequired, rec.AttentionRequired, rec.LoadsBegun, deref(rec.Error))
	}
	b.checkRestored(t)
	checkCompletedJournal(t, rec)
	b.checkSnapshotsAsBefore(t, snapshotsBefore)
	b.waitLocksFreed(t, ctx, runID)
	after := callsSince(t, b.f.StateDir, retryMark)
	stops, loads, starts := tally(after, sim.KindStop, true), tally(after, sim.KindLoad, true), tally(after, sim.KindStart, true)
	checks := tally(after, sim.KindModule, true)
	for _, id := range b.members {
		if stops[id] == 0 || loads[id] == 0 || starts[id] == 0 || checks[id] == 0 {
			t.Errorf("re-armed pass on %s: %d stops, %d loads, %d starts, %d module reads; want each ≥1",
				id, stops[id], loads[id], starts[id], checks[id])
		}
	}
	if again := tally(after, sim.KindUpload, true); len(again) > 0 {
		t.Errorf("the retry uploaded again instead of keeping the uploads: %v", again)
	}
}

// checkContained asserts what containment left after the stop failed: every canister runs, the
// canisters stopped were started again by containment, no load was called, every upload
// completed once, and the settled run freed its locks.
func (b *policyBackup) checkContained(t *testing.T, ctx context.Context, runID string, rec runs.Record, mark int) {
	t.Helper()
	if !strings.Contains(deref(rec.Error), "injected") {
		t.Errorf("the run's error %q does not give the stop's reason", deref(rec.Error))
	}
	waitDrained(t, ctx, b.c, 20*time.Second, "the failed run's messages to be handled")
	b.f.CheckAllRunning(t)
	b.waitLocksFreed(t, ctx, runID) // settled: the retry must lock them again
	failed := callsSince(t, b.f.StateDir, mark)
	if tally(failed, sim.KindStop, true)[b.top] == 0 || tally(failed, sim.KindStop, false)[b.mid] == 0 {
		t.Errorf("stops: completed %v, failed %v; want the top's completed and the faulted one's failed",
			tally(failed, sim.KindStop, true), tally(failed, sim.KindStop, false))
	}
	for _, c := range failed {
		if c.Call == sim.KindLoad {
			t.Errorf("a load was called before the run failed: %+v", c)
		}
	}
	restarted := tally(failed, sim.KindStart, true)
	for id := range tally(failed, sim.KindStop, true) {
		if restarted[id] == 0 {
			t.Errorf("canister %s was stopped by the run and never started by containment", id)
		}
	}
	uploads := tally(failed, sim.KindUpload, true)
	for _, id := range b.members {
		if uploads[id] != 1 {
			t.Errorf("canister %s got %d uploads before the failure, want 1", id, uploads[id])
		}
	}
}
