package inventory

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// ledger is the run store as snapkeep's Ledger: run records, and the snapshot id of each run's
// artifact record. (The finalizer's retention reads the same records: finalizer/retain.)
type ledger struct{ store *runstore.Store }

func (l ledger) Run(ctx context.Context, runID string) (runs.Record, bool, error) {
	rec, err := l.store.Run(ctx, runID)
	if errors.Is(err, runstore.ErrNotFound) {
		return runs.Record{}, false, nil
	}
	return rec, err == nil, err
}

func (l ledger) SnapshotOf(ctx context.Context, runID, canister string) (string, bool, error) {
	e, err := l.store.Artifacts.Get(ctx, runstore.ArtifactKey(runID, canister))
	switch {
	case errors.Is(err, runstore.ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	return e.Value.SnapshotID, e.Value.CanisterID == canister, nil
}
