package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/preflight"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// plan takes a new (or interrupted) run from planning to running, or to queued or rejected
// when other runs hold its canisters. Each step is idempotent, so a planner that crashed
// half-way is simply repeated by the next delivery; a step the run state machine refuses (the
// run moved on) ends planning with a *runs.Refusal.
func (p *Planner) plan(ctx context.Context, req *Request) error {
	bp, err := p.loadOrBuildPlan(ctx, req)
	if err != nil {
		return err
	}
	_, err = p.admit(ctx, req.RunID, bp)
	return err
}

// loadOrBuildPlan returns the stored plan of an interrupted run, or builds, proves and stores
// a new one.
func (p *Planner) loadOrBuildPlan(ctx context.Context, req *Request) (*plan.Plan, error) {
	if stored, err := p.Env.Store.LoadPlan(ctx, req.RunID); err == nil {
		return stored, nil
	} else if !errors.Is(err, kvstore.ErrNotFound) {
		return nil, err
	}
	bp, err := p.buildPlan(ctx, req)
	if err != nil {
		return nil, err
	}
	if _, err := p.Env.applyRun(ctx, bp.RunID, runs.Plan{PlanID: bp.PlanID}); err != nil {
		return nil, err
	}
	if err := p.provePreflight(ctx, bp); err != nil {
		return nil, err
	}
	if err := p.Env.Store.SavePlan(ctx, bp); err != nil && !errors.Is(err, kvstore.ErrExists) {
		return nil, err
	}
	return p.Env.Store.LoadPlan(ctx, req.RunID)
}

// buildPlan resolves the selection against the registry and builds the plan.
func (p *Planner) buildPlan(ctx context.Context, req *Request) (*plan.Plan, error) {
	return BuildPlan(ctx, p.Env.Exec, p.Env.Retry, req)
}

// BuildPlan is a dry run of planning: it reads the registry (inline, or from the executor),
// resolves the selection and builds the plan, touching nothing. Everything wrong with the
// request, including a selection whose manifest could never validate, is a *RequestError, so
// the run is rejected before any canister is touched.
func BuildPlan(ctx context.Context, exec executor.Executor, retry RetryPolicy, req *Request) (*plan.Plan, error) {
	entries, err := readRegistry(ctx, exec, retry, req)
	if err != nil {
		return nil, err
	}
	in, err := buildInput(req, entries)
	if err != nil {
		return nil, &RequestError{Field: "selector", Reason: err.Error()}
	}
	bp, err := plan.Build(in)
	if err != nil {
		return nil, &RequestError{Reason: "planning: " + err.Error()}
	}
	if err := manifest.CheckPlan(bp); err != nil {
		return nil, &RequestError{Reason: "selection cannot produce a valid manifest: " + err.Error()}
	}
	return bp, nil
}

func readRegistry(ctx context.Context, exec executor.Executor, retry RetryPolicy, req *Request) ([]registry.Entry, error) {
	data := []byte(req.Registry)
	if len(data) == 0 {
		var err error
		err = retry.Do(ctx, func() error {
			data, err = exec.Registry(ctx, req.RootCanisterID)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("fetching registry of %s: %w", req.RootCanisterID, err)
		}
	}
	entries, err := registry.Parse(data)
	if err != nil {
		return nil, &RequestError{Field: "registry", Reason: err.Error()}
	}
	return entries, nil
}

func buildInput(req *Request, entries []registry.Entry) (plan.BuildInput, error) {
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		return plan.BuildInput{}, err
	}
	in := plan.BuildInput{
		PlanID: "plan-" + req.RunID, RunID: req.RunID, Fleet: req.Fleet, Network: req.Network,
		RootCanisterID: req.RootCanisterID, Scope: req.Scope, IncludeDescendants: req.IncludeDescendants,
		TopologyHash: hash, Registry: entries,
		Control: plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController},
			Evidence: plan.EvidenceDeclared},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceDeclared},
		Quiescence:   plan.QuiescencePolicy(req.QuiescencePolicy),
		IdentityMode: plan.IdentityRelocatable,
	}
	if req.Scope != plan.ScopeNonRootFleet {
		id, err := registry.ResolveSelector(entries, req.Selector)
		if err != nil {
			return in, err
		}
		in.SelectedCanisterID = &id
	}
	return in, nil
}

// provePreflight asks the executor for receipts and applies them to the plan, which then
// carries proven authorities, and records the preflight window on the run.
func (p *Planner) provePreflight(ctx context.Context, bp *plan.Plan) error {
	validated, expires, err := p.prove(ctx, bp)
	if err != nil {
		return err
	}
	_, err = p.Env.applyRun(ctx, bp.RunID, runs.Proven{ValidatedAt: validated, ExpiresAt: expires})
	return err
}

// prove runs preflight against bp (changing its authorities) and returns its window.
func (p *Planner) prove(ctx context.Context, bp *plan.Plan) (validated, expires string, err error) {
	id := preflight.ID(bp.RunID)
	validated = p.Env.marker()
	expires = preflight.ExpiresAt(validated)
	var bundle preflight.Bundle
	err = p.Env.Retry.Do(ctx, func() error {
		var err error
		bundle, err = preflight.Prove(ctx, p.Env.Exec, bp, id, validated, expires)
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("preflight: %w", err)
	}
	if err := preflight.Apply(bp, bundle, validated); err != nil {
		return "", "", fmt.Errorf("preflight: %w", err)
	}
	return validated, expires, nil
}
