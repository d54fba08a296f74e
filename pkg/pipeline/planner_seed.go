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
)

// acceptPreflight accepts the proven preflight on the in-memory journal (DOMAIN §3.4).
func (p *Planner) acceptPreflight(ctx context.Context, bp *plan.Plan, j *journal.Journal) (string, error) {
	run, err := p.Env.Store.Runs.Get(ctx, bp.RunID)
	if err != nil {
		return "", err
	}
	validated, expires := run.Value.PreflightValidatedAt, run.Value.PreflightExpiresAt
	if validated == nil || expires == nil {
		return "", fmt.Errorf("run %s: plan stored without a proven preflight", bp.RunID)
	}
	if err := j.AcceptPreflight(bp.PlanID, preflight.ID(bp.RunID), validated); err != nil {
		return "", err
	}
	return *expires, nil
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

func (p *Planner) markRunning(ctx context.Context, bp *plan.Plan, j *journal.Journal, expires string) error {
	counts := journal.CountOps(j.Operations)
	return p.setRunState(ctx, bp.RunID, RunRunning, func(r *RunRecord) {
		r.PlanID = bp.PlanID
		r.Journal = j.Header()
		r.Counts = counts
		r.RestartRequired = false
		r.TopologyHash = bp.TopologyHashBeforeQuiesce
		r.PreflightExpiresAt = &expires
	})
}

// dispatchInitial publishes the operations that wait for nothing.
func (p *Planner) dispatchInitial(ctx context.Context, runID string, g *dispatch.Graph) error {
	h := handoff{env: p.Env}
	for _, seq := range g.Initial() {
		if err := h.release(ctx, runID, seq); err != nil {
			return err
		}
	}
	return nil
}

// setRunState moves a run that is not terminal to state, applying edit in the same write.
func (p *Planner) setRunState(ctx context.Context, runID string, state RunState, edit func(*RunRecord)) error {
	_, err := p.Env.Store.Runs.Update(ctx, runID, func(r *RunRecord) error {
		if r.State.Terminal() {
			return fmt.Errorf("run %s is %s", runID, r.State)
		}
		r.State = state
		r.UpdatedAt = p.Env.rfc3339()
		if edit != nil {
			edit(r)
		}
		return nil
	})
	return err
}
