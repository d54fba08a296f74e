package admission

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/planning"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// plan takes a new (or interrupted) run from planning to running, or to queued or rejected
// when other runs hold its canisters. Each step is idempotent, so a planner that crashed
// half-way is simply repeated by the next delivery; a step the run state machine refuses (the
// run moved on) ends planning with a *runs.Refusal.
func (p *Admitter) plan(ctx context.Context, req *request.Request) error {
	bp, err := p.loadOrBuildPlan(ctx, req)
	if err != nil {
		return err
	}
	_, err = p.admit(ctx, req.RunID, bp)
	return err
}

// loadOrBuildPlan returns the stored plan of an interrupted run, or builds, proves and stores
// a new one.
func (p *Admitter) loadOrBuildPlan(ctx context.Context, req *request.Request) (*plan.Plan, error) {
	if stored, err := p.Env.Store.LoadPlan(ctx, req.RunID); err == nil {
		return stored, nil
	} else if !errors.Is(err, runstore.ErrNotFound) {
		return nil, err
	}
	bp, err := planning.BuildPlan(ctx, p.Env.Exec, p.Env.Retry, req)
	if err != nil {
		return nil, err
	}
	if _, err := p.Env.Apply(ctx, bp.RunID, runs.Plan{PlanID: bp.PlanID}); err != nil {
		return nil, err
	}
	if _, err := Prove(ctx, p.Env, bp); err != nil {
		return nil, err
	}
	if err := p.Env.Store.SavePlan(ctx, bp); err != nil && !errors.Is(err, runstore.ErrExists) {
		return nil, err
	}
	return p.Env.Store.LoadPlan(ctx, req.RunID)
}

// Prove proves preflight against bp (which then carries proven authorities) and records the
// window on the run: while planning, when a queued run's preflight expired, and for resume.
func Prove(ctx context.Context, env *runenv.Env, bp *plan.Plan) (runs.Record, error) {
	validated := env.Marker()
	expires, err := planning.Prove(ctx, env.Exec, env.Retry, bp, validated)
	if err != nil {
		return runs.Record{}, err
	}
	return env.Apply(ctx, bp.RunID, runs.Proven{ValidatedAt: validated, ExpiresAt: expires})
}
