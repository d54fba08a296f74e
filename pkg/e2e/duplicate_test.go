package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Finding 1: the same request published again without a Nats-Msg-Id, with status calls slow
// (as real icp's are): one copy half-way through the run's preflight (its own planning, as
// slow, ends after the run started running), one once the run is running, and a copy with an
// unknown field while it runs. The copies are answered with the run's state and never move
// it: the run goes planning → preflight → running → completed, its counts are never reset,
// each target is stopped once, and every canister runs again with one new snapshot each.
func TestDuplicateRequestWithSlowStatusKeepsRunRunning(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{2, 4}), 4096) // root, 2 children, 8 grandchildren
	c := newCluster(t, f, "--sim-artifact-bytes", "4096",
		"--sim-latency", "status=300ms,stop=50ms,snapshot=50ms,start=20ms,download=200ms")
	c.startAll(1)
	ctx := testCtx(t, 2*time.Minute)
	const runID = "dup"
	body := embeddedtest.Request(t, map[string]any{"run_id": runID, "fleet": "e2e", "network": "local",
		"root_canister_id": f.Root, "scope": "non-root-fleet"})
	log := recordRun(t, c, runID)
	if err := client.Submit(ctx, c.store, body, ""); err != nil {
		t.Fatal(err)
	}
	targets := len(f.Entries) - 1

	early := sendCopyDuringPreflight(t, ctx, c, f, log, body, targets)
	sendCopiesWhileRunning(t, ctx, c, log, body)

	rec, err := log.until(ctx, "the end", func(r runs.Record) bool { return r.State.Terminal() })
	if err != nil {
		checkNeverBack(t, log)
		c.dumpOps(runID)
		t.Fatalf("%v%s", err, log.describe())
	}
	checkNeverBack(t, log)
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s%s", rec.State, deref(rec.Error), log.describe())
	}
	select {
	case reply := <-early:
		if reply.RunID != runID || reply.Error != "" || stateRank[reply.State] < stateRank[runs.Running] {
			t.Errorf("answer to the copy sent during preflight = %+v, want the run's state (running or completed)", reply)
		}
	case <-ctx.Done():
		t.Fatal("no answer to the copy sent during preflight")
	}
	checkDuplicatedRunCompleted(t, f, log, rec, targets)
}

// sendCopyDuringPreflight publishes a copy of body while the run proves its preflight,
// half-way through its status calls (its own planning, as slow, ends after the run started
// running), and returns the channel its answer arrives on.
func sendCopyDuringPreflight(t *testing.T, ctx context.Context, c *cluster, f *embeddedtest.Fleet, log *runLog, body []byte, targets int) <-chan reply.Reply {
	t.Helper()
	runID := log.runID
	if _, err := log.until(ctx, "preflight", func(r runs.Record) bool { return r.State != runs.Planning }); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "half of the preflight's status calls", func() bool { return countOK(t, f.StateDir, "status") >= targets/2 })
	if cur, err := c.store.Runs.Get(ctx, runID); err != nil || cur.Value.State != runs.Preflight {
		t.Fatalf("the run is not in preflight when the first copy is sent: %+v, %v%s", cur.Value, err, log.describe())
	}
	early := make(chan reply.Reply, 1)
	go func() {
		r, err := submitForReply(ctx, c, c.store.Names.RequestSubject(), body)
		if err != nil {
			r.Error = err.Error()
		}
		early <- r
	}()
	return early
}

// sendCopiesWhileRunning waits for the run to be running, then publishes body again (answered
// with the run's state) and body with an unknown field (rejected, the run untouched).
func sendCopiesWhileRunning(t *testing.T, ctx context.Context, c *cluster, log *runLog, body []byte) {
	t.Helper()
	runID := log.runID
	if _, err := log.until(ctx, "running", func(r runs.Record) bool {
		return r.State == runs.Running || r.State.Terminal()
	}); err != nil {
		t.Fatal(err)
	}
	if cur, err := c.store.Runs.Get(ctx, runID); err != nil || cur.Value.State != runs.Running {
		t.Fatalf("the run is not running before the copies are sent: %+v, %v%s", cur.Value, err, log.describe())
	}

	// A copy once the run is running, byte for byte the same, no Nats-Msg-Id: answered with
	// the run's state.
	reply, err := submitForReply(ctx, c, c.store.Names.RequestSubject(), body)
	if err != nil {
		t.Fatal(err)
	}
	if reply.RunID != runID || (reply.State != runs.Running && reply.State != runs.Completed) || reply.Error != "" {
		t.Errorf("answer to the duplicate = %+v, want run %s running (or completed)", reply, runID)
	}
	// Third copy with an unknown field, while the run runs: rejected, the run untouched.
	reply, err = submitForReply(ctx, c, c.store.Names.RequestSubject(), withField(t, body, "surprise", true))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply.Error, "surprise") {
		t.Errorf("answer to the malformed copy = %+v, want an error naming the unknown field", reply)
	}
	if cur, err := c.store.Runs.Get(ctx, runID); err != nil || cur.Value.State == runs.Rejected {
		t.Fatalf("after the malformed copy the run is %+v, %v", cur.Value, err)
	}
}

