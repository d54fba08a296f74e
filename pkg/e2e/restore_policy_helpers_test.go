package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/restoreops"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// policyBackup is a completed backup of a subtree, and the fleet used since.
type policyBackup struct {
	c  *cluster
	f  *embeddedtest.Fleet
	id string
	// members are the backup's canisters in manifest order; top is the subtree's root, mid one
	// of its children, leaf a grandchild.
	members        []string
	top, mid, leaf string
	// content is each member's content when the backup was taken.
	content map[string]string
}

// newPolicyBackup starts the five services as processes over a 10-canister fleet (root → 1 →
// 2 → 6), backs up the 9-canister subtree under the root's child, then mutates every member so
// that a restore has something to bring back.
func newPolicyBackup(t *testing.T) *policyBackup {
	t.Helper()
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2, 3}), 4096)
	c := newCluster(t, f, "--sim-artifact-bytes", "4096")
	c.startAll(1)
	rec := c.runToEnd("bk", subtreeRequest(t, "bk", f), time.Minute)
	if rec.State != runs.Completed {
		t.Fatalf("backup ended %s: %s", rec.State, deref(rec.Error))
	}
	b := &policyBackup{c: c, f: f, id: "bk", top: f.Entries[1].Pid, mid: f.Entries[2].Pid, leaf: f.Entries[9].Pid}
	m, err := layout.ReadManifest(*rec.BackupDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, mem := range m.Fleet.Members {
		b.members = append(b.members, mem.CanisterID)
	}
	for _, id := range []string{b.top, b.mid, b.leaf} {
		if !slices.Contains(b.members, id) || len(b.members) != 9 {
			t.Fatalf("backup members %v: want 9 with %s", b.members, id)
		}
	}
	b.content = b.contents(t)
	if err := sim.MutateAll(f.StateDir, b.members); err != nil {
		t.Fatal(err)
	}
	for id, now := range b.contents(t) {
		if now == b.content[id] {
			t.Fatalf("mutating %s left its content as backed up", id)
		}
	}
	return b
}

func (b *policyBackup) contents(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range b.members {
		c, err := sim.Content(b.f.StateDir, id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = c
	}
	return out
}

// checkRestored asserts every member runs with the content it had when the backup was taken.
func (b *policyBackup) checkRestored(t *testing.T) {
	t.Helper()
	b.f.CheckAllRunning(t)
	for id, now := range b.contents(t) {
		if now != b.content[id] {
			t.Errorf("canister %s holds content %s, the backup's is %s", id, now, b.content[id])
		}
	}
}

// statuses returns each member's status.
func (b *policyBackup) statuses(t *testing.T) map[string]executor.Status {
	t.Helper()
	out := map[string]executor.Status{}
	for _, id := range b.members {
		st, err := sim.Inspect(b.f.StateDir, id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = st.Status
	}
	return out
}

// restoreBody is a restore request of the backup in place, order parallel, with extra fields.
func restoreBody(t *testing.T, runID, backup string, extra map[string]any) []byte {
	t.Helper()
	req := map[string]any{"run_id": runID, "backup": backup, "order": "parallel", "mapping": nil,
		"require_verified": true, "keep_uploaded_snapshots": false}
	for k, v := range extra {
		req[k] = v
	}
	return embeddedtest.Request(t, req)
}

// submitRestore publishes a restore request.
func (b *policyBackup) submitRestore(t *testing.T, ctx context.Context, body []byte) {
	t.Helper()
	if err := client.SubmitRestore(ctx, b.c.store, body, ""); err != nil {
		t.Fatal(err)
	}
}

// waitRun watches the run record until cond holds for a version of it; on timeout it logs the
// run's unfinished operations and fails the test.
func (b *policyBackup) waitRun(t *testing.T, ctx context.Context, runID, what string, cond func(runs.Record) bool) runs.Record {
	t.Helper()
	rec, err := client.WatchRun(ctx, b.c.store, runID, cond)
	if err != nil {
		last, _ := b.c.store.Run(context.Background(), runID)
		b.c.dumpOps(runID)
		t.Fatalf("waiting for run %s to be %s: %v (last record %+v)", runID, what, err, last)
	}
	return rec
}

// ended is true for a run in a terminal state with no containment under way.
func ended(r runs.Record) bool { return r.State.Terminal() && !r.ContainmentPending() }

// historyMark is the number of calls in the simulator's history so far.
func historyMark(t *testing.T, stateDir string) int {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	return len(calls)
}

// callsSince returns the calls logged after mark.
func callsSince(t *testing.T, stateDir string, mark int) []sim.Call {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	return calls[mark:]
}

// tally counts calls by canister: successful ones of kind when ok, failed ones otherwise.
func tally(calls []sim.Call, kind string, ok bool) map[string]int {
	out := map[string]int{}
	for _, c := range calls {
		if c.Call == kind && c.OK == ok {
			out[c.Canister]++
		}
	}
	return out
}

// exportedJournal reads the restore journal exported for a run, strictly.
func (b *policyBackup) exportedJournal(t *testing.T, runID string) *restore.Journal {
	t.Helper()
	path := filepath.Join(b.c.backupRoot, b.id, "restores", runID, restoreops.JournalFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("no restore journal exported at %s", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	j, err := restore.LoadJournal(data)
	if err != nil {
		t.Fatalf("exported journal %s: %v", path, err)
	}
	return j
}

// operation finds the journal operation of kind on target.
func operation(t *testing.T, j *restore.Journal, kind restore.Kind, target string) restore.Operation {
	t.Helper()
	for _, op := range j.Operations {
		if op.Operation == kind && op.TargetCanister == target {
			return op
		}
	}
	t.Fatalf("the journal has no %s of %s", kind, target)
	return restore.Operation{}
}

// checkCompletedJournal asserts that the journal exported at finalize shows every operation
// completed.
func checkCompletedJournal(t *testing.T, rec runs.Record) {
	t.Helper()
	if rec.ManifestPath == nil {
		t.Fatalf("completed restore names no journal: %+v", rec)
	}
	data, err := os.ReadFile(*rec.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	j, err := restore.LoadJournal(data)
	if err != nil {
		t.Fatal(err)
	}
	if r := j.Report(); j.CompletedOperations != j.OperationCount || r.Outcome != "complete" {
		t.Fatalf("final journal: %d of %d operations completed, outcome %s", j.CompletedOperations, j.OperationCount, r.Outcome)
	}
}

// locksOf counts the canister locks held by runID.
func (b *policyBackup) locksOf(t *testing.T, ctx context.Context, runID string) int {
	t.Helper()
	held, err := heldLocks(ctx, b.c)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, holder := range held {
		if strings.HasPrefix(holder, runID+" ") {
			n++
		}
	}
	return n
}

// waitLocksFreed polls until runID holds no canister lock: a settled run frees them.
func (b *policyBackup) waitLocksFreed(t *testing.T, ctx context.Context, runID string) {
	t.Helper()
	waitFor(t, ctx, "run "+runID+" to free its canister locks", func() bool { return b.locksOf(t, ctx, runID) == 0 })
}
