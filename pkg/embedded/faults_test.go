package embedded_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// fastRetries keeps backoff short in tests.
func fastRetries(e *runenv.Env) {
	e.Retry = executor.RetryPolicy{Initial: time.Millisecond, Max: 10 * time.Millisecond, Attempts: 4}
}

func inject(t *testing.T, f *embeddedtest.Fleet, fault sim.Fault) {
	t.Helper()
	if err := sim.InjectFault(f.StateDir, fault); err != nil {
		t.Fatal(err)
	}
}

func countCalls(t *testing.T, stateDir, call, canister string) int {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range calls {
		if c.Call == call && (canister == "" || c.Canister == canister) && c.OK {
			n++
		}
	}
	return n
}

// The IC takes the snapshot but the reply is lost: the retry adopts that snapshot instead of
// taking a second one.
func TestLostSnapshotReplyIsAdopted(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	victim := f.Entries[3].Pid
	inject(t, f, sim.Fault{Call: "snapshot", Canister: victim, Mode: sim.ModeLostReply, Times: 1})
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	rec := st.RunToEnd(t, "lost-reply", subtreeRequest(t, "lost-reply", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	if n := countCalls(t, f.StateDir, "snapshot", victim); n != 1 {
		t.Fatalf("%d snapshots taken of %s, want 1 (the lost one adopted)", n, victim)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
}

// Calls that fail a few times with transient errors are retried with backoff.
func TestTransientFaultsAreRetried(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	for _, call := range []string{"stop", "snapshot", "start", "download"} {
		inject(t, f, sim.Fault{Call: call, Mode: sim.ModeTransient, Times: 2})
	}
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	rec := st.RunToEnd(t, "transient", subtreeRequest(t, "transient", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	calls, _ := sim.ReadHistory(f.StateDir)
	failed := 0
	for _, c := range calls {
		if !c.OK {
			failed++
		}
	}
	if failed != 8 {
		t.Fatalf("%d failed calls in the history, want the 8 injected", failed)
	}
	layouttest.CheckBackupDir(t, *rec.BackupDir)
}

// A permanent fault on a snapshot after the stops fails the run, and containment starts every
// stopped canister again. Once the cause is gone, retry re-arms the run: the whole selection is
// stopped and snapshotted again, the first pass's snapshots are deleted, and the run completes
// with exactly one new snapshot per canister.
func TestPermanentSnapshotFaultContainedThenRetried(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	inject(t, f, sim.Fault{Call: "snapshot", Canister: f.Entries[5].Pid, Mode: sim.ModePermanent, Times: 1, Message: "disk on fire"})
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	rec := st.RunToEnd(t, "contained", subtreeRequest(t, "contained", f, "parallel"))
	if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), "disk on fire") {
		t.Fatalf("run = %s %q, want failed with the snapshot's cause", rec.State, deref(rec.Error))
	}
	rec = waitContained(t, st, "contained")
	if rec.RestartRequired {
		t.Fatalf("restart_required still true after containment: %+v", rec.Counts)
	}
	checkAllRunning(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.SendControl(ctx, st.Store, "contained", runs.ActionRetry); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WatchRun(ctx, st.Store, "contained", func(r runs.Record) bool { return r.State.Terminal() && r.State != runs.Failed })
	if err != nil || rec.State != runs.Completed {
		t.Fatalf("retried run = %s %q, %v", rec.State, deref(rec.Error), err)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	simcheck.CheckParallelOrderSince(t, f.StateDir, "delete")
}

// waitContained waits until the run's containment is done.
func waitContained(t *testing.T, st *embeddedtest.Stack, runID string) runs.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec, err := client.WatchRun(ctx, st.Store, runID, func(r runs.Record) bool {
		return r.Containment != nil && r.Containment.State != runs.ContainPending
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Containment.State != runs.ContainDone {
		t.Fatalf("containment %s: %s", rec.Containment.State, deref(rec.Containment.Error))
	}
	return rec
}

func checkAllRunning(t *testing.T, f *embeddedtest.Fleet) {
	t.Helper()
	for _, e := range f.Entries {
		st, err := sim.Inspect(f.StateDir, e.Pid)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != executor.StatusRunning {
			t.Errorf("canister %s is %s", e.Pid, st.Status)
		}
	}
}

// A download that fails permanently fails the run; the canisters are started by the plan's own
// start operations; once the cause is gone, retry completes the run with one snapshot each.
func TestRetryAfterPermanentDownloadFault(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	inject(t, f, sim.Fault{Call: "download", Canister: f.Entries[7].Pid, Mode: sim.ModePermanent, Message: "bucket full"})
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	rec := st.RunToEnd(t, "retried", subtreeRequest(t, "retried", f, "parallel"))
	if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), "bucket full") {
		t.Fatalf("run = %s %q, want failed with the download's cause", rec.State, deref(rec.Error))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rec, err := client.WatchRun(ctx, st.Store, "retried", func(r runs.Record) bool { return !r.RestartRequired && r.Counts.StartsUnfinished == 0 })
	if err != nil {
		t.Fatal(err)
	}
	checkAllRunning(t, f)
	if err := sim.ClearFaults(f.StateDir); err != nil {
		t.Fatal(err)
	}
	if err := client.SendControl(ctx, st.Store, "retried", runs.ActionRetry); err != nil {
		t.Fatal(err)
	}
	rec, err = client.WatchRun(ctx, st.Store, "retried", func(r runs.Record) bool { return r.State == runs.Completed })
	if err != nil {
		t.Fatal(err)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
}

// A start that fails once fails the run; containment starts every canister (the failed one
// too) through the plan's start operations and hands their completion on, so that a retry
// finds the rest of the run ready and completes it.
func TestRetryAfterContainedStartFailure(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	leaf := f.Entries[len(f.Entries)-1].Pid
	inject(t, f, sim.Fault{Call: "start", Canister: leaf, Mode: sim.ModePermanent, Times: 1, Message: "start refused"})
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	rec := st.RunToEnd(t, "start-failed", subtreeRequest(t, "start-failed", f, "parallel"))
	if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), "start refused") {
		t.Fatalf("run = %s %q, want failed by the start", rec.State, deref(rec.Error))
	}
	if rec = waitContained(t, st, "start-failed"); rec.RestartRequired {
		t.Fatalf("restart_required after containment: %+v", rec.Counts)
	}
	checkAllRunning(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.SendControl(ctx, st.Store, "start-failed", runs.ActionRetry); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WatchRun(ctx, st.Store, "start-failed", func(r runs.Record) bool { return r.State == runs.Completed })
	if err != nil {
		t.Fatal(err)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
}
