package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// retry resumes a failed run: failed operations go back to ready and every operation whose
// dependencies are met but that is not done is published again. With reprove (resume), the
// preflight is proven again first, so a run whose preflight expired can continue. A
// redelivered retry of a run already running again repeats the republishing, which a crash
// may have cut short.
func (p *Planner) retry(ctx context.Context, runID string, reprove, redelivered bool) error {
	cur, err := p.Env.Store.Runs.Get(ctx, runID)
	if err != nil {
		return fmt.Errorf("%w: no run %s", ErrControlRefused, runID)
	}
	run := cur.Value
	if run.State == RunRunning && redelivered {
		return p.republish(ctx, run)
	}
	if err := retryable(run); err != nil {
		return err
	}
	rp, err := (&planCache{}).get(ctx, p.Env.Store, runID, run.Order)
	if errors.Is(err, kvstore.ErrNotFound) {
		return fmt.Errorf("%w: run %s never finished planning; start a new run", ErrControlRefused, runID)
	}
	if err != nil {
		return err
	}
	if reprove {
		if run, err = p.reprove(ctx, run, rp.plan); err != nil {
			return err
		}
	} else if err := p.checkNotExpired(run); err != nil {
		return err
	}
	recs, err := p.loadOps(ctx, runID, len(rp.plan.Phases))
	if errors.Is(err, kvstore.ErrNotFound) {
		return fmt.Errorf("%w: run %s never finished planning; start a new run", ErrControlRefused, runID)
	}
	if err != nil {
		return err
	}
	if needsRearm(run, recs) {
		if err := p.rearm(ctx, run, rp.plan, recs); err != nil {
			return err
		}
	} else if err := p.resetFailed(ctx, runID, recs); err != nil {
		return err
	}
	counts, err := p.recount(ctx, runID)
	if err != nil {
		return err
	}
	reopened, err := p.reopen(ctx, runID, counts)
	if err != nil {
		return err
	}
	return p.republish(ctx, reopened)
}

func retryable(run RunRecord) error {
	if run.State != RunFailed {
		return fmt.Errorf("%w: run %s is %s; only a failed run can be retried", ErrControlRefused, run.RunID, run.State)
	}
	if run.Containment != nil && run.Containment.State == ContainPending {
		return fmt.Errorf("%w: run %s is still restarting its canisters; retry once containment is done", ErrControlRefused, run.RunID)
	}
	return nil
}

func (p *Planner) checkNotExpired(run RunRecord) error {
	if run.PreflightExpiresAt == nil {
		return nil
	}
	exp, err := timestamp.Parse(*run.PreflightExpiresAt)
	if err == nil && uint64(p.Env.now().Unix()) >= exp {
		return fmt.Errorf("%w: the preflight of run %s expired at %s; use resume to prove it again",
			ErrControlRefused, run.RunID, *run.PreflightExpiresAt)
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

// reopen moves the run back to running in a new retry generation, with its counts as
// recounted from the operation records.
func (p *Planner) reopen(ctx context.Context, runID string, counts *journal.Counts) (RunRecord, error) {
	e, err := p.Env.Store.Runs.Update(ctx, runID, func(r *RunRecord) error {
		if counts != nil {
			r.Counts, r.RestartRequired = *counts, counts.RestartRequired()
		}
		r.State, r.Error, r.Containment = RunRunning, nil, nil
		r.Retries++
		r.UpdatedAt = p.Env.rfc3339()
		return nil
	})
	return e.Value, err
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
	e, err := p.Env.Store.Runs.Update(ctx, run.RunID, func(r *RunRecord) error {
		r.PreflightValidatedAt, r.PreflightExpiresAt = &validated, &expires
		return nil
	})
	return e.Value, err
}
