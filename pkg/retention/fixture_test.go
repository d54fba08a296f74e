package retention

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// testManifest builds the manifest of a small generated fleet the way the finalizer does, with
// the given created_at.
func testManifest(t *testing.T, runID, createdAt string) *manifest.Manifest {
	t.Helper()
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2}, Roles: []string{"app", "store"}})
	hash, err := registry.TopologyHash(entries)
	must(t, err)
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-" + runID, RunID: runID, Fleet: "test", Network: "local",
		RootCanisterID: entries[0].Pid, Scope: plan.ScopeNonRootFleet, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	must(t, err)
	dl := artifact.New(p.RunID, hash)
	for _, target := range p.Targets {
		sum := checksum.Bytes([]byte(target.CanisterID))
		dl.Artifacts = append(dl.Artifacts, artifact.Entry{CanisterID: target.CanisterID, SnapshotID: "snap",
			State: artifact.StateDurable, ArtifactPath: plan.Seg(target.CanisterID), ChecksumAlgorithm: "sha256",
			Checksum: &sum, UpdatedAt: "unix:1"})
	}
	m, err := manifest.Build(p, dl, createdAt, manifest.ToolMetadata{Name: "fleetbackup", Version: "test"})
	must(t, err)
	return m
}

// writeBackup writes a completed backup root/<id>/: one artifact directory per member and the
// manifest, whose created_at is createdAt.
func writeBackup(t *testing.T, root, id, createdAt string) string {
	t.Helper()
	dir := filepath.Join(root, id)
	m := testManifest(t, id, createdAt)
	for _, mem := range m.Fleet.Members {
		writeFile(t, filepath.Join(dir, mem.SourceSnapshot.ArtifactPath, "wasm_memory.bin"), mem.CanisterID)
	}
	must(t, layout.WriteManifest(dir, m))
	return dir
}

// writeIncomplete writes an incomplete run root/<id>/: one staging directory, no manifest.
func writeIncomplete(t *testing.T, root, id string) string {
	t.Helper()
	dir := filepath.Join(root, id)
	seg := plan.Seg(fleetgen.Generate(fleetgen.Spec{Levels: []int{1}})[1].Pid)
	writeFile(t, filepath.Join(dir, seg+".tmp", "wasm_memory.bin"), "partial")
	return dir
}

// writeRestore exports a restore of backup dir under restores/<id>/: its apply journal with
// every operation completed when finished, freshly created otherwise.
func writeRestore(t *testing.T, dir, id string, finished bool) {
	t.Helper()
	m, err := layout.ReadManifest(dir)
	must(t, err)
	p, err := restore.BuildPlan(m, nil)
	must(t, err)
	v := &restore.ArtifactValidation{BackupRoot: dir, CheckedMembers: len(p.Members), ArtifactsPresent: true, ChecksumsVerified: true}
	for _, mem := range p.Members {
		v.Checks = append(v.Checks, restore.ArtifactCheck{SourceCanister: mem.SourceCanister, TargetCanister: mem.TargetCanister,
			SnapshotID: mem.SourceSnapshot.SnapshotID, ArtifactPath: mem.SourceSnapshot.ArtifactPath,
			ChecksumExpected: mem.SourceSnapshot.Checksum})
	}
	j, err := restore.NewJournal(p, v)
	must(t, err)
	if finished {
		completeAll(t, j)
	}
	data, err := restore.EncodeJournal(j)
	must(t, err)
	must(t, os.MkdirAll(filepath.Join(dir, RestoresDir, id), 0o755))
	must(t, document.WriteFileDurable(filepath.Join(dir, RestoresDir, id, restore.JournalFile), data))
}

// completeAll claims and completes every operation of j in order.
func completeAll(t *testing.T, j *restore.Journal) {
	t.Helper()
	gate := restore.StrictOrder{}
	a := restore.Attempt{At: "unix:20", Status: "0", Command: restore.Command{Program: "icp", Args: []string{"x"}, Note: "test"},
		Stdout: restore.CaptureOutput([]byte("ok"), restore.OutputLimit), Stderr: restore.CaptureOutput(nil, restore.OutputLimit)}
	for _, op := range j.Operations {
		if op.Operation == restore.KindUploadSnapshot {
			must(t, j.ClaimUpload(op.Sequence, "unix:10", []string{}, gate))
			must(t, j.CompleteUpload(op.Sequence, a, "uploaded-"+op.TargetCanister, gate))
			continue
		}
		must(t, j.Claim(op.Sequence, "unix:10", gate))
		must(t, j.Complete(op.Sequence, a, gate))
	}
	if !j.Done() {
		t.Fatal("journal not done after completing every operation")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
