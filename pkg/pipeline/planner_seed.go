package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/preflight"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// admit takes a planned run (preflight or queued) to running: it locks the run's canisters
// (or queues or rejects it), makes sure its preflight is still fresh, seeds the journal and
// dispatches the first operations. It returns the run as it stands.
func (p *Planner) admit(ctx context.Context, runID string, bp *plan.Plan) (RunRecord, error) {
	run, err := p.lock(ctx, runID, bp)
	if err != nil || !run.LocksHeld || run.State != RunPreflight {
		return run, err
	}
	if run, err = p.freshPreflight(ctx, run, bp); err != nil {
		return run, err
	}
	j, err := journal.New(bp)
	if err != nil {
		return run, err
	}
	if err := p.acceptPreflight(run, bp, j); err != nil {
		return run, err
	}
	g := dispatch.Build(bp, run.Order)
	if err := p.seedJournal(ctx, bp, j, g); err != nil {
		return run, err
	}
	run, err = p.Env.applyRun(ctx, runID, runs.Run{Header: j.Header(), Counts: journal.CountOps(j.Operations),
		TopologyHash: bp.TopologyHashBeforeQuiesce})
	if err != nil {
		return run, err
	}
	return run, p.dispatchRun(ctx, run)
}

// lock opens a lock attempt and takes every target canister. On a conflict the run is queued
// (on_conflict: wait) or rejected, naming the holder. A run already holding its locks (a
// repeated delivery) is returned as it is.
func (p *Planner) lock(ctx context.Context, runID string, bp *plan.Plan) (RunRecord, error) {
	run, err := p.Env.applyRun(ctx, runID, runs.LockAttempt{})
	if err != nil {
		if run.LocksHeld {
			return run, nil
		}
		return run, err
	}
	err = p.Env.acquireLocks(ctx, run, bp)
	var conflict *LockConflict
	if errors.As(err, &conflict) {
		return p.conflict(ctx, run, conflict)
	}
	if err != nil {
		return run, err
	}
	locked, err := p.Env.applyRun(ctx, runID, runs.Locked{Epoch: run.LockEpoch})
	if errors.Is(err, runs.ErrRefused) { // superseded by a newer attempt, or the run ended
		p.Env.freeLocks(context.WithoutCancel(ctx), runID, run.LockEpoch, lockKeys(bp))
	}
	return locked, err
}

// conflict queues or rejects a run whose canister another run holds.
func (p *Planner) conflict(ctx context.Context, run RunRecord, c *LockConflict) (RunRecord, error) {
	if run.OnConflict != string(OnConflictWait) {
		reason := fmt.Sprintf("%s (on_conflict: reject)", c.Error())
		return p.Env.applyRun(ctx, run.RunID, runs.Reject{Reason: reason})
	}
	queued, err := p.Env.applyRun(ctx, run.RunID, runs.Queue{Holder: c.Holder})
	if err != nil {
		return queued, err
	}
	p.Env.logger().Info("run queued", "run_id", run.RunID, "waiting_for", c.Holder, "canister", c.CanisterID)
	return queued, p.Env.sendInternal(ctx, run.RunID, internalAdmit, fmt.Sprintf("%s.admit.%d", run.RunID, run.LockEpoch))
}

// freshPreflight proves preflight again when the accepted one expired while the run waited
// in the queue.
func (p *Planner) freshPreflight(ctx context.Context, run RunRecord, bp *plan.Plan) (RunRecord, error) {
	if !p.Env.preflightExpired(run) {
		return run, nil
	}
	validated, expires, err := p.prove(ctx, bp)
	if err != nil {
		return run, err
	}
	return p.Env.applyRun(ctx, run.RunID, runs.Proven{ValidatedAt: validated, ExpiresAt: expires})
}

// acceptPreflight accepts the proven preflight on the in-memory journal (DOMAIN §3.4).
func (p *Planner) acceptPreflight(run RunRecord, bp *plan.Plan, j *journal.Journal) error {
	if run.PreflightValidatedAt == nil || run.PreflightExpiresAt == nil {
		return fmt.Errorf("run %s: plan stored without a proven preflight", bp.RunID)
	}
	return j.AcceptPreflight(bp.PlanID, preflight.ID(bp.RunID), run.PreflightValidatedAt)
}

// seedJournal writes one record per operation and per barrier. Records that exist already
// (a repeated delivery) are kept as they are.
func (p *Planner) seedJournal(ctx context.Context, bp *plan.Plan, j *journal.Journal, g *dispatch.Graph) error {
	for seq, op := range j.Operations {
		rec := OpRecord{RunID: bp.RunID, Op: op, Deps: dispatch.NewDeps(g.Need(seq)), Receipts: []StoredReceipt{}}
		if _, err := p.Env.Store.Ops.Create(ctx, OpKey(bp.RunID, seq), rec); err != nil && !errors.Is(err, kvstore.ErrExists) {
			return err
		}
	}
	for n := g.Ops; n < g.Nodes(); n++ {
		name := g.BarrierName(n)
		rec := BarrierRecord{RunID: bp.RunID, Name: name, Deps: dispatch.NewDeps(g.Need(n))}
		if _, err := p.Env.Store.Barriers.Create(ctx, BarrierKey(bp.RunID, name), rec); err != nil && !errors.Is(err, kvstore.ErrExists) {
			return err
		}
	}
	return nil
}

// dispatchRun publishes the operations of a running run that wait for nothing.
func (p *Planner) dispatchRun(ctx context.Context, run RunRecord) error {
	rp, err := (&planCache{}).get(ctx, p.Env.Store, run.RunID, run.Order)
	if err != nil {
		return err
	}
	h := handoff{env: p.Env}
	for _, seq := range rp.graph.Initial() {
		if err := h.release(ctx, run.RunID, seq); err != nil {
			return err
		}
	}
	return nil
}
