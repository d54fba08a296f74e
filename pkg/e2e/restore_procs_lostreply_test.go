package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// Two uploads take effect on the IC but their replies are lost (a timeout after the fact, in the
// downloader process's executor). The upload effect retries by reconciling with the snapshot
// inventory it recorded before its first call: the one new snapshot is adopted, nothing is
// uploaded twice, the load uses the adopted id, and the restore completes with the content back.
func TestRestoreLostUploadReply(t *testing.T) {
	const lost = 2
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2, 3}), 4096)
	c := newCluster(t, f, "--sim-artifact-bytes", "4096")
	c.startAll(1)
	first := rpBackup(t, c, "backup-1")
	targets := embeddedtest.Members(t, *first.BackupDir)
	want := rpMutate(t, f.StateDir, targets)
	if err := sim.InjectFault(f.StateDir, sim.Fault{Call: sim.KindUpload, Mode: sim.ModeLostReply, Times: lost}); err != nil {
		t.Fatal(err)
	}

	ctx := testCtx(t, 90*time.Second)
	rpSubmitRestore(t, ctx, c, "r1", "backup-1")
	rec := rpWaitCompleted(t, ctx, c, "r1", "backup-1")
	tally := rpCheckRestored(t, f, targets, want, true)
	j := rpCheckDocuments(t, c, rec, "backup-1", tally, targets)

	if len(tally.lost) != lost {
		t.Fatalf("%d uploads lost their reply, want %d (the fault was not consumed): %+v", len(tally.lost), lost, tally.lost)
	}
	for _, call := range tally.lost {
		if !call.OK || call.Error == nil || call.SnapshotID == nil {
			t.Fatalf("lost-reply call in the history: %+v, want OK with an error and a snapshot id", call)
		}
		id := *call.SnapshotID
		if up := tally.uploads[call.Canister]; len(up) != 1 || up[0] != id {
			t.Errorf("canister %s: uploads %v after the lost reply of %s, want that one only", call.Canister, up, id)
		}
		if loads := tally.loads[call.Canister]; len(loads) != 1 || loads[0] != id {
			t.Errorf("canister %s: loads %v, want the adopted snapshot %s", call.Canister, loads, id)
		}
		rpCheckAdopted(t, j, call.Canister, id)
	}
}

// rpCheckAdopted asserts that the journal's upload of canister recorded an inventory before its
// first call that did not hold id, and completed with id: adopted by inventory.
func rpCheckAdopted(t *testing.T, j *restore.Journal, canister, id string) {
	t.Helper()
	for _, op := range j.Operations {
		if op.Operation != restore.KindUploadSnapshot || op.TargetCanister != canister {
			continue
		}
		if op.SnapshotIDsBefore == nil || slices.Contains(*op.SnapshotIDsBefore, id) {
			t.Errorf("upload of %s: snapshot_ids_before %v, want a baseline without %s", canister, op.SnapshotIDsBefore, id)
		}
		for _, r := range j.OperationReceipts {
			if r.Sequence == op.Sequence && r.Outcome == restore.OutcomeCommandCompleted &&
				(r.UploadedSnapshotID == nil || *r.UploadedSnapshotID != id) {
				t.Errorf("upload of %s completed with snapshot %q, want the adopted %s", canister, deref(r.UploadedSnapshotID), id)
			}
		}
		return
	}
	t.Errorf("the journal has no upload of %s", canister)
}
