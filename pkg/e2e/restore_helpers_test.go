package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/restoreops"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// rpBackup runs a subtree backup (below the fleet's hub) to completion.
func rpBackup(t *testing.T, c *cluster, runID string) runs.Record {
	t.Helper()
	rec := c.runToEnd(runID, subtreeRequest(t, runID, c.fleet), 90*time.Second)
	if rec.State != runs.Completed {
		t.Fatalf("backup %s ended %s: %s", runID, rec.State, deref(rec.Error))
	}
	return rec
}

// rpRestoreBody is a restore request exactly as the contract shows it.
func rpRestoreBody(t *testing.T, runID, backup string) []byte {
	return embeddedtest.Request(t, map[string]any{"run_id": runID, "backup": backup, "order": "parallel",
		"mapping": nil, "require_verified": true, "keep_uploaded_snapshots": false})
}

// rpSubmitRestore publishes a restore request with the client.
func rpSubmitRestore(t *testing.T, ctx context.Context, c *cluster, runID, backup string) {
	t.Helper()
	if err := client.SubmitRestore(ctx, c.store, rpRestoreBody(t, runID, backup), ""); err != nil {
		t.Fatal(err)
	}
}

// rpWaitCompleted waits for a restore to end and asserts it completed without attention.
func rpWaitCompleted(t *testing.T, ctx context.Context, c *cluster, runID, backup string) runs.Record {
	t.Helper()
	rec, err := client.WaitTerminal(ctx, c.store, runID)
	if err != nil || rec.State != runs.Completed {
		c.dumpOps(runID)
		t.Fatalf("restore %s = %s %q (%v)", runID, rec.State, deref(rec.Error), err)
	}
	if rec.Kind != runs.KindRestore || rec.BackupID != backup || rec.AttentionRequired || rec.NextAction != nil || !rec.LoadsBegun {
		t.Fatalf("restore record: kind %q backup %q attention %v next %q loads begun %v",
			rec.Kind, rec.BackupID, rec.AttentionRequired, deref(rec.NextAction), rec.LoadsBegun)
	}
	return rec
}

// rpMutate changes every target's content after the backup, and returns the content it had.
func rpMutate(t *testing.T, stateDir string, targets []string) map[string]string {
	t.Helper()
	before := embeddedtest.Contents(t, stateDir, targets)
	if err := sim.MutateAll(stateDir, targets); err != nil {
		t.Fatal(err)
	}
	after := embeddedtest.Contents(t, stateDir, targets)
	for _, id := range targets {
		if after[id] == before[id] {
			t.Fatalf("mutating canister %s changed nothing", id)
		}
	}
	return before
}

// rpTally is what the simulator's history says the restore did to each canister.
type rpTally struct {
	uploads map[string][]string // ids of the uploads that took effect
	loads   map[string][]string // ids of the loads that took effect
	deleted map[string][]string // ids of the snapshots deleted
	lost    []sim.Call          // uploads that took effect but whose reply was lost
}

func rpReadTally(t *testing.T, stateDir string) rpTally {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	r := rpTally{uploads: map[string][]string{}, loads: map[string][]string{}, deleted: map[string][]string{}}
	for _, c := range calls {
		if !c.OK || c.SnapshotID == nil {
			continue
		}
		switch c.Call {
		case sim.KindUpload:
			r.uploads[c.Canister] = append(r.uploads[c.Canister], *c.SnapshotID)
			if c.Error != nil {
				r.lost = append(r.lost, c)
			}
		case sim.KindLoad:
			r.loads[c.Canister] = append(r.loads[c.Canister], *c.SnapshotID)
		case sim.KindDelete:
			r.deleted[c.Canister] = append(r.deleted[c.Canister], *c.SnapshotID)
		}
	}
	return r
}

