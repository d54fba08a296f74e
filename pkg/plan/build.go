package plan

import (
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// BuildInput is everything a plan is built from (DOMAIN §2.3).
type BuildInput struct {
	PlanID             string
	RunID              string
	Fleet              string
	Network            string
	RootCanisterID     string
	SelectedCanisterID *string // required for every scope but non-root-fleet, where it is ignored
	Scope              ScopeKind
	IncludeDescendants bool // stored as given; only changes member traversal
	TopologyHash       string
	Registry           []registry.Entry
	Control            ControlAuthority      // given to every target
	SnapshotRead       SnapshotReadAuthority // given to every target and to the plan
	Quiescence         QuiescencePolicy
	IdentityMode       IdentityMode
	// MaxTargets bounds the selection: more targets is a *TargetsError, found before any
	// target or phase is built. Zero or negative means DefaultMaxTargets.
	MaxTargets int
}

// Build selects the targets of in.Scope from the registry (§1.3), refuses more of them than
// in.MaxTargets, gives each the input's authorities and identity mode, generates the phases
// (§2.4) and validates the plan (§2.5).
func Build(in BuildInput) (*Plan, error) {
	selected, entries, err := selectTargets(in)
	if err != nil {
		return nil, err
	}
	if err := CheckTargetCount("the selection", len(entries), in.MaxTargets); err != nil {
		return nil, err
	}
	depths := registry.Depths(in.Registry)
	targets := make([]Target, len(entries))
	for i, e := range entries {
		targets[i] = Target{
			CanisterID:            e.Pid,
			Role:                  clone(e.Role),
			ParentCanisterID:      clone(e.ParentPid),
			Depth:                 depths[e.Pid],
			ControlAuthority:      in.Control,
			SnapshotReadAuthority: in.SnapshotRead,
			IdentityMode:          in.IdentityMode,
			ExpectedModuleHash:    clone(e.ModuleHash),
		}
	}
	p := &Plan{
		PlanID:                    in.PlanID,
		RunID:                     in.RunID,
		Fleet:                     in.Fleet,
		Network:                   in.Network,
		RootCanisterID:            in.RootCanisterID,
		SelectedSubtreeRoot:       selected,
		SelectedScopeKind:         in.Scope,
		IncludeDescendants:        in.IncludeDescendants,
		RootIncluded:              in.Scope == ScopeMaintenanceRoot,
		RequiresRootController:    in.Control.Source.Kind == ControlRootController,
		SnapshotReadAuthority:     in.SnapshotRead,
		QuiescencePolicy:          in.Quiescence,
		TopologyHashBeforeQuiesce: in.TopologyHash,
		Targets:                   targets,
		Phases:                    Phases(targets),
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// selectTargets returns the selected subtree root (nil for non-root-fleet) and the target
// entries in plan order.
func selectTargets(in BuildInput) (*string, []registry.Entry, error) {
	switch in.Scope {
	case ScopeNonRootFleet:
		entries := make([]registry.Entry, 0, len(in.Registry))
		for _, e := range in.Registry {
			if e.Pid != in.RootCanisterID {
				entries = append(entries, e)
			}
		}
		return nil, entries, nil
	case ScopeMember, ScopeSubtree, ScopeMaintenanceRoot:
	default:
		return nil, nil, enumErr("selected_scope_kind", -1, string(in.Scope))
	}
	if in.SelectedCanisterID == nil || !NonEmpty(*in.SelectedCanisterID) {
		return nil, nil, fieldErr(ErrEmptyField, "selected_canister_id")
	}
	selected := *in.SelectedCanisterID
	recursive := in.Scope != ScopeMember || in.IncludeDescendants
	entries, err := registry.Traverse(in.Registry, selected, recursive)
	if err != nil {
		return nil, nil, &DiscoveryError{Selected: selected, Err: err}
	}
	return &selected, entries, nil
}

func clone(s *string) *string {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}
