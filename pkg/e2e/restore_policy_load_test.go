package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// DESIGN §10 after the point of no return: a leaf's load fails for good while its ancestors'
// loads have completed. The run stops for the operator (failed, attention_required, next_action,
// loads_begun, no containment), every canister it stopped stays stopped, and the journal exported
// for the operator shows the failed load with its reason. Once the cause is gone, retry continues
// forward (no stop or upload again) and the run completes with the backup's content everywhere.
func TestRestorePolicyLoadFailsAfterFirstLoad(t *testing.T) {
	b := newPolicyBackup(t)
	ctx := testCtx(t, 2*time.Minute)
	const runID = "rs-load"
	snapshotsBefore := b.snapshotCounts(t)
	mark := b.failLeafLoad(t, ctx, runID)

	if err := sim.ClearFaults(b.f.StateDir); err != nil {
		t.Fatal(err)
	}
	retryMark := historyMark(t, b.f.StateDir)
	if err := client.SendControl(ctx, b.c.store, runID, runs.ActionRetry); err != nil {
		t.Fatal(err)
	}
	rec := b.waitRun(t, ctx, runID, "ended after the retry", func(r runs.Record) bool { return r.Retries >= 1 && ended(r) })
	if rec.State != runs.Completed || rec.AttentionRequired || rec.NextAction != nil || rec.RestartRequired {
		t.Fatalf("after the retry the run is %s (attention %v, next %v, restart_required %v): %s",
			rec.State, rec.AttentionRequired, rec.NextAction, rec.RestartRequired, deref(rec.Error))
	}
	b.checkRestored(t)
	checkCompletedJournal(t, rec)
	b.checkSnapshotsAsBefore(t, snapshotsBefore)
	b.waitLocksFreed(t, ctx, runID)
	after := callsSince(t, b.f.StateDir, retryMark)
	if stops, uploads := tally(after, sim.KindStop, true), tally(after, sim.KindUpload, true); len(stops)+len(uploads) > 0 {
		t.Errorf("the retry went back instead of forward: stops %v, uploads %v", stops, uploads)
	}
	if tally(after, sim.KindLoad, true)[b.leaf] == 0 {
		t.Errorf("the retry did not load the leaf")
	}
	all := callsSince(t, b.f.StateDir, mark)
	loads, starts := tally(all, sim.KindLoad, true), tally(all, sim.KindStart, true)
	for _, id := range b.members {
		if loads[id] == 0 || starts[id] == 0 {
			t.Errorf("canister %s: %d loads, %d starts over the whole restore", id, loads[id], starts[id])
		}
	}
}