// checkDuplicatedRunCompleted checks the completed run the copies did not move: its states,
// its counts, one stop per target, its backup, and the fleet after it.
func checkDuplicatedRunCompleted(t *testing.T, f *embeddedtest.Fleet, log *runLog, rec runs.Record, targets int) {
	t.Helper()
	if got := log.states(); got != "planning → preflight → running → completed" {
		t.Errorf("states %s, want planning → preflight → running → completed", got)
	}
	if rec.Counts.Completed != rec.Counts.Total {
		t.Errorf("completed run counts %+v: not every operation completed", rec.Counts)
	}
	if n := countOK(t, f.StateDir, "stop"); n != targets {
		t.Errorf("%d stops in the history, want one per target (%d)", n, targets)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	if len(p.Targets) != targets {
		t.Errorf("%d targets, want %d", len(p.Targets), targets)
	}
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	f.CheckAllRunning(t)
	simcheck.CheckConsistentCuts(t, f.StateDir)
	simcheck.CheckBackupIsConsistentCut(t, f.StateDir, *rec.BackupDir)
}

// Finding 2: while the first copy of a request is planning (slow status calls in preflight),
// the same body plus an unknown field is published. The malformed copy is answered with its
// error; the run it names is not touched and completes.
func TestMalformedDuplicateDuringPlanning(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{3, 4}), 4096) // root, 3 children, 12 grandchildren
	c := newCluster(t, f, "--sim-artifact-bytes", "4096",
		"--sim-latency", "status=300ms,stop=20ms,snapshot=20ms,start=20ms")
	c.startAll(1)
	ctx := testCtx(t, 2*time.Minute)
	const runID = "planning-dup"
	body := embeddedtest.Request(t, map[string]any{"run_id": runID, "fleet": "e2e", "network": "local",
		"root_canister_id": f.Root, "scope": "non-root-fleet"})
	log := recordRun(t, c, runID)
	if err := client.Submit(ctx, c.store, body, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := log.until(ctx, "planning", func(r runs.Record) bool {
		return r.State == runs.Planning || r.State == runs.Preflight
	}); err != nil {
		t.Fatal(err)
	}
	reply, err := submitForReply(ctx, c, c.store.Names.RequestSubject(), withField(t, body, "unexpected_field", "x"))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := c.store.Runs.Get(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	// The copy must have been handled while the run was still being planned, or the test
	// proves nothing (preflight takes 14 × 300 ms of status calls).
	if cur.Value.State == runs.Rejected {
		t.Fatalf("the malformed copy ended the run it names: %s (states %s)%s", deref(cur.Value.Error), log.states(), log.describe())
	}
	if cur.Value.State != runs.Planning && cur.Value.State != runs.Preflight {
		t.Fatalf("the malformed copy was answered only when the run was %s; the test needs it handled during planning (states: %s)",
			cur.Value.State, log.states())
	}
	if !strings.Contains(reply.Error, "unexpected_field") {
		t.Errorf("answer to the malformed copy = %+v, want an error naming the unknown field", reply)
	}
	rec, err := log.until(ctx, "the end", func(r runs.Record) bool { return r.State.Terminal() })
	if err != nil {
		c.dumpOps(runID)
		t.Fatalf("%v%s", err, log.describe())
	}
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s (states %s)%s", rec.State, deref(rec.Error), log.states(), log.describe())
	}
	checkNeverBack(t, log)
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	f.CheckAllRunning(t)
	simcheck.CheckConsistentCuts(t, f.StateDir)
}
