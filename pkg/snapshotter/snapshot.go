package snapshotter

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/snapshotter/inventory"
)

// snapshot takes the target's snapshot (replacing the oldest one fleetbackup took when the
// canister is at its snapshot limit), or adopts the one an earlier attempt took whose reply was
// lost, and records it in the download journal.
func snapshot(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	target, err := j.Target()
	if err == nil {
		err = checkPreflight(j)
	}
	if err == nil {
		r.SnapshotID, err = takeSnapshot(ctx, j, target)
	}
	r.UpdatedAt = j.Env.MarkerPtr()
	return r, err
}

func takeSnapshot(ctx context.Context, j *opworker.Job, target string) (*string, error) {
	before, reconcile, err := inventory.Baseline(ctx, j, target)
	if err != nil {
		return nil, err
	}
	var snap executor.Snapshot
	err = j.Env.Retry.Do(ctx, func() error {
		if reconcile {
			adopted, ok, err := inventory.Adopt(ctx, j, target, before)
			if err != nil || ok {
				snap = adopted
				return err
			}
		}
		reconcile = true // the reply of the next create may be lost after the IC acted
		var err error
		snap, err = inventory.Create(ctx, j, target)
		return err
	})
	if err != nil {
		return nil, err
	}
	entry := artifact.NewEntry(target, snap.ID, plan.Seg(target), j.Env.Marker())
	if err := j.Env.Persist(ctx, func() error { return j.Env.Store.PutArtifact(ctx, j.Run.RunID, entry) }); err != nil {
		return nil, err
	}
	return &snap.ID, nil
}
