package runenv

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Lock opens a lock attempt for the run and takes every target canister of p, all or nothing
// (runstore.AcquireLocks), then records Locked. It returns the run as it stands and, when
// another run holds a canister, the conflict (the run is left as it was for the caller to
// queue, reject or fail). A run that holds its locks already is returned as it is; an attempt
// the state machine refuses (the run moved on, or a newer attempt) frees what it took and
// returns the refusal.
func (e *Env) Lock(ctx context.Context, runID string, p *plan.Plan) (runs.Record, *runstore.LockConflict, error) {
	run, err := e.Apply(ctx, runID, runs.LockAttempt{})
	if err != nil {
		if run.LocksHeld {
			return run, nil, nil
		}
		return run, nil, err
	}
	err = e.Store.AcquireLocks(ctx, run, p, e.RFC3339())
	var conflict *runstore.LockConflict
	if errors.As(err, &conflict) {
		return run, conflict, nil
	}
	if err != nil {
		return run, nil, err
	}
	locked, err := e.Apply(ctx, runID, runs.Locked{Epoch: run.LockEpoch})
	if errors.Is(err, runs.ErrRefused) {
		if ferr := e.Store.FreeLocks(context.WithoutCancel(ctx), runID, run.LockEpoch, runstore.LockKeys(p), e.RFC3339()); ferr != nil {
			e.Logger().Warn("freeing canister locks", "run_id", runID, "err", ferr)
		}
	}
	return locked, nil, err
}
