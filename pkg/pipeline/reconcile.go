package pipeline

import (
	"context"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// baseline returns the canister's snapshot ids from before this run's first create attempt,
// recording them on the operation the first time. reconcile is true when a baseline already
// existed: an earlier attempt may have created a snapshot whose reply was lost.
func (w *OpWorker) baseline(ctx context.Context, j *job, target string) ([]string, bool, error) {
	if j.rec.BaselineRecorded {
		return j.rec.SnapshotsBefore, true, nil
	}
	var ids []string
	err := w.Env.Retry.Do(ctx, func() error {
		snaps, err := w.Env.Exec.ListSnapshots(ctx, target)
		ids = snapshotIDs(snaps)
		if err == nil && j.rec.HasPriorBaseline {
			ids, err = w.deleteSince(ctx, target, j.rec.PriorBaseline, ids)
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	attempt := j.rec.Claim.Attempt
	_, err = w.Env.Store.Ops.Update(ctx, OpKey(j.run.RunID, j.rec.Op.Sequence), func(o *OpRecord) error {
		if !w.holds(o, attempt) {
			return ErrLostClaim
		}
		o.SnapshotsBefore, o.BaselineRecorded = ids, true
		o.PriorBaseline, o.HasPriorBaseline = nil, false
		return nil
	})
	return ids, false, err
}

// adopt looks for a snapshot taken since the baseline. One is adopted; none means create;
// several mean something else is snapshotting this canister, which is not ours to untangle.
func (w *OpWorker) adopt(ctx context.Context, target string, before []string) (executor.Snapshot, bool, error) {
	snaps, err := w.Env.Exec.ListSnapshots(ctx, target)
	if err != nil {
		return executor.Snapshot{}, false, err
	}
	var fresh []executor.Snapshot
	for _, s := range snaps {
		if !slices.Contains(before, s.ID) {
			fresh = append(fresh, s)
		}
	}
	switch len(fresh) {
	case 0:
		return executor.Snapshot{}, false, nil
	case 1:
		w.Env.logger().Info("adopting snapshot taken by an earlier attempt", "canister_id", target, "snapshot_id", fresh[0].ID)
		return fresh[0], true, nil
	}
	return executor.Snapshot{}, false, executor.Permanent("reconcile",
		"canister %s holds %d snapshots taken since this run began (%v); refusing to pick one", target, len(fresh), snapshotIDs(fresh))
}

func snapshotIDs(snaps []executor.Snapshot) []string {
	ids := make([]string, len(snaps))
	for i, s := range snaps {
		ids[i] = s.ID
	}
	return ids
}

// deleteSince deletes the snapshots a previous pass of this run took (those not in its
// baseline) and returns the ids that remain.
func (w *OpWorker) deleteSince(ctx context.Context, target string, prior, current []string) ([]string, error) {
	deleter, ok := w.Env.Exec.(executor.SnapshotDeleter)
	if !ok {
		return nil, executor.Permanent("reconcile", "the executor cannot delete snapshots, so a re-armed run cannot replace the snapshot of %s", target)
	}
	var kept []string
	for _, id := range current {
		if slices.Contains(prior, id) {
			kept = append(kept, id)
			continue
		}
		w.Env.logger().Info("deleting the snapshot of an earlier pass of this run", "canister_id", target, "snapshot_id", id)
		if err := deleter.DeleteSnapshot(ctx, target, id); err != nil {
			return nil, err
		}
	}
	return kept, nil
}