// A restore waiting for the operator after its loads began is not aborted by a plain abort (the
// planner refuses it and the run stays failed, for attention); abort with force ends it aborted
// and restarts every canister it stopped.
func TestRestorePolicyAbortForce(t *testing.T) {
	b := newPolicyBackup(t)
	ctx := testCtx(t, 2*time.Minute)
	const runID = "rs-abort"
	snapshotsBefore := b.snapshotCounts(t)
	b.failLeafLoad(t, ctx, runID)

	answer, err := controlForReply(ctx, b.c, runID, runs.ActionAbort)
	if err != nil {
		t.Fatal(err)
	}
	if !answer.Refused || !strings.Contains(answer.Error, "force") {
		t.Errorf("plain abort answered %+v, want refused naming force", answer)
	}
	waitDrained(t, ctx, b.c, 20*time.Second, "the refused abort to be handled")
	rec, err := b.c.store.Run(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != runs.Failed || !rec.AttentionRequired || !rec.LoadsBegun || rec.Containment != nil {
		t.Fatalf("after a plain abort the run is %s (attention %v, loads_begun %v, containment %+v)",
			rec.State, rec.AttentionRequired, rec.LoadsBegun, rec.Containment)
	}
	b.checkAllStopped(t, "after a plain abort")

	if err := client.SendControlMessage(ctx, b.c.store, runID, runs.ControlMessage{Action: runs.ActionAbort, Force: true}); err != nil {
		t.Fatal(err)
	}
	rec = b.waitRun(t, ctx, runID, "aborted with containment finished", func(r runs.Record) bool {
		return r.State == runs.Aborted && !r.ContainmentPending()
	})
	if rec.Containment == nil || rec.Containment.State != runs.ContainDone || rec.RestartRequired || rec.AttentionRequired {
		t.Fatalf("aborted run: containment %+v, restart_required %v, attention %v, error %s",
			rec.Containment, rec.RestartRequired, rec.AttentionRequired, deref(rec.Error))
	}
	if !strings.Contains(deref(rec.Error), "aborted by operator") {
		t.Errorf("aborted run's error %q", deref(rec.Error))
	}
	b.f.CheckAllRunning(t)
	b.waitLocksFreed(t, ctx, runID)
	// The snapshots the aborted restore uploaded were deleted before its locks were freed.
	b.checkSnapshotsAsBefore(t, snapshotsBefore)
}

// failLeafLoad injects a permanent load fault on the leaf, restores, and checks that the run
// stopped for the operator after its first loads; it returns the history mark taken before the
// request.
func (b *policyBackup) failLeafLoad(t *testing.T, ctx context.Context, runID string) int {
	t.Helper()
	if err := sim.InjectFault(b.f.StateDir, sim.Fault{Call: sim.KindLoad, Mode: sim.ModePermanent, Canister: b.leaf}); err != nil {
		t.Fatal(err)
	}
	mark := historyMark(t, b.f.StateDir)
	b.submitRestore(t, ctx, restoreBody(t, runID, b.id, nil))
	rec := b.waitRun(t, ctx, runID, "ended", ended)
	if rec.State != runs.Failed || !rec.AttentionRequired || rec.NextAction == nil || *rec.NextAction == "" ||
		!rec.LoadsBegun || rec.Containment != nil || rec.Kind != runs.KindRestore || rec.BackupID != b.id {
		t.Fatalf("run after the leaf's load failed: %+v (error %s)", rec, deref(rec.Error))
	}
	if !strings.Contains(deref(rec.Error), "injected") {
		t.Errorf("the run's error %q does not give the load's reason", deref(rec.Error))
	}
	// Let every message in flight be handled (a containment request among them would show).
	waitDrained(t, ctx, b.c, 20*time.Second, "the failed run's messages to be handled")
	if cur, err := b.c.store.Run(ctx, runID); err != nil || cur.State != runs.Failed || cur.Containment != nil || !cur.RestartRequired {
		t.Fatalf("failed run once idle: %+v, %v", cur, err)
	}
	b.checkAllStopped(t, "while the run waits for the operator")
	if n := b.locksOf(t, ctx, runID); n != len(b.members) {
		t.Errorf("the run waiting for the operator holds %d canister locks, want %d", n, len(b.members))
	}
	calls := callsSince(t, b.f.StateDir, mark)
	if starts := tally(calls, sim.KindStart, true); len(starts) > 0 {
		t.Errorf("canisters were started after the loads began: %v", starts)
	}
	if tally(calls, sim.KindLoad, false)[b.leaf] == 0 || tally(calls, sim.KindLoad, true)[b.top] == 0 {
		t.Errorf("loads: failed %v, completed %v; want the leaf's failed after the top's completed",
			tally(calls, sim.KindLoad, false), tally(calls, sim.KindLoad, true))
	}
	j := b.exportedJournal(t, runID)
	leaf := operation(t, j, restore.KindLoadSnapshot, b.leaf)
	if leaf.State != restore.StateFailed || len(leaf.BlockingReasons) != 1 || !strings.Contains(leaf.BlockingReasons[0], "injected") {
		t.Errorf("exported journal: the leaf's load is %s with reasons %q", leaf.State, leaf.BlockingReasons)
	}
	if top := operation(t, j, restore.KindLoadSnapshot, b.top); top.State != restore.StateCompleted {
		t.Errorf("exported journal: the top's load is %s, want completed", top.State)
	}
	if r := j.Report(); r.Outcome != "failed" || !r.AttentionRequired || r.NextAction != "retry-failed" {
		t.Errorf("exported journal's report: outcome %s, attention %v, next %s", r.Outcome, r.AttentionRequired, r.NextAction)
	}
	return mark
}

// checkAllStopped asserts that every member of the backup is stopped.
func (b *policyBackup) checkAllStopped(t *testing.T, when string) {
	t.Helper()
	for id, st := range b.statuses(t) {
		if st != executor.StatusStopped {
			t.Errorf("%s: canister %s is %s, want stopped (nothing restarts it automatically)", when, id, st)
		}
	}
}
