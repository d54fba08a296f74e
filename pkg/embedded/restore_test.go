package embedded_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/restoreops"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// A restore brings back what the backup captured: back up a subtree, mutate every canister in
// it, restore, back up again; the second backup's checksums equal the first's, every canister
// runs, and each got exactly one upload, one load and the deletion of the uploaded snapshot.
func TestRestoreRoundTripEmbedded(t *testing.T) {
	for _, order := range []string{"parallel", "strict"} {
		t.Run(order, func(t *testing.T) {
			f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 4096)
			st := embeddedtest.Start(t, f, embedded.Config{})
			first := mustComplete(t, st.RunToEnd(t, "backup-1", subtreeRequest(t, "backup-1", f, "parallel")))
			targets := embeddedtest.Members(t, *first.BackupDir)
			contentBefore := embeddedtest.Contents(t, f.StateDir, targets)
			if err := sim.MutateAll(f.StateDir, targets); err != nil {
				t.Fatal(err)
			}
			if embeddedtest.SameMaps(embeddedtest.Contents(t, f.StateDir, targets), contentBefore) {
				t.Fatal("mutating the fleet changed no content")
			}
			body := embeddedtest.Request(t, map[string]any{"run_id": "restore-1", "backup": "backup-1", "order": order})
			rec := mustComplete(t, st.RestoreToEnd(t, "restore-1", body))
			if rec.Kind != runs.KindRestore || rec.BackupID != "backup-1" || rec.AttentionRequired || rec.Network != "local" || rec.Fleet != "demo" {
				t.Fatalf("restore record: %+v", rec)
			}
			if got := embeddedtest.Contents(t, f.StateDir, targets); !embeddedtest.SameMaps(got, contentBefore) {
				t.Fatalf("content after restore differs from the backup's")
			}
			f.CheckAllRunning(t)
			checkRestoreDocuments(t, rec, len(targets))
			second := mustComplete(t, st.RunToEnd(t, "backup-2", subtreeRequest(t, "backup-2", f, "parallel")))
			if a, b := embeddedtest.Checksums(t, *first.BackupDir), embeddedtest.Checksums(t, *second.BackupDir); !embeddedtest.SameMaps(a, b) {
				t.Fatalf("checksums of the second backup differ from the first's:\n%v\n%v", a, b)
			}
			checkUploadsOnce(t, f.StateDir, targets)
		})
	}
}

func mustComplete(t *testing.T, rec runs.Record) runs.Record {
	t.Helper()
	if rec.State != runs.Completed {
		t.Fatalf("run %s ended %s: %s", rec.RunID, rec.State, deref(rec.Error))
	}
	return rec
}

// checkUploadsOnce asserts one successful upload and one load per target, and that the uploaded
// snapshot was deleted.
func checkUploadsOnce(t *testing.T, stateDir string, targets []string) {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	uploads, loads, deleted := map[string]string{}, map[string]int{}, map[string]bool{}
	for _, c := range calls {
		switch {
		case c.Call == sim.KindUpload && c.OK:
			if _, dup := uploads[c.Canister]; dup {
				t.Errorf("canister %s got two uploads", c.Canister)
			}
			uploads[c.Canister] = *c.SnapshotID
		case c.Call == sim.KindLoad && c.OK:
			loads[c.Canister]++
		case c.Call == sim.KindDelete && c.OK && c.SnapshotID != nil && uploads[c.Canister] == *c.SnapshotID:
			deleted[c.Canister] = true
		}
	}
	for _, id := range targets {
		if uploads[id] == "" || loads[id] == 0 || !deleted[id] {
			t.Errorf("canister %s: upload %q, %d loads, uploaded snapshot deleted %v", id, uploads[id], loads[id], deleted[id])
		}
	}
}

// checkRestoreDocuments reads the exported plan and journal strictly: every operation completed.
func checkRestoreDocuments(t *testing.T, rec runs.Record, members int) {
	t.Helper()
	if rec.BackupDir == nil || rec.ManifestPath == nil {
		t.Fatalf("restore record names no documents: %+v", rec)
	}
	planData, err := os.ReadFile(filepath.Join(*rec.BackupDir, restoreops.PlanFile))
	if err != nil {
		t.Fatal(err)
	}
	p, err := restore.LoadPlan(planData)
	if err != nil || p.MemberCount != members {
		t.Fatalf("restore plan: %v (members %d, want %d)", err, p.MemberCount, members)
	}
	data, err := os.ReadFile(*rec.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	j, err := restore.LoadJournal(data)
	if err != nil {
		t.Fatal(err)
	}
	if j.CompletedOperations != j.OperationCount || j.Report().Outcome != "complete" {
		t.Fatalf("exported journal: %d of %d completed, outcome %s", j.CompletedOperations, j.OperationCount, j.Report().Outcome)
	}
}
