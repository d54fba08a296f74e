package plan

// RequestHeader identifies the plan in every preflight request (DOMAIN §2.6).
type RequestHeader struct {
	PlanID         string `json:"plan_id"`
	RunID          string `json:"run_id"`
	Fleet          string `json:"fleet"`
	Network        string `json:"network"`
	RootCanisterID string `json:"root_canister_id"`
}

// ControlRequest asks who may stop, start and snapshot each target.
type ControlRequest struct {
	RequestHeader
	RequiresRootController bool                   `json:"requires_root_controller"`
	Targets                []ControlRequestTarget `json:"targets"`
}

// ControlRequestTarget is one target of a ControlRequest with its declared control authority.
type ControlRequestTarget struct {
	CanisterID        string           `json:"canister_id"`
	Role              *string          `json:"role"`
	ParentCanisterID  *string          `json:"parent_canister_id"`
	DeclaredAuthority ControlAuthority `json:"declared_authority"`
}

// SnapshotReadRequest asks whether each target's snapshots can be read back.
type SnapshotReadRequest struct {
	RequestHeader
	Targets []SnapshotReadRequestTarget `json:"targets"`
}

// SnapshotReadRequestTarget is one target of a SnapshotReadRequest with its declared authority.
type SnapshotReadRequestTarget struct {
	CanisterID        string                `json:"canister_id"`
	Role              *string               `json:"role"`
	ParentCanisterID  *string               `json:"parent_canister_id"`
	DeclaredAuthority SnapshotReadAuthority `json:"declared_authority"`
}

// TopologyRequest asks whether the live topology still matches the planned one.
type TopologyRequest struct {
	RequestHeader
	SelectedSubtreeRoot       *string          `json:"selected_subtree_root"`
	SelectedScopeKind         ScopeKind        `json:"selected_scope_kind"`
	TopologyHashBeforeQuiesce string           `json:"topology_hash_before_quiesce"`
	Targets                   []TopologyTarget `json:"targets"`
}

// TopologyTarget is a target's place in the topology; a topology receipt must reproduce the
// plan's list of them exactly (DOMAIN §3.3).
type TopologyTarget struct {
	CanisterID       string  `json:"canister_id"`
	ParentCanisterID *string `json:"parent_canister_id"`
	Depth            uint32  `json:"depth"`
}

// QuiescenceRequest asks whether the quiescence policy is accepted for the targets.
type QuiescenceRequest struct {
	RequestHeader
	SelectedSubtreeRoot *string            `json:"selected_subtree_root"`
	QuiescencePolicy    QuiescencePolicy   `json:"quiescence_policy"`
	Targets             []QuiescenceTarget `json:"targets"`
}

// QuiescenceTarget is a target as a quiescence receipt must reproduce it.
type QuiescenceTarget struct {
	CanisterID       string  `json:"canister_id"`
	Role             *string `json:"role"`
	ParentCanisterID *string `json:"parent_canister_id"`
}

// Equal compares two topology targets by value.
func (t TopologyTarget) Equal(o TopologyTarget) bool {
	return t.CanisterID == o.CanisterID && t.Depth == o.Depth && eqPtr(t.ParentCanisterID, o.ParentCanisterID)
}

// Equal compares two quiescence targets by value.
func (t QuiescenceTarget) Equal(o QuiescenceTarget) bool {
	return t.CanisterID == o.CanisterID && eqPtr(t.Role, o.Role) && eqPtr(t.ParentCanisterID, o.ParentCanisterID)
}

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func (p *Plan) header() RequestHeader {
	return RequestHeader{PlanID: p.PlanID, RunID: p.RunID, Fleet: p.Fleet, Network: p.Network, RootCanisterID: p.RootCanisterID}
}

// ControlRequest projects the plan onto a control authority request.
func (p *Plan) ControlRequest() ControlRequest {
	targets := make([]ControlRequestTarget, len(p.Targets))
	for i, t := range p.Targets {
		targets[i] = ControlRequestTarget{t.CanisterID, clone(t.Role), clone(t.ParentCanisterID), t.ControlAuthority}
	}
	return ControlRequest{p.header(), p.RequiresRootController, targets}
}

// SnapshotReadRequest projects the plan onto a snapshot read authority request.
func (p *Plan) SnapshotReadRequest() SnapshotReadRequest {
	targets := make([]SnapshotReadRequestTarget, len(p.Targets))
	for i, t := range p.Targets {
		targets[i] = SnapshotReadRequestTarget{t.CanisterID, clone(t.Role), clone(t.ParentCanisterID), t.SnapshotReadAuthority}
	}
	return SnapshotReadRequest{p.header(), targets}
}

// TopologyRequest projects the plan onto a topology request.
func (p *Plan) TopologyRequest() TopologyRequest {
	return TopologyRequest{p.header(), clone(p.SelectedSubtreeRoot), p.SelectedScopeKind,
		p.TopologyHashBeforeQuiesce, p.TopologyTargets()}
}

// QuiescenceRequest projects the plan onto a quiescence request.
func (p *Plan) QuiescenceRequest() QuiescenceRequest {
	return QuiescenceRequest{p.header(), clone(p.SelectedSubtreeRoot), p.QuiescencePolicy, p.QuiescenceTargets()}
}

// TopologyTargets is the topology projection of the targets, in plan order (never nil).
func (p *Plan) TopologyTargets() []TopologyTarget {
	out := make([]TopologyTarget, len(p.Targets))
	for i, t := range p.Targets {
		out[i] = TopologyTarget{t.CanisterID, clone(t.ParentCanisterID), t.Depth}
	}
	return out
}

// QuiescenceTargets is the quiescence projection of the targets, in plan order (never nil).
func (p *Plan) QuiescenceTargets() []QuiescenceTarget {
	out := make([]QuiescenceTarget, len(p.Targets))
	for i, t := range p.Targets {
		out[i] = QuiescenceTarget{t.CanisterID, clone(t.Role), clone(t.ParentCanisterID)}
	}
	return out
}
