package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/admission"
	"github.com/fleetbackup/fleetbackup/pkg/reopen"
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
	if run, err = p.prepareRetry(ctx, run, rp, reprove); err != nil {
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
func (p *Controller) prepareRetry(ctx context.Context, run runs.Record, stored *runstore.RunPlan, reprove bool) (runs.Record, error) {
	var err error
	if reprove {
		if run, err = p.reprove(ctx, run, stored); err != nil {
			return run, err
		}
	} else if err := p.checkNotExpired(run); err != nil {
		return run, err
	}
	recs, err := p.Env.Store.LoadOps(ctx, run.RunID, len(stored.Plan.Phases))
	if errors.Is(err, runstore.ErrNotFound) {
		return run, errRefused("run %s never finished planning; start a new run", run.RunID)
	}
	if err != nil {
		return run, err
	}
	if reopen.NeedsRearm(run, recs) {
		if err := reopen.Rearm(ctx, p.Env, run, stored, recs); errors.Is(err, reopen.ErrCannotRearm) {
			return run, fmt.Errorf("%w: %v", ErrControlRefused, err)
		} else if err != nil {
			return run, err
		}
		return run, nil
	}
	return run, reopen.ResetFailed(ctx, p.Env, run, recs)
}

// relockAndRepublish locks a reopened run's canisters and republishes its ready operations.
// When another run holds a canister now, the run fails again with the holder named.
func (p *Controller) relockAndRepublish(ctx context.Context, run runs.Record) error {
	stored, err := p.Env.Store.LoadRunPlan(ctx, run.RunID, run.Order)
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
	return reopen.Republish(ctx, p.Env, run)
}

func (p *Controller) relock(ctx context.Context, run runs.Record, stored *runstore.RunPlan) (runs.Record, error) {
	locked, conflict, err := p.Env.Lock(ctx, run.RunID, stored.Plan)
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

// reprove proves preflight again against the stored plan and records the new window.
func (p *Controller) reprove(ctx context.Context, run runs.Record, stored *runstore.RunPlan) (runs.Record, error) {
	rec, err := admission.Reprove(ctx, p.Env, stored)
	if err != nil {
		return run, fmt.Errorf("%w: %v", ErrControlRefused, err)
	}
	return rec, nil
}

func errRefused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrControlRefused}, args...)...)
}
