package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// kill -9 of the only downloader while uploads are in flight (each upload takes 3 s): a new
// downloader takes the uploads over, reconciles by the target's inventory (nothing new: upload
// again), and the restore completes with exactly one upload per canister that took effect, the
// content back, and no private staging copy left behind.
func TestRestoreKillDownloaderMidUpload(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 4096)
	c := newCluster(t, f, "--sim-artifact-bytes", "4096", "--sim-latency", "upload=3s")
	for _, s := range []string{"planner", "snapshotter", "verifier", "finalizer"} {
		c.start(s)
	}
	victim := c.start("downloader")
	first := rpBackup(t, c, "backup-1")
	targets := embeddedtest.Members(t, *first.BackupDir)
	want := rpMutate(t, f.StateDir, targets)

	ctx := testCtx(t, 90*time.Second)
	rpSubmitRestore(t, ctx, c, "r1", "backup-1")
	staging := filepath.Join(c.backupRoot, "backup-1", "restores", "r1", "staging")
	var inFlight []string
	waitFor(t, ctx, "an upload in flight (its private staging copy)", func() bool {
		inFlight, _ = filepath.Glob(filepath.Join(staging, "*"))
		return len(inFlight) > 0
	})
	claimed := rpClaimed(ctx, c, plan.KindUploadSnapshot)
	if len(claimed) == 0 {
		t.Fatalf("staging copies %v exist but no upload is claimed", inFlight)
	}
	c.kill("downloader", victim)
	rpNotYetDone(t, f.StateDir, claimed, "upload")
	c.start("downloader")

	rec := rpWaitCompleted(t, ctx, c, "r1", "backup-1")
	tally := rpCheckRestored(t, f, targets, want, true)
	rpCheckDocuments(t, c, rec, "backup-1", tally, targets)
	rpCheckTakenOver(t, ctx, c, claimed)
	if left, _ := os.ReadDir(staging); len(left) > 0 {
		names := make([]string, len(left))
		for i, e := range left {
			names[i] = e.Name()
		}
		t.Errorf("the completed restore left private staging copies behind in %s: %v (the killed downloader's attempts: %s)", staging, names, rpAttempts(claimed))
	}
}

// kill -9 of the only snapshotter while loads are in flight (each load takes 3 s, after the
// run passed its point of no return): a new snapshotter takes the loads over, loads the same
// uploaded snapshot into the still-stopped canisters, and the restore completes with the content
// back, one upload per canister and its snapshot deleted after the check.
func TestRestoreKillSnapshotterMidLoad(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 4096)
	c := newCluster(t, f, "--sim-artifact-bytes", "4096", "--sim-latency", "load=3s")
	for _, s := range []string{"planner", "downloader", "verifier", "finalizer"} {
		c.start(s)
	}
	victim := c.start("snapshotter")
	first := rpBackup(t, c, "backup-1")
	targets := embeddedtest.Members(t, *first.BackupDir)
	want := rpMutate(t, f.StateDir, targets)

	ctx := testCtx(t, 90*time.Second)
	rpSubmitRestore(t, ctx, c, "r1", "backup-1")
	var claimed []runstore.OpRecord
	waitFor(t, ctx, "a load in flight", func() bool {
		run, err := c.store.Run(ctx, "r1")
		claimed = rpClaimed(ctx, c, plan.KindLoadSnapshot)
		return err == nil && run.LoadsBegun && len(claimed) > 0
	})
	c.kill("snapshotter", victim)
	rpNotYetDone(t, f.StateDir, claimed, "load")
	c.start("snapshotter")

	rec := rpWaitCompleted(t, ctx, c, "r1", "backup-1")
	tally := rpCheckRestored(t, f, targets, want, false)
	rpCheckDocuments(t, c, rec, "backup-1", tally, targets)
	rpCheckTakenOver(t, ctx, c, claimed)
}

// rpClaimed returns the run r1's operations of a kind that a worker holds right now.
func rpClaimed(ctx context.Context, c *cluster, kind plan.OperationKind) []runstore.OpRecord {
	var out []runstore.OpRecord
	for _, o := range rpOps(ctx, c, "r1", kind) {
		if !o.Op.State.Done() && o.Claim != nil && o.Claim.LeaseUntil > 0 {
			out = append(out, o)
		}
	}
	return out
}

// rpNotYetDone asserts that none of the claimed operations' calls had taken effect when the
// worker was killed (the kill landed mid-call, not after it).
func rpNotYetDone(t *testing.T, stateDir string, claimed []runstore.OpRecord, what string) {
	t.Helper()
	tally := rpReadTally(t, stateDir)
	calls := tally.uploads
	if what == "load" {
		calls = tally.loads
	}
	for _, o := range claimed {
		if id := deref(o.Op.TargetCanisterID); len(calls[id]) > 0 {
			t.Fatalf("the %s of %s had already taken effect when its worker was killed: %v", what, id, calls[id])
		}
	}
	t.Logf("killed with %d %s(s) in flight", len(claimed), what)
}

// rpCheckTakenOver asserts that every operation in flight at the kill completed in a later claim.
func rpCheckTakenOver(t *testing.T, ctx context.Context, c *cluster, claimed []runstore.OpRecord) {
	t.Helper()
	for _, o := range claimed {
		e, err := c.store.Ops.Get(ctx, runstore.OpKey("r1", o.Op.Sequence))
		if err != nil {
			t.Fatal(err)
		}
		if now := e.Value; now.Op.State != journal.StateCompleted || now.Attempts <= o.Claim.Attempt {
			t.Errorf("operation %s (journal sequence %d): %s after %d attempts, want completed by a later claim than %d",
				o.Op.OperationID, o.Op.Sequence-restore.PreflightPhases, now.Op.State, now.Attempts, o.Claim.Attempt)
		}
	}
}

// rpAttempts names operations with their claim's attempt, as <journal sequence>-<attempt>.
func rpAttempts(ops []runstore.OpRecord) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = fmt.Sprintf("%d-%d", o.Op.Sequence-restore.PreflightPhases, o.Claim.Attempt)
	}
	return out
}

// rpOps returns a run's operation records of one kind.
func rpOps(ctx context.Context, c *cluster, runID string, kind plan.OperationKind) []runstore.OpRecord {
	var out []runstore.OpRecord
	for seq := 0; ; seq++ {
		e, err := c.store.Ops.Get(ctx, runstore.OpKey(runID, seq))
		if err != nil {
			return out
		}
		if e.Value.Op.Kind == kind {
			out = append(out, e.Value)
		}
	}
}
