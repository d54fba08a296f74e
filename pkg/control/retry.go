package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/admission"
	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// retry resumes a failed run: failed operations go back to ready, the run is reopened by the
// state machine (which refuses an aborted or still-containing run), locks its canisters again
// (a conflict fails it again, naming the holder), and every operation whose dependencies are
// met but that is not done is published again. With reprove (resume), the preflight is proven
// again first, so a run whose preflight expired can continue. A redelivered retry of a run
// already running again repeats the republishing, which a crash may have cut short; resume of
// a running run republishes too (an operator's remedy for a dispatch message given up).
func (p *Controller) retry(ctx context.Context, runID string, reprove, redelivered bool) error {
	run, err := p.Env.Store.Run(ctx, runID)
	if err != nil {
		return fmt.Errorf("%w: no run %s", ErrControlRefused, runID)
	}
	if run.State == runs.Running && (redelivered || reprove) {
		return p.relockAndRepublish(ctx, run) // resume of a running run: republish what is ready
	}
	if err := retryable(run); err != nil {
		return err
	}
	rp, err := p.Env.Store.LoadRunPlan(ctx, runID, run.Order)
	if errors.Is(err, runstore.ErrNotFound) {
		return errRefused("run %s never finished planning; start a new run", runID)
	}
	if err != nil {
		return err
	}
	if run, err = p.prepareRetry(ctx, run, rp.Plan, reprove); err != nil {
		return err
	}
	counts, err := p.Env.Store.Recount(ctx, runID)
	if err != nil {
		return err
	}
	reopened, err := p.Env.Apply(ctx, runID, runs.Retry{Counts: counts})
	if errors.Is(err, runs.ErrRefused) {
		return fmt.Errorf("%w: %v", ErrControlRefused, err)
	}
	if err != nil {
		return err
	}
	return p.relockAndRepublish(ctx, reopened)
}

// prepareRetry proves preflight again (resume) or checks it has not expired, then resets the
// failed operations, or re-arms the whole run where containment undid its quiescence.
func (p *Controller) prepareRetry(ctx context.Context, run runs.Record, stored *plan.Plan, reprove bool) (runs.Record, error) {
	var err error
	if reprove {
		if run, err = p.reprove(ctx, run, stored); err != nil {
			return run, err
		}
	} else if err := p.checkNotExpired(run); err != nil {
		return run, err
	}
	recs, err := p.Env.Store.LoadOps(ctx, run.RunID, len(stored.Phases))
	if errors.Is(err, runstore.ErrNotFound) {
		return run, errRefused("run %s never finished planning; start a new run", run.RunID)
	}
	if err != nil {
		return run, err
	}
	if needsRearm(run, recs) {
		return run, p.rearm(ctx, run, stored, recs)
	}
	return run, p.resetFailed(ctx, run.RunID, recs)
}

// relockAndRepublish locks a reopened run's canisters and republishes its ready operations.
// When another run holds a canister now, the run fails again with the holder named.
func (p *Controller) relockAndRepublish(ctx context.Context, run runs.Record) error {
	stored, err := p.Env.Store.LoadPlan(ctx, run.RunID)
	if err != nil {
		return err
	}
	if !run.LocksHeld {
		locked, err := p.relock(ctx, run, stored)
		if err != nil {
			return err
		}
		run = locked
	}
	return p.republish(ctx, run)
}

func (p *Controller) relock(ctx context.Context, run runs.Record, stored *plan.Plan) (runs.Record, error) {
	locked, conflict, err := p.Env.Lock(ctx, run.RunID, stored)
	if conflict != nil {
		_, ferr := p.Env.ApplyIfAllowed(ctx, run.RunID, runs.Fail{Reason: "retry: " + conflict.Error()})
		return locked, errors.Join(fmt.Errorf("%w: %v", ErrControlRefused, conflict), ferr)
	}
	if errors.Is(err, runs.ErrRefused) {
		return locked, errRefused("run %s became %s while the retry was locking its canisters", run.RunID, locked.State)
	}
	return locked, err
}

func retryable(run runs.Record) error {
	if run.State != runs.Failed {
		return errRefused("run %s is %s; only a failed run can be retried", run.RunID, run.State)
	}
	if run.ContainmentPending() {
		return errRefused("run %s is still restarting its canisters; retry once containment is done", run.RunID)
	}
	return nil
}

func (p *Controller) checkNotExpired(run runs.Record) error {
	if run.PreflightExpiresAt != nil && p.Env.PreflightExpired(run) {
		return errRefused("the preflight of run %s expired at %s; use resume to prove it again",
			run.RunID, *run.PreflightExpiresAt)
	}
	return nil
}

// loadOps reads every operation record of a run (a retry is the one place that scans them).
func (p *Controller) loadOps(ctx context.Context, runID string, n int) ([]runstore.OpRecord, error) {
	recs := make([]runstore.OpRecord, n)
	for seq := range n {
		e, err := p.Env.Store.Ops.Get(ctx, runstore.OpKey(runID, seq))
		if err != nil {
			return nil, err
		}
		recs[seq] = e.Value
	}
	return recs, nil
}

func (p *Controller) resetFailed(ctx context.Context, runID string, recs []runstore.OpRecord) error {
	for seq, r := range recs {
		if r.Op.State != journal.StateFailed {
			continue
		}
		changed := false
		_, err := p.Env.Store.Ops.Update(ctx, runstore.OpKey(runID, seq), func(o *runstore.OpRecord) error {
			if changed = o.Op.State == journal.StateFailed; !changed {
				return runstore.ErrNoChange
			}
			o.Claim = nil
			return journal.RetryOp(&o.Op, p.Env.MarkerPtr())
		})
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if err := p.Env.MoveCount(ctx, runID, r.Op.Kind, journal.StateFailed, journal.StateReady); err != nil {
			return err
		}
	}
	return nil
}

// republish reads every operation after the run is running again (so that no hand-off in
// between is missed) and sends each one that is not done and whose dependencies are met.
func (p *Controller) republish(ctx context.Context, run runs.Record) error {
	stored, err := p.Env.Store.LoadPlan(ctx, run.RunID)
	if err != nil {
		return err
	}
	recs, err := p.Env.Store.LoadOps(ctx, run.RunID, len(stored.Phases))
	if err != nil {
		return err
	}
	h := handoff.Publisher{Store: p.Env.Store, Gen: run.Retries}
	for _, r := range recs {
		if r.Op.State.Done() || r.Op.Kind.IsPreflight() || !r.Deps.Satisfied() {
			continue
		}
		if err := h.Publish(ctx, run.RunID, r); err != nil {
			return err
		}
	}
	return nil
}

// reprove proves preflight again against a copy of the stored plan (topology unchanged,
// authorities proven, a fresh window) and records the new window on the run.
func (p *Controller) reprove(ctx context.Context, run runs.Record, stored *plan.Plan) (runs.Record, error) {
	fresh := *stored
	fresh.Targets = append([]plan.Target(nil), stored.Targets...)
	rec, err := admission.Prove(ctx, p.Env, &fresh)
	if err != nil {
		return run, fmt.Errorf("%w: %v", ErrControlRefused, err)
	}
	return rec, nil
}
