package admission

import (
	"context"
	"errors"

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
	rp, err := p.loadOrBuildPlan(ctx, req)
	if err != nil {
		return err
	}
	_, err = p.admit(ctx, req.RunID, rp)
	return err
}

// loadOrBuildPlan returns the stored plan of an interrupted run, or builds, proves and stores
// a new one.
func (p *Admitter) loadOrBuildPlan(ctx context.Context, req *request.Request) (*runstore.RunPlan, error) {
	if stored, err := p.Env.Store.LoadRunPlan(ctx, req.RunID, req.Order); err == nil {
		return stored, nil
	} else if !errors.Is(err, runstore.ErrNotFound) {
		return nil, err
	}
	bp, err := p.limits().BuildPlan(ctx, p.Env.Exec, p.Env.Retry, req)
	if err != nil {
		return nil, err
	}
	if _, err := p.Env.Apply(ctx, bp.RunID, runs.Plan{PlanID: bp.PlanID}); err != nil {
		return nil, err
	}
	if _, err := prove(ctx, p.Env, &runstore.RunPlan{Plan: bp}); err != nil {
		return nil, err
	}
	if err := p.Env.Store.SavePlan(ctx, bp); err != nil && !errors.Is(err, runstore.ErrExists) {
		return nil, err
	}
	return p.Env.Store.LoadRunPlan(ctx, req.RunID, req.Order)
}

// prove proves preflight against rp's plan (which then carries proven authorities) and
// records the window on the run.
func prove(ctx context.Context, env *runenv.Env, rp *runstore.RunPlan) (runs.Record, error) {
	if rp.Plan.IsRestore() {
		return proveTargets(ctx, env, rp)
	}
	validated := env.Marker()
	expires, err := planning.Prove(ctx, env.Exec, env.Retry, rp.Plan, validated)
	if err != nil {
		return runs.Record{}, err
	}
	return env.Apply(ctx, rp.Plan.RunID, runs.Proven{ValidatedAt: validated, ExpiresAt: expires})
}

// Reprove proves preflight again against a copy of a stored plan (topology unchanged,
// authorities proven, a fresh window) and records the new window on the run: for resume.
func Reprove(ctx context.Context, env *runenv.Env, stored *runstore.RunPlan) (runs.Record, error) {
	fresh := *stored.Plan
	fresh.Targets = append(fresh.Targets[:0:0], stored.Plan.Targets...)
	return prove(ctx, env, &runstore.RunPlan{Plan: &fresh, Graph: stored.Graph})
}

// proveTargets proves a restore's targets (planning.ProveTargets) and records the window.
func proveTargets(ctx context.Context, env *runenv.Env, rp *runstore.RunPlan) (runs.Record, error) {
	validated := env.Marker()
	if err := planning.ProveTargets(ctx, env.Exec, env.Retry, rp.Plan); err != nil {
		return runs.Record{}, err
	}
	return env.Apply(ctx, rp.Plan.RunID, runs.Proven{ValidatedAt: validated, ExpiresAt: planning.ExpiresAt(validated)})
}

// limits are the planning limits the planner was configured with.
func (p *Admitter) limits() planning.Limits {
	return planning.Limits{MaxTargets: p.MaxTargets}
}
