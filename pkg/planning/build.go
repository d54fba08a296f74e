// Package planning turns a run request into a proven plan without touching a canister: the
// registry is read, the selection resolved, the plan built and checked (BuildPlan, the dry run
// of `fleetbackup plan`), and preflight proven against the IC (Prove). It imports no NATS
// package.
package planning

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// Limits bounds what planning accepts, as the planner is configured; the zero value is the
// defaults.
type Limits struct {
	// MaxTargets bounds the targets of one run, backup or restore (the planner's
	// --max-targets); zero or negative means plan.DefaultMaxTargets.
	MaxTargets int
}

// BuildPlan is Limits.BuildPlan with the default limits.
func BuildPlan(ctx context.Context, exec executor.Executor, retry executor.RetryPolicy, req *request.Request) (*plan.Plan, error) {
	return Limits{}.BuildPlan(ctx, exec, retry, req)
}

// BuildPlan is a dry run of planning: it reads the registry (inline, or from the executor),
// resolves the selection and builds the plan, touching nothing. Everything wrong with the
// request, including a selection of more targets than l.MaxTargets (found before the plan is
// built) or one whose manifest could never validate, is a *RequestError, so the run is
// rejected before any canister is touched.
func (l Limits) BuildPlan(ctx context.Context, exec executor.Executor, retry executor.RetryPolicy, req *request.Request) (*plan.Plan, error) {
	entries, err := readRegistry(ctx, exec, retry, req)
	if err != nil {
		return nil, err
	}
	in, err := buildInput(req, entries)
	if err != nil {
		return nil, &request.RequestError{Field: "selector", Reason: err.Error(), Err: err}
	}
	in.MaxTargets = l.MaxTargets
	bp, err := plan.Build(in)
	var tooMany *plan.TargetsError
	if errors.As(err, &tooMany) {
		return nil, &request.RequestError{Field: "selector", Reason: err.Error(), Err: err}
	}
	if err != nil {
		return nil, &request.RequestError{Reason: "planning: " + err.Error(), Err: err}
	}
	if err := manifest.CheckPlan(bp); err != nil {
		return nil, &request.RequestError{Reason: "selection cannot produce a valid manifest: " + err.Error(), Err: err}
	}
	return bp, nil
}

func readRegistry(ctx context.Context, exec executor.Executor, retry executor.RetryPolicy, req *request.Request) ([]registry.Entry, error) {
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
		return nil, &request.RequestError{Field: "registry", Reason: err.Error(), Err: err}
	}
	return entries, nil
}

func buildInput(req *request.Request, entries []registry.Entry) (plan.BuildInput, error) {
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
