package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// retry resumes a failed run: failed operations go back to ready, the run is reopened by the
// state machine (which refuses an aborted or still-containing run), locks its canisters again
// (a conflict fails it again, naming the holder), and every operation whose dependencies are
// met but that is not done is published again. With reprove (resume), the preflight is proven
// again first, so a run whose preflight expired can continue. A redelivered retry of a run
// already running again repeats the republishing, which a crash may have cut short; resume of
// a running run republishes too (an operator's remedy for a dispatch message given up).
func (p *Planner) retry(ctx context.Context, runID string, reprove, redelivered bool) error {
	cur, err := p.Env.Store.Runs.Get(ctx, runID)
	if err != nil {
		return fmt.Errorf("%w: no run %s", ErrControlRefused, runID)
	}
	run := cur.Value
	if run.State == RunRunning && (redelivered || reprove) {
		return p.relockAndRepublish(ctx, run) // resume of a running run: republish what is ready
	}
	if err := retryable(run); err != nil {
		return err
	}
	rp, err := (&planCache{}).get(ctx, p.Env.Store, runID, run.Order)
	if errors.Is(err, kvstore.ErrNotFound) {
		return errRefused("run %s never finished planning; start a new run", runID)
	}
	if err != nil {
		return err
	}
	if run, err = p.prepareRetry(ctx, run, rp.plan, reprove); err != nil {
		return err
	}
	counts, err := p.recount(ctx, runID)
	if err != nil {
		return err
	}
	reopened, err := p.Env.applyRun(ctx, runID, runs.Retry{Counts: counts})
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
func (p *Planner) prepareRetry(ctx context.Context, run RunRecord, stored *plan.Plan, reprove bool) (RunRecord, error) {
	var err error
	if reprove {
		if run, err = p.reprove(ctx, run, stored); err != nil {
			return run, err
		}
	} else if err := p.checkNotExpired(run); err != nil {
		return run, err
	}
	recs, err := p.loadOps(ctx, run.RunID, len(stored.Phases))
	if errors.Is(err, kvstore.ErrNotFound) {
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
func (p *Planner) relockAndRepublish(ctx context.Context, run RunRecord) error {
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

func (p *Planner) relock(ctx context.Context, run RunRecord, stored *plan.Plan) (RunRecord, error) {
	attempt, err := p.Env.applyRun(ctx, run.RunID, runs.LockAttempt{})
	if errors.Is(err, runs.ErrRefused) {
		return attempt, errRefused("run %s became %s while the retry was locking its canisters", run.RunID, attempt.State)
	}
	if err != nil {
		return attempt, err
	}
	err = p.Env.acquireLocks(ctx, attempt, stored)
	var conflict *LockConflict
	if errors.As(err, &conflict) {
		_, ferr := p.Env.applyIfAllowed(ctx, run.RunID, runs.Fail{Reason: "retry: " + conflict.Error()})
		return attempt, errors.Join(fmt.Errorf("%w: %v", ErrControlRefused, conflict), ferr)
	}
	if err != nil {
		return attempt, err
	}
	locked, err := p.Env.applyRun(ctx, run.RunID, runs.Locked{Epoch: attempt.LockEpoch})
	if errors.Is(err, runs.ErrRefused) {
		p.Env.freeLocks(context.WithoutCancel(ctx), run.RunID, attempt.LockEpoch, lockKeys(stored))
		return locked, errRefused("run %s became %s while the retry was locking its canisters", run.RunID, locked.State)
	}
	return locked, err
}

func retryable(run RunRecord) error {
	if run.State != RunFailed {
		return errRefused("run %s is %s; only a failed run can be retried", run.RunID, run.State)
	}
	if run.ContainmentPending() {
		return errRefused("run %s is still restarting its canisters; retry once containment is done", run.RunID)
	}
	return nil
}

func (p *Planner) checkNotExpired(run RunRecord) error {
	if run.PreflightExpiresAt != nil && p.Env.preflightExpired(run) {
		return errRefused("the preflight of run %s expired at %s; use resume to prove it again",
			run.RunID, *run.PreflightExpiresAt)
	}
	return nil
}

// loadOps reads every operation record of a run (a retry is the one place that scans them).
func (p *Planner) loadOps(ctx context.Context, runID string, n int) ([]OpRecord, error) {
	recs := make([]OpRecord, n)
	for seq := range n {
		e, err := p.Env.Store.Ops.Get(ctx, OpKey(runID, seq))
		if err != nil {
			return nil, err
		}
		recs[seq] = e.Value
	}
	return recs, nil
}

func (p *Planner) resetFailed(ctx context.Context, runID string, recs []OpRecord) error {
	for seq, r := range recs {
		if r.Op.State != journal.StateFailed {
			continue
		}
		changed := false
		_, err := p.Env.Store.Ops.Update(ctx, OpKey(runID, seq), func(o *OpRecord) error {
			if changed = o.Op.State == journal.StateFailed; !changed {
				return kvstore.ErrNoChange
			}
			o.Claim = nil
			return journal.RetryOp(&o.Op, p.Env.markerPtr())
		})
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if err := p.Env.moveCount(ctx, runID, r.Op.Kind, journal.StateFailed, journal.StateReady); err != nil {
			return err
		}
	}
	return nil
}

// republish reads every operation after the run is running again (so that no hand-off in
// between is missed) and sends each one that is not done and whose dependencies are met.
func (p *Planner) republish(ctx context.Context, run RunRecord) error {
	stored, err := p.Env.Store.LoadPlan(ctx, run.RunID)
	if err != nil {
		return err
	}
	recs, err := p.loadOps(ctx, run.RunID, len(stored.Phases))
	if err != nil {
		return err
	}
	h := handoff{env: p.Env, gen: run.Retries}
	for _, r := range recs {
		if r.Op.State.Done() || r.Op.Kind.IsPreflight() || !r.Deps.Satisfied() {
			continue
		}
		if err := h.publish(ctx, run.RunID, r); err != nil {
			return err
		}
	}
	return nil
}

// reprove proves preflight again against the stored plan (topology unchanged, authorities
// proven, a fresh window) and records the new window on the run.
func (p *Planner) reprove(ctx context.Context, run RunRecord, stored *plan.Plan) (RunRecord, error) {
	fresh := *stored
	fresh.Targets = append([]plan.Target(nil), stored.Targets...)
	validated, expires, err := p.prove(ctx, &fresh)
	if err != nil {
		return run, fmt.Errorf("%w: %v", ErrControlRefused, err)
	}
	rec, err := p.Env.applyRun(ctx, run.RunID, runs.Proven{ValidatedAt: validated, ExpiresAt: expires})
	if errors.Is(err, runs.ErrRefused) {
		return rec, fmt.Errorf("%w: %v", ErrControlRefused, err)
	}
	return rec, err
}
