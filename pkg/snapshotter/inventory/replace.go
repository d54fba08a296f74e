package inventory

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/snapkeep"
)

// index remembers the manifests under the backup root between the replaces of this process.
var index snapkeep.Index

// Create takes the target's snapshot. A canister at its snapshot limit (a create refused with
// executor.ErrSnapshotLimit) gets its oldest snapshot that fleetbackup took in a completed backup
// replaced instead (executor.SnapshotReplacer, `icp canister snapshot create --replace`). A
// canister filled by snapshots fleetbackup did not take fails with a permanent error that says
// so, and none of them is touched. A replace whose reply is lost is reconciled like a create:
// the retry adopts the snapshot that appeared since the baseline.
func Create(ctx context.Context, j *opworker.Job, target string) (executor.Snapshot, error) {
	snap, err := j.Env.Exec.CreateSnapshot(ctx, target)
	if !errors.Is(err, executor.ErrSnapshotLimit) {
		return snap, err
	}
	replacer, ok := j.Env.Exec.(executor.SnapshotReplacer)
	if !ok {
		return executor.Snapshot{}, executor.Permanent("snapshot", "%v; the executor cannot replace a snapshot", err)
	}
	victim, err := oldestOwned(ctx, j, target, err)
	if err != nil {
		return executor.Snapshot{}, err
	}
	j.Env.Logger().Info("canister at its snapshot limit: replacing the oldest snapshot fleetbackup took",
		"run_id", j.Run.RunID, "canister_id", target, "replaced_snapshot_id", victim.ID)
	return replacer.ReplaceSnapshot(ctx, target, victim.ID)
}

// oldestOwned is the snapshot a create at the limit replaces: the oldest of the target's
// snapshots that fleetbackup proves it took in a completed backup (package snapkeep).
func oldestOwned(ctx context.Context, j *opworker.Job, target string, limit error) (executor.Snapshot, error) {
	inventory, err := j.Env.Exec.ListSnapshots(ctx, target)
	if err != nil {
		return executor.Snapshot{}, err
	}
	root := j.Env.BackupRoot
	claims, _, err := index.Claims(root, func(c string) bool { return c == target })
	if err != nil {
		return executor.Snapshot{}, executor.Permanent("snapshot",
			"%v, and fleetbackup cannot tell which snapshots it took: %v", limit, err)
	}
	prover := &snapkeep.Prover{Ledger: runstore.SnapshotLedger{Store: j.Env.Store}, Claims: claims}
	owned, err := prover.Owned(ctx, target, inventory)
	if err != nil {
		return executor.Snapshot{}, err
	}
	victim, ok := snapkeep.Victim(inventory, owned)
	if !ok {
		where := "no completed backup under the backup root " + root + " took any of them"
		if root == "" {
			where = "this snapshotter has no backup root to prove which of them fleetbackup took (--backup-root)"
		}
		return executor.Snapshot{}, executor.Permanent("snapshot",
			"canister %s holds %d snapshots, as many as it may, and %s; fleetbackup never replaces or deletes "+
				"a snapshot it did not take: delete one of them, then retry the run (%v)", target, len(inventory), where, limit)
	}
	return victim, nil
}