// rpCheckRestored asserts what every restore must leave: the backed-up content back, every
// canister of the fleet running, exactly one upload per target that took effect, loads of that
// snapshot only (exactly one when exactLoads), and the uploaded snapshot deleted and gone.
func rpCheckRestored(t *testing.T, f *embeddedtest.Fleet, targets []string, want map[string]string, exactLoads bool) rpTally {
	t.Helper()
	if got := embeddedtest.Contents(t, f.StateDir, targets); !embeddedtest.SameMaps(got, want) {
		t.Errorf("content after the restore differs from the backup's:\n got %v\nwant %v", got, want)
	}
	f.CheckAllRunning(t)
	tally := rpReadTally(t, f.StateDir)
	for _, id := range targets {
		up, loads := tally.uploads[id], tally.loads[id]
		if len(up) != 1 {
			t.Errorf("canister %s: %d uploads took effect %v, want exactly 1", id, len(up), up)
			continue
		}
		if len(loads) == 0 || (exactLoads && len(loads) != 1) || slices.ContainsFunc(loads, func(s string) bool { return s != up[0] }) {
			t.Errorf("canister %s: loads %v, want the uploaded snapshot %s (exactly once: %v)", id, loads, up[0], exactLoads)
		}
		if !slices.Contains(tally.deleted[id], up[0]) {
			t.Errorf("canister %s: uploaded snapshot %s was not deleted (deleted %v)", id, up[0], tally.deleted[id])
		}
		st, err := sim.Inspect(f.StateDir, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, still := st.SnapshotContents[up[0]]; still {
			t.Errorf("canister %s still holds the uploaded snapshot %s", id, up[0])
		}
	}
	return tally
}

// rpCheckDocuments reads restore-plan.json and restore-apply-journal.json with the strict
// loaders, from where the contract puts them, and checks the journal is complete and names
// the snapshot each upload actually created.
func rpCheckDocuments(t *testing.T, c *cluster, rec runs.Record, backup string, tally rpTally, targets []string) *restore.Journal {
	t.Helper()
	dir := filepath.Join(c.backupRoot, backup, "restores", rec.RunID)
	if rec.BackupDir == nil || *rec.BackupDir != dir || rec.ManifestPath == nil || *rec.ManifestPath != filepath.Join(dir, restoreops.JournalFile) {
		t.Fatalf("restore record: backup_dir %q manifest_path %q, want %s and its %s", deref(rec.BackupDir), deref(rec.ManifestPath), dir, restoreops.JournalFile)
	}
	data, err := os.ReadFile(filepath.Join(dir, restoreops.PlanFile))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := restore.LoadPlan(data); err != nil {
		t.Fatalf("restore-plan.json does not read back strictly: %v", err)
	} else if p.MemberCount != len(targets) || p.BackupID != backup {
		t.Fatalf("restore plan of backup %q has %d members, want %d of %q", p.BackupID, p.MemberCount, len(targets), backup)
	}
	if data, err = os.ReadFile(filepath.Join(dir, restoreops.JournalFile)); err != nil {
		t.Fatal(err)
	}
	j, err := restore.LoadJournal(data)
	if err != nil {
		t.Fatalf("restore-apply-journal.json does not read back strictly: %v", err)
	}
	n, oc := len(targets), j.OperationCounts
	if j.BackupID != backup || j.CompletedOperations != j.OperationCount || j.Report().Outcome != "complete" ||
		oc.SnapshotUploads != n || oc.SnapshotLoads != n || oc.CanisterStops != n || oc.CanisterStarts != n ||
		oc.MemberVerifications != n || oc.FinalizeOperations != 1 {
		t.Fatalf("journal of backup %q: %d of %d completed, outcome %s, counts %+v (members %d)",
			j.BackupID, j.CompletedOperations, j.OperationCount, j.Report().Outcome, oc, n)
	}
	for _, op := range j.Operations {
		if op.State != restore.StateCompleted {
			t.Errorf("journal operation %d %s on %s is %s", op.Sequence, op.Operation, op.TargetCanister, op.State)
		}
	}
	uploaded := map[string]string{}
	for _, r := range j.OperationReceipts {
		if r.Operation == restore.KindUploadSnapshot && r.Outcome == restore.OutcomeCommandCompleted && r.UploadedSnapshotID != nil {
			uploaded[r.TargetCanister] = *r.UploadedSnapshotID
		}
	}
	for _, id := range targets {
		if up := tally.uploads[id]; len(up) != 1 || uploaded[id] != up[0] {
			t.Errorf("journal says canister %s got snapshot %q uploaded, the canister got %v", id, uploaded[id], up)
		}
	}
	return j
}
