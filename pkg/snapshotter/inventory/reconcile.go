// Package inventory is what the create-snapshot effect knows about a canister's snapshots: the
// baseline recorded before this run's first create, the snapshot an earlier attempt took whose
// reply was lost (adopted, never taken twice), the snapshots an earlier pass of a re-armed run
// took (deleted), and, for a canister at its snapshot limit, the snapshot fleetbackup took in a
// completed backup that a create replaces (package snapkeep's rules).
package inventory

import (
	"context"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Baseline returns the canister's snapshot ids from before this run's first create attempt,
// recording them on the operation the first time (usually the claim did: Prepare). reconcile
// is true when another attempt recorded it: that attempt may have created a snapshot whose
// reply was lost.
func Baseline(ctx context.Context, j *opworker.Job, target string) ([]string, bool, error) {
	if j.Rec.BaselineRecorded {
		return j.Rec.SnapshotsBefore, j.Rec.BaselineAttempt != j.Attempt(), nil
	}
	var ids []string
	err := j.Env.Retry.Do(ctx, func() error {
		snaps, err := j.Env.Exec.ListSnapshots(ctx, target)
		ids = snapshotIDs(snaps)
		if err == nil && j.Rec.HasPriorBaseline {
			ids, err = deleteSince(ctx, j, target, j.Rec.PriorBaseline, ids)
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	err = j.UpdateOwn(ctx, func(o *runstore.OpRecord) {
		o.SnapshotsBefore, o.BaselineRecorded, o.BaselineAttempt = ids, true, j.Attempt()
		o.PriorBaseline, o.HasPriorBaseline = nil, false
	})
	return ids, false, err
}

// Claimed is the create-snapshot effect whose claim records the baseline
// (opworker.Preparer), so that the effect creates without a write of its own first.
type Claimed struct{ opworker.EffectFunc }

// Wants reports whether a create-snapshot's claim may record its baseline: none is recorded,
// and no re-arm asks for the previous pass's snapshots to be deleted first (which needs the
// claim: Baseline does it).
func (Claimed) Wants(r *runstore.OpRecord) bool { return !r.BaselineRecorded && !r.HasPriorBaseline }

// Prepare lists the canister's snapshots before the claim, for the claim to record as the
// baseline with its attempt.
func (Claimed) Prepare(ctx context.Context, env *runenv.Env, target string) (func(*runstore.OpRecord), error) {
	var ids []string
	err := env.Retry.Do(ctx, func() error {
		snaps, err := env.Exec.ListSnapshots(ctx, target)
		ids = snapshotIDs(snaps)
		return err
	})
	return func(o *runstore.OpRecord) {
		o.SnapshotsBefore, o.BaselineRecorded, o.BaselineAttempt = ids, true, o.Attempts
	}, err
}

// Adopt looks for a snapshot taken since the baseline. One is adopted; none means create;
// several mean something else is snapshotting this canister, which is not ours to untangle.
func Adopt(ctx context.Context, j *opworker.Job, target string, before []string) (executor.Snapshot, bool, error) {
	snaps, err := j.Env.Exec.ListSnapshots(ctx, target)
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
		j.Env.Logger().Info("adopting snapshot taken by an earlier attempt", "canister_id", target, "snapshot_id", fresh[0].ID)
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
func deleteSince(ctx context.Context, j *opworker.Job, target string, prior, current []string) ([]string, error) {
	deleter, ok := j.Env.Exec.(executor.SnapshotDeleter)
	if !ok {
		return nil, executor.Permanent("reconcile", "the executor cannot delete snapshots, so a re-armed run cannot replace the snapshot of %s", target)
	}
	var kept []string
	for _, id := range current {
		if slices.Contains(prior, id) {
			kept = append(kept, id)
			continue
		}
		j.Env.Logger().Info("deleting the snapshot of an earlier pass of this run", "canister_id", target, "snapshot_id", id)
		if err := deleter.DeleteSnapshot(ctx, target, id); err != nil {
			return nil, err
		}
	}
	return kept, nil
}
