package restoreops

import (
	"context"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Check verifies a restored member (or the deployment's root) by evidence (RESTORE §6.3): it is
// running and reports the module hash the manifest recorded. After a member's check passes, its
// uploaded snapshot is deleted unless the request kept them (a canister holds only a few).
func Check(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	doc := j.Plan.Restore
	if doc == nil {
		return r, executor.Permanent("check", "run %s is not a restore", j.Run.RunID)
	}
	op, err := doc.Operation(j.Rec.Op.Sequence)
	if err == nil {
		err = checkEvidence(ctx, j, op)
	}
	if err == nil && op.Role != restore.RoleDeployment && !doc.KeepUploadedSnapshots {
		err = deleteUploaded(ctx, j, op.TargetCanister)
	}
	r.UpdatedAt = j.Env.MarkerPtr()
	return r, exportForAttention(ctx, j, err)
}

func checkEvidence(ctx context.Context, j *opworker.Job, op *restore.Operation) error {
	restorer, ok := j.Env.Exec.(executor.Restorer)
	if !ok {
		return executor.Permanent("check", "this executor cannot read module hashes")
	}
	var st executor.Status
	var hash string
	err := j.Env.Retry.Do(ctx, func() error {
		var err error
		if st, err = j.Env.Exec.Status(ctx, op.TargetCanister); err != nil {
			return err
		}
		hash, err = restorer.ModuleHash(ctx, op.TargetCanister)
		return err
	})
	if err != nil {
		return err
	}
	if !restore.EvidenceMatches(op.ExpectedModuleHash, string(st), &hash) {
		return executor.Permanent("check", "%s: canister %s is %s with module hash %q, want running with %s",
			restore.ReasonVerificationEvidenceMismatch, op.TargetCanister, st, hash, deref(op.ExpectedModuleHash))
	}
	return nil
}

// deleteUploaded deletes the snapshot the member's upload created, if it is still there.
func deleteUploaded(ctx context.Context, j *opworker.Job, target string) error {
	deleter, ok := j.Env.Exec.(executor.SnapshotDeleter)
	if !ok {
		j.Env.Logger().Warn("this executor cannot delete snapshots: the uploaded snapshot stays", "canister_id", target)
		return nil
	}
	seq, err := j.Plan.Restore.UploadOf(j.Rec.Op.Sequence)
	if err != nil {
		return executor.Permanent("check", "%v", err)
	}
	rec, err := j.Env.Store.Ops.Get(ctx, runstore.OpKey(j.Run.RunID, seq))
	if err != nil {
		return err
	}
	id := completedSnapshotID(rec.Value)
	return j.Env.Retry.Do(ctx, func() error {
		ids, err := inventory(ctx, j, target)
		if err != nil || id == "" || !slices.Contains(ids, id) {
			return err
		}
		j.Env.Logger().Info("deleting the uploaded snapshot after a passing check", "canister_id", target, "snapshot_id", id)
		return deleter.DeleteSnapshot(ctx, target, id)
	})
}

func deref(p *string) string {
	if p == nil {
		return "no recorded hash"
	}
	return *p
}
