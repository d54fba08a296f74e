package admission

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/preflight"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// admit takes a planned run (preflight or queued) to running: it locks the run's canisters
// (or queues or rejects it), makes sure its preflight is still fresh, seeds the journal and
// dispatches the first operations. It returns the run as it stands.
func (p *Admitter) admit(ctx context.Context, runID string, bp *plan.Plan) (runs.Record, error) {
	run, err := p.lock(ctx, runID, bp)
	if err != nil || !run.LocksHeld || run.State != runs.Preflight {
		return run, err
	}
	if run, err = p.freshPreflight(ctx, run, bp); err != nil {
		return run, err
	}
	j, err := journal.New(bp)
	if err != nil {
		return run, err
	}
	if err := acceptPreflight(run, bp, j); err != nil {
		return run, err
	}
	rp, err := p.Env.Store.LoadRunPlan(ctx, runID, run.Order)
	if err != nil {
		return run, err
	}
	if err := p.Env.Store.Seed(ctx, j, rp.Graph); err != nil {
		return run, err
	}
	run, err = p.Env.Apply(ctx, runID, runs.Run{Header: j.Header(), Counts: journal.CountOps(j.Operations),
		TopologyHash: bp.TopologyHashBeforeQuiesce})
	if err != nil {
		return run, err
	}
	return run, Dispatch(ctx, p.Env, run)
}

// lock takes every target canister; on a conflict the run is queued (on_conflict: wait) or
// rejected, naming the holder.
func (p *Admitter) lock(ctx context.Context, runID string, bp *plan.Plan) (runs.Record, error) {
	run, conflict, err := p.Env.Lock(ctx, runID, bp)
	if err != nil || conflict == nil {
		return run, err
	}
	if run.OnConflict != string(request.OnConflictWait) {
		reason := fmt.Sprintf("%s (on_conflict: reject)", conflict.Error())
		return p.Env.Apply(ctx, runID, runs.Reject{Reason: reason})
	}
	queued, err := p.Env.Apply(ctx, runID, runs.Queue{Holder: conflict.Holder})
	if err != nil {
		return queued, err
	}
	p.Env.Logger().Info("run queued", "run_id", runID, "waiting_for", conflict.Holder, "canister", conflict.CanisterID)
	return queued, p.Env.SendInternal(ctx, runID, runenv.InternalAdmit, fmt.Sprintf("%s.admit.%d", runID, run.LockEpoch))
}

// freshPreflight proves preflight again when the accepted one expired while the run waited
// in the queue.
func (p *Admitter) freshPreflight(ctx context.Context, run runs.Record, bp *plan.Plan) (runs.Record, error) {
	if !p.Env.PreflightExpired(run) {
		return run, nil
	}
	return Prove(ctx, p.Env, bp)
}

// acceptPreflight accepts the proven preflight on the in-memory journal (DOMAIN §3.4).
func acceptPreflight(run runs.Record, bp *plan.Plan, j *journal.Journal) error {
	if run.PreflightValidatedAt == nil || run.PreflightExpiresAt == nil {
		return fmt.Errorf("run %s: plan stored without a proven preflight", bp.RunID)
	}
	return j.AcceptPreflight(bp.PlanID, preflight.ID(bp.RunID), run.PreflightValidatedAt)
}

// Dispatch publishes the operations of a running run that wait for nothing (idempotent).
func Dispatch(ctx context.Context, env *runenv.Env, run runs.Record) error {
	rp, err := env.Store.LoadRunPlan(ctx, run.RunID, run.Order)
	if err != nil {
		return err
	}
	h := handoff.Publisher{Store: env.Store}
	for _, seq := range rp.Graph.Initial() {
		if err := h.Release(ctx, run.RunID, seq); err != nil {
			return err
		}
	}
	return nil
}
