package layout

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
)

// TestExecutionIntegrity covers S7 (plan + journal from plan verify) and S8 (operation 0
// renamed, still writable: PlanJournalOperationMismatch).
func TestExecutionIntegrity(t *testing.T) {
	dir := t.TempDir()
	p := fixturePlan(t)
	j := fixtureJournal(t, p)
	if err := WritePlan(dir, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteJournal(dir, j); err != nil {
		t.Fatal(err)
	}
	r, err := ExecutionIntegrity(dir)
	if err != nil {
		t.Fatalf("S7: %v", err)
	}
	if *r != (ExecutionReport{PlanID: "plan-001", RunID: "run-001", Verified: true, PlanOperations: 15, JournalOperations: 15}) {
		t.Fatalf("S7: %+v", r)
	}
	j.Operations[0].OperationID = "different-operation"
	if err := WriteJournal(dir, j); err != nil {
		t.Fatalf("S8: the renamed journal must still be writable: %v", err)
	}
	_, err = ExecutionIntegrity(dir)
	var e *Error
	if !errors.Is(err, ErrPlanJournalOperationMismatch) || !errors.As(err, &e) || e.Field != "operation_id" ||
		e.Sequence != 0 || e.Expected != "validate-topology" || e.Actual != "different-operation" {
		t.Fatalf("S8: %v", err)
	}
}

func TestExecutionIntegrityMismatches(t *testing.T) {
	p := fixturePlan(t)
	cases := []struct {
		name   string
		mutate func()
		field  string
		want   error
	}{
		{"run id", func() { p.RunID = "run-other" }, "run_id", ErrPlanJournalMismatch},
		{"operation count", func() { p.Phases = p.Phases[:len(p.Phases)-1] }, "operation_count", ErrPlanJournalMismatch},
		{"kind", func() { p.Phases[14].Kind = "verify-artifact" }, "kind", ErrPlanJournalOperationMismatch},
		{"target", func() { p.Phases[4].TargetCanisterID = strp(workerID) }, "target_canister_id", ErrPlanJournalOperationMismatch},
		{"sequence", func() { p.Phases[3].Order = 7 }, "sequence", ErrPlanJournalOperationMismatch},
	}
	if err := CheckExecution(nil, nil); !errors.Is(err, ErrPlanJournalMismatch) {
		t.Fatalf("nil documents: %v", err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p = fixturePlan(t)
			j := fixtureJournal(t, p)
			c.mutate()
			err := CheckExecution(p, j)
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Field != c.field {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// integrityDir writes the §11 manifest, the given journal and the artifact file
// `artifacts/root` containing `root artifact`; it returns the directory and the artifact's checksum.
func integrityDir(t *testing.T, m *manifest.Manifest, mutate func(j *artifact.Journal)) string {
	t.Helper()
	dir := t.TempDir()
	j := journalWithChecksum(writeArtifact(t, dir, []byte("root artifact")))
	if mutate != nil {
		mutate(j)
	}
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteDownloadJournal(dir, j); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestLayoutIntegrityVerifies is S10.
func TestLayoutIntegrityVerifies(t *testing.T) {
	dir := integrityDir(t, validManifest(), nil)
	r, err := LayoutIntegrity(dir)
	if err != nil {
		t.Fatalf("S10: %v", err)
	}
	want := checksum.Bytes([]byte("root artifact"))
	if r.BackupID != "fbk_test_001" || !r.Verified || r.ManifestMembers != 1 || r.JournalArtifacts != 1 ||
		r.DurableArtifacts != 1 || r.Artifacts[0].Checksum != want ||
		r.Artifacts[0].ArtifactPath != filepath.Join(dir, "artifacts", "root") {
		t.Fatalf("S10: %+v", r)
	}
}

// TestLayoutIntegrityFailures covers S11–S16 and the artifact checks after them.
func TestLayoutIntegrityFailures(t *testing.T) {
	cases := []struct {
		name     string
		manifest func(m *manifest.Manifest)
		journal  func(j *artifact.Journal)
		want     error
	}{
		{"S11 backup id differs", nil, func(j *artifact.Journal) { j.BackupID = "other-backup" }, ErrBackupIDMismatch},
		{"S12 discovery hash differs", nil, func(j *artifact.Journal) { j.DiscoveryTopologyHash = strp(hashF) },
			ErrManifestJournalTopologyReceiptMismatch},
		{"null journal hash", nil, func(j *artifact.Journal) { j.PreSnapshotTopologyHash = nil },
			ErrManifestJournalTopologyReceiptMismatch},
		{"S13 entry Created", nil, func(j *artifact.Journal) {
			j.Artifacts[0].State, j.Artifacts[0].Checksum, j.Artifacts[0].ArtifactPath = artifact.StateCreated, nil, "nowhere"
		}, ErrNonDurableArtifact},
		{"S14 extra journal entry", nil, func(j *artifact.Journal) {
			extra := j.Artifacts[0]
			extra.SnapshotID = "extra-snapshot"
			j.Artifacts = append(j.Artifacts, extra)
		}, ErrUnexpectedJournalArtifact},
		{"S15 manifest checksum differs", func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.Checksum = strp(hashF) },
			nil, ErrManifestJournalChecksumMismatch},
		{"S16 manifest artifact path differs", func(m *manifest.Manifest) {
			m.Fleet.Members[0].SourceSnapshot.ArtifactPath = "artifacts/different-root"
		}, nil, ErrManifestJournalArtifactPathMismatch},
		{"journal entry with another snapshot", nil, func(j *artifact.Journal) { j.Artifacts[0].SnapshotID = "snap-other" },
			ErrUnexpectedJournalArtifact},
		{"member without journal entry", func(m *manifest.Manifest) {
			app := m.Fleet.Members[0]
			app.Role, app.CanisterID, app.ParentCanisterID = "app", childID, strp(rootID)
			app.SourceSnapshot.SnapshotID = "snap-app"
			m.Fleet.Members = append(m.Fleet.Members, app)
			m.Consistency.BackupUnits[0].Roles = []string{"root", "app"}
		}, nil, ErrMissingJournalArtifact},
		{"artifact path with ..", func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.ArtifactPath = "../root" },
			func(j *artifact.Journal) { j.Artifacts[0].ArtifactPath = "../root" }, ErrArtifactPathEscapesBackup},
		{"absolute artifact path", func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.ArtifactPath = "/etc/hostname" },
			func(j *artifact.Journal) { j.Artifacts[0].ArtifactPath = "/etc/hostname" }, ErrArtifactPathEscapesBackup},
		{"artifact missing", func(m *manifest.Manifest) { m.Fleet.Members[0].SourceSnapshot.ArtifactPath = "artifacts/gone" },
			func(j *artifact.Journal) { j.Artifacts[0].ArtifactPath = "artifacts/gone" }, ErrMissingArtifact},
		{"artifact bytes changed", nil, func(j *artifact.Journal) { j.Artifacts[0].Checksum = strp(hashHex) }, checksum.ErrMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := validManifest()
			if c.manifest != nil {
				c.manifest(m)
			}
			_, err := LayoutIntegrity(integrityDir(t, m, c.journal))
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || e.Error() == "" {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestManifestJournalTopologyFields: the mismatch names the field and both values, null included.
func TestManifestJournalTopologyFields(t *testing.T) {
	_, err := LayoutIntegrity(integrityDir(t, validManifest(), func(j *artifact.Journal) { j.PreSnapshotTopologyHash = nil }))
	var e *Error
	if !errors.As(err, &e) || e.Field != "pre_snapshot_topology_hash" || !e.ActualNull || e.Expected != hashHex {
		t.Fatalf("%v", err)
	}
}

// TestArtifactDirectoryAndSymlinks: a directory artifact is hashed with the directory algorithm;
// a symlink inside the backup is followed, one leading out of it is refused.
func TestArtifactDirectoryAndSymlinks(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, rootID)
	if err := os.MkdirAll(filepath.Join(art, "nested"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"a.txt": "a", "nested/b.txt": "b"} {
		if err := os.WriteFile(filepath.Join(art, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := checksum.Path(art)
	if err != nil {
		t.Fatal(err)
	}
	m := validManifest()
	m.Fleet.Members[0].SourceSnapshot.ArtifactPath = "./" + rootID
	j := journalWithChecksum(sum)
	j.Artifacts[0].ArtifactPath = "./" + rootID
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if err := WriteDownloadJournal(dir, j); err != nil {
		t.Fatal(err)
	}
	if _, err := LayoutIntegrity(dir); err != nil {
		t.Fatalf("directory artifact: %v", err)
	}
	outside := t.TempDir()
	if err := os.Rename(art, filepath.Join(outside, rootID)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, rootID), art); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	if _, err := LayoutIntegrity(dir); !errors.Is(err, ErrArtifactPathEscapesBackup) {
		t.Fatalf("symlink out of the backup: %v", err)
	}
}
