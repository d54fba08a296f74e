package runenv

import (
	"context"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// cleanRestore undoes what an aborted restore left, before its locks are freed: the private
// upload copies (a killed upload cannot remove its own) and the snapshots its uploads created on
// the targets (copies of the backup, which keeps the artifacts; a canister holds only a few). A
// failed restore keeps both for its retry, whose checks delete the snapshots and whose finalize
// removes the copies.
func (e *Env) cleanRestore(ctx context.Context, run runs.Record, p *plan.Plan) {
	if run.State != runs.Aborted || run.BackupID == "" || e.BackupRoot == "" {
		return
	}
	dir := layout.RestoreStagingDir(filepath.Join(e.BackupRoot, run.BackupID), run.RunID)
	if err := os.RemoveAll(dir); err != nil {
		e.Logger().Warn("removing a restore's staging copies", "run_id", run.RunID, "err", err)
	}
	e.dropUploads(ctx, run, p)
}

// dropUploads deletes every snapshot a completed upload of the run created that is still on its
// target, logging each deletion.
func (e *Env) dropUploads(ctx context.Context, run runs.Record, p *plan.Plan) {
	deleter, ok := e.Exec.(executor.SnapshotDeleter)
	recs, err := e.Store.LoadOps(ctx, run.RunID, len(p.Phases))
	if !ok || err != nil {
		e.Logger().Warn("the snapshots this aborted restore uploaded stay on its targets", "run_id", run.RunID, "err", err)
		return
	}
	for _, r := range recs {
		if r.Op.Kind != plan.KindUploadSnapshot || r.Op.State != journal.StateCompleted || r.Op.TargetCanisterID == nil {
			continue
		}
		id, target := lastSnapshotID(r.Receipts), *r.Op.TargetCanisterID
		if id == "" {
			continue
		}
		err := e.Retry.Do(ctx, func() error { return deleter.DeleteSnapshot(ctx, target, id) })
		e.Logger().Info("deleting a snapshot an aborted restore uploaded", "run_id", run.RunID,
			"canister_id", target, "snapshot_id", id, "err", err)
	}
}

func lastSnapshotID(receipts []runstore.StoredReceipt) string {
	for i := len(receipts) - 1; i >= 0; i-- {
		if r := receipts[i]; r.Outcome == journal.OutcomeCompleted && r.SnapshotID != nil {
			return *r.SnapshotID
		}
	}
	return ""
}
