package restoreops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Upload puts a restored member's artifact onto its target as a new snapshot (DESIGN §10). The
// artifact is copied into a private staging directory and its SHA-256 checked against the
// manifest's before the executor sees it; the target's snapshot inventory is recorded before
// the first call, so a retry or a takeover adopts a snapshot whose reply was lost instead of
// uploading a second one. The receipt's snapshot_id is the uploaded snapshot's id.
func Upload(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	target, err := j.Target()
	if err == nil {
		r.SnapshotID, err = uploadSnapshot(ctx, j, target)
	}
	r.UpdatedAt = j.Env.MarkerPtr()
	return r, err
}

func uploadSnapshot(ctx context.Context, j *opworker.Job, target string) (*string, error) {
	restorer, ok := j.Env.Exec.(executor.Restorer)
	doc := j.Plan.Restore
	if !ok || doc == nil {
		return nil, executor.Permanent("upload", "this executor cannot upload snapshots, or the run is not a restore")
	}
	op, err := doc.Operation(j.Rec.Op.Sequence)
	if err != nil {
		return nil, executor.Permanent("upload", "%v", err)
	}
	before, reconcile, err := uploadBaseline(ctx, j, target)
	if err != nil {
		return nil, err
	}
	var id string
	err = j.Env.Retry.Do(ctx, func() error {
		if reconcile {
			adopted, ok, err := adoptUpload(ctx, j, target, before)
			if err != nil || ok {
				id = adopted
				return err
			}
		}
		reconcile = true // the reply of the next upload may be lost after the IC acted
		var err error
		id, err = stageAndUpload(ctx, j, restorer, doc, op, target)
		return err
	})
	if err == nil && id == "" {
		err = executor.Permanent("upload", "%s", restore.ReasonMissingUploadedSnapshotID)
	}
	return &id, err
}

// uploadBaseline is the target's snapshot ids before this operation's first upload attempt,
// recorded on the operation (by compare-and-swap, under the claim) before anything is sent.
func uploadBaseline(ctx context.Context, j *opworker.Job, target string) ([]string, bool, error) {
	if j.Rec.BaselineRecorded {
		return j.Rec.SnapshotsBefore, true, nil
	}
	ids, err := inventory(ctx, j, target)
	if err != nil {
		return nil, false, err
	}
	return ids, false, j.UpdateOwn(ctx, func(o *runstore.OpRecord) { o.SnapshotsBefore, o.BaselineRecorded = ids, true })
}

// adoptUpload reconciles by inventory (RESTORE §5.4): one snapshot new since the baseline is the
// lost upload's; none means upload again; several, or a baseline snapshot gone, need an operator.
func adoptUpload(ctx context.Context, j *opworker.Job, target string, before []string) (string, bool, error) {
	ids, err := inventory(ctx, j, target)
	if err != nil {
		return "", false, err
	}
	rec, err := restore.ReconcileUpload(j.Rec.Op.Sequence, before, ids)
	if err != nil {
		return "", false, executor.Permanent("reconcile", "%v", err)
	}
	if rec.Adopt {
		j.Env.Logger().Info("adopting the snapshot an earlier upload created", "canister_id", target, "snapshot_id", rec.SnapshotID)
	}
	return rec.SnapshotID, rec.Adopt, nil
}

func inventory(ctx context.Context, j *opworker.Job, target string) ([]string, error) {
	snaps, err := j.Env.Exec.ListSnapshots(ctx, target)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(snaps))
	for i, s := range snaps {
		ids[i] = s.ID
	}
	return ids, nil
}

// stageAndUpload copies the artifact into a private directory, checks the copy's SHA-256 and
// uploads the copy, never the durable artifact; the copy is removed afterwards.
func stageAndUpload(ctx context.Context, j *opworker.Job, up executor.Restorer, doc *restore.RunDocument,
	op *restore.Operation, target string) (string, error) {
	staging := filepath.Join(StagingDir(doc), fmt.Sprintf("%d-%d", op.Sequence, j.Attempt()))
	defer os.RemoveAll(staging)
	src := filepath.Join(doc.BackupDir, filepath.FromSlash(*op.ArtifactPath))
	if err := stageCopy(src, staging); err != nil {
		return "", executor.Permanent("stage", "copying artifact %s: %v", *op.ArtifactPath, err)
	}
	sum, err := checksum.PathWorkers(ctx, staging, j.Env.HashWorkers)
	if err != nil {
		return "", err
	}
	if op.ArtifactChecksum == nil || checksum.Verify(op.ArtifactChecksum.Algorithm, op.ArtifactChecksum.Hash, sum) != nil {
		return "", executor.Permanent("stage", "artifact %s changed since admission: its staged copy does not match its SHA-256", *op.ArtifactPath)
	}
	snap, err := up.UploadSnapshot(ctx, target, staging)
	return snap.ID, err
}
