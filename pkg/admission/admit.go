package admission

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/planning"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// admit takes a planned run (preflight or queued) to running: it locks the run's canisters
// (or queues or rejects it), makes sure its preflight is still fresh, seeds the journal and
// dispatches the first operations. It returns the run as it stands.
func (p *Admitter) admit(ctx context.Context, runID string, rp *runstore.RunPlan) (runs.Record, error) {
	run, err := p.lock(ctx, runID, rp)
	if err != nil || !run.LocksHeld || run.State != runs.Preflight {
		return run, err
	}
	if p.Env.PreflightExpired(run) { // it expired while the run waited in the queue
		if run, err = prove(ctx, p.Env, rp); err != nil {
			return run, err
		}
	}
	j, counts, err := planning.Journal(rp.Plan, run.PreflightValidatedAt)
	if err != nil {
		return run, err
	}
	if err := p.Env.Store.Seed(ctx, j, rp.Graph); err != nil {
		return run, err
	}
	run, err = p.Env.Apply(ctx, runID, runs.Run{Header: j.Header(), Counts: counts,
		TopologyHash: rp.Plan.TopologyHashBeforeQuiesce})
	if err != nil {
		return run, err
	}
	return run, Dispatch(ctx, p.Env, run)
}

// lock takes every target canister; on a conflict the run is queued (on_conflict: wait) or
// rejected, naming the holder.
func (p *Admitter) lock(ctx context.Context, runID string, rp *runstore.RunPlan) (runs.Record, error) {
	run, conflict, err := p.Env.Lock(ctx, runID, rp.Plan)
	if err != nil || conflict == nil {
		return run, err
	}
	if run.OnConflict != string(request.OnConflictWait) {
		reason := fmt.Sprintf("%s (on_conflict: reject)", conflict.Error())
		return p.Env.Apply(ctx, runID, runs.Reject{Reason: reason})
	}
	queued, err := p.Env.Apply(ctx, runID, runs.Queue{Holder: conflict.Holder})
	if err != nil || run.State == runs.Queued {
		return queued, err // a queued run's own admit message comes back by itself
	}
	p.Env.Logger().Info("run queued", "run_id", runID, "waiting_for", conflict.Holder, "canister", conflict.CanisterID)
	return queued, p.Env.SendInternal(ctx, runID, runenv.InternalAdmit, fmt.Sprintf("%s.admit.%d", runID, run.LockEpoch))
}

// Dispatch publishes the operations of a running run that wait for nothing (idempotent).
func Dispatch(ctx context.Context, env *runenv.Env, run runs.Record) error {
	rp, err := env.Store.LoadRunPlan(ctx, run.RunID, run.Order)
	if err != nil {
		return err
	}
	return handoff.Publisher{Store: env.Store}.DispatchInitial(ctx, run.RunID, rp.Graph)
}
