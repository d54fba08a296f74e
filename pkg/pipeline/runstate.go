package pipeline

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// applyRun applies one event of the run state machine to the stored run record by
// compare-and-swap and returns the record as it stands. A *runs.Refusal leaves the record
// unchanged. Whatever the outcome, a settled run that still holds its canister locks
// releases them (settle), so a repeated message finishes a release a crash cut short.
func (e *Env) applyRun(ctx context.Context, runID string, ev runs.Event) (RunRecord, error) {
	cur, err := e.Store.Runs.Update(ctx, runID, func(r *RunRecord) error {
		return runs.Apply(r, ev, e.rfc3339())
	})
	if err != nil && !errors.Is(err, runs.ErrRefused) {
		return cur.Value, err
	}
	if cur.Value.Settled() && cur.Value.LocksHeld {
		if serr := e.settle(ctx, cur.Value); serr != nil {
			return cur.Value, serr
		}
	}
	return cur.Value, err
}

// applyIfAllowed is applyRun for events that may find the run past them: a refusal is no error.
func (e *Env) applyIfAllowed(ctx context.Context, runID string, ev runs.Event) (RunRecord, error) {
	rec, err := e.applyRun(ctx, runID, ev)
	if errors.Is(err, runs.ErrRefused) {
		e.logger().Debug("run event refused", "run_id", runID, "event", ev.Name(), "err", err)
		return rec, nil
	}
	return rec, err
}

// settle runs once a run is settled: an aborted or failed run's staging directories are
// removed, then its canister locks are freed and the release recorded.
func (e *Env) settle(ctx context.Context, run RunRecord) error {
	p, err := e.Store.LoadPlan(ctx, run.RunID)
	if err != nil && !errors.Is(err, kvstore.ErrNotFound) {
		return err
	}
	if p != nil {
		e.cleanAfter(ctx, run, p)
		e.freeLocks(ctx, run.RunID, run.LockEpoch, lockKeys(p))
	}
	_, err = e.Store.Runs.Update(ctx, run.RunID, func(r *RunRecord) error {
		err := runs.Apply(r, runs.Released{Epoch: run.LockEpoch}, e.rfc3339())
		if errors.Is(err, runs.ErrRefused) {
			return kvstore.ErrNoChange
		}
		return err
	})
	if err == nil {
		e.logger().Info("run settled; canister locks released", "run_id", run.RunID, "state", run.State)
	}
	return err
}

// cleanAfter removes what a settled run left in its backup directory: every staging
// directory of an aborted or rejected run, the partial downloads of a failed one (a retry
// goes on from the finished ones). A completed run has none.
func (e *Env) cleanAfter(ctx context.Context, run RunRecord, p *plan.Plan) {
	var err error
	switch run.State {
	case RunAborted, RunRejected:
		err = e.cleanStaging(run.RunID, p)
	case RunFailed:
		err = e.cleanPartialStaging(ctx, run.RunID, p)
	}
	if err != nil {
		e.logger().Warn("removing staging directories", "run_id", run.RunID, "err", err)
	}
}

// preflightExpired reports whether the run's accepted preflight has expired (or was never
// recorded readably): no stop or snapshot may start on it.
func (e *Env) preflightExpired(run RunRecord) bool {
	if run.PreflightExpiresAt == nil {
		return true
	}
	exp, err := timestamp.Parse(*run.PreflightExpiresAt)
	return err != nil || uint64(e.now().Unix()) >= exp
}
