package embedded_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// abort after every canister is stopped: no more dispatch, every canister running again, the
// run aborted with restart_required false. Snapshots take 3 s, so the abort (sent once the
// run's counts, flushed every second, show every stop) comes while canisters are stopped.
func TestAbortRestartsStoppedCanisters(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"snapshot": 3 * time.Second})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, "aborted", f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	stopped, err := client.WatchRun(ctx, st.Store, "aborted", func(r runs.Record) bool { return r.Counts.StopsCompleted == 29 })
	if err != nil {
		t.Fatal(err)
	}
	if !stopped.RestartRequired {
		t.Fatalf("restart_required false while every canister is stopped: %+v", stopped.Counts)
	}
	if err := client.SendControl(ctx, st.Store, "aborted", runs.ActionAbort); err != nil {
		t.Fatal(err)
	}
	rec := waitContained(t, st, "aborted")
	if rec.State != runs.Aborted || rec.RestartRequired {
		t.Fatalf("run after abort = %s, restart_required %v", rec.State, rec.RestartRequired)
	}
	checkAllRunning(t, f)
}

// An operation claimed under an expired preflight is refused with a clear reason, before any
// management call; resume proves preflight again and the run completes.
func TestExpiredPreflightRefusedThenResumed(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	var skew atomic.Int64
	skew.Store(int64(10 * time.Minute))
	clock := func(e *runenv.Env) {
		fastRetries(e)
		if strings.Contains(e.WorkerID, "snapshotter") {
			e.Clock = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		}
	}
	st := embeddedtest.Start(t, f, embedded.Config{Env: clock})
	rec := st.RunToEnd(t, "expired", subtreeRequest(t, "expired", f, "parallel"))
	if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), "expired") {
		t.Fatalf("run = %s %q, want failed: preflight expired", rec.State, deref(rec.Error))
	}
	t.Logf("refusal: %s", deref(rec.Error))
	waitContained(t, st, "expired")
	if n := countCalls(t, f.StateDir, "stop", ""); n != 0 {
		t.Fatalf("%d stops made under an expired preflight", n)
	}
	skew.Store(0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.SendControl(ctx, st.Store, "expired", runs.ActionResume); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WatchRun(ctx, st.Store, "expired", func(r runs.Record) bool { return r.State == runs.Completed })
	if err != nil {
		t.Fatal(err)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
}
