package plan

// Plan is the backup plan of DOMAIN §2.1, file `backup-plan.json`. Field order is the file's.
type Plan struct {
	PlanID                    string                `json:"plan_id"`
	RunID                     string                `json:"run_id"`
	Fleet                     string                `json:"fleet"`
	Network                   string                `json:"network"`
	RootCanisterID            string                `json:"root_canister_id"`
	SelectedSubtreeRoot       *string               `json:"selected_subtree_root"`
	SelectedScopeKind         ScopeKind             `json:"selected_scope_kind"`
	IncludeDescendants        bool                  `json:"include_descendants"`
	RootIncluded              bool                  `json:"root_included"`
	RequiresRootController    bool                  `json:"requires_root_controller"`
	SnapshotReadAuthority     SnapshotReadAuthority `json:"snapshot_read_authority"`
	QuiescencePolicy          QuiescencePolicy      `json:"quiescence_policy"`
	TopologyHashBeforeQuiesce string                `json:"topology_hash_before_quiesce"`
	Targets                   []Target              `json:"targets"`
	Phases                    []Operation           `json:"phases"`
}

// Target is one canister the plan backs up.
type Target struct {
	CanisterID            string                `json:"canister_id"`
	Role                  *string               `json:"role"`
	ParentCanisterID      *string               `json:"parent_canister_id"`
	Depth                 uint32                `json:"depth"`
	ControlAuthority      ControlAuthority      `json:"control_authority"`
	SnapshotReadAuthority SnapshotReadAuthority `json:"snapshot_read_authority"`
	IdentityMode          IdentityMode          `json:"identity_mode"`
	ExpectedModuleHash    *string               `json:"expected_module_hash"`
}

// Operation is one phase of the plan; Order is its 0-based position.
type Operation struct {
	OperationID      string        `json:"operation_id"`
	Order            uint32        `json:"order"`
	Kind             OperationKind `json:"kind"`
	TargetCanisterID *string       `json:"target_canister_id"`
}

// ControlAuthority says who may stop, start and snapshot a target, and how sure we are.
type ControlAuthority struct {
	Source   ControlSource     `json:"source"`
	Evidence AuthorityEvidence `json:"evidence"`
}

// ControlSource is a tagged object: {"kind": "..."}, plus "controller" and "reason" for
// alternate-controller only (see MarshalJSON and UnmarshalJSON).
type ControlSource struct {
	Kind       ControlSourceKind `json:"kind"`
	Controller string            `json:"controller,omitempty"`
	Reason     string            `json:"reason,omitempty"`
}

// SnapshotReadAuthority says who may read a target's snapshots back.
type SnapshotReadAuthority struct {
	Source   SnapshotReadSource `json:"source"`
	Evidence AuthorityEvidence  `json:"evidence"`
}
