package runstore

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// SnapshotLedger is the run store as a record of which snapshots fleetbackup's runs took (it
// satisfies snapkeep.Ledger): run records, and the snapshot id of each run's artifact record.
// Missing records are ok false with a nil error.
type SnapshotLedger struct{ Store *Store }

// Run reads a run record.
func (l SnapshotLedger) Run(ctx context.Context, runID string) (runs.Record, bool, error) {
	rec, err := l.Store.Run(ctx, runID)
	if errors.Is(err, ErrNotFound) {
		return runs.Record{}, false, nil
	}
	return rec, err == nil, err
}

// SnapshotOf reads the snapshot id run recorded for canister in its artifact record.
func (l SnapshotLedger) SnapshotOf(ctx context.Context, runID, canister string) (string, bool, error) {
	e, err := l.Store.Artifacts.Get(ctx, ArtifactKey(runID, canister))
	switch {
	case errors.Is(err, ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	return e.Value.SnapshotID, e.Value.CanisterID == canister, nil
}
