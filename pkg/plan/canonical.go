package plan

import "github.com/fleetbackup/fleetbackup/pkg/checksum"

// ValidateCanonical is the stricter plan admission of later reference versions (DOMAIN §13),
// for plans that come from outside fleetbackup's own Build: Validate, then a 64-hex topology
// hash, phases equal to Phases(targets) (ids, kinds, targets, order), and a target graph that
// is depth-consistent (a target whose parent is a target lies one level below it, which also
// rules out cycles) and connected (every target's parent is a target, except the selected
// root's; for non-root-fleet, except targets whose parent is the root).
func (p *Plan) ValidateCanonical() error {
	if err := p.Validate(); err != nil {
		return err
	}
	if !IsHash(p.TopologyHashBeforeQuiesce) {
		return &Error{Err: ErrInvalidTopologyHash, Field: "topology_hash_before_quiesce", Index: -1,
			Value: p.TopologyHashBeforeQuiesce}
	}
	if err := p.checkCanonicalPhases(); err != nil {
		return err
	}
	return p.checkTargetGraph()
}

func (p *Plan) checkCanonicalPhases() error {
	want := Phases(p.Targets)
	if len(want) != len(p.Phases) {
		return &Error{Err: ErrNonCanonicalPhases, Field: "phases", Index: min(len(want), len(p.Phases))}
	}
	for i := range want {
		got, w := &p.Phases[i], &want[i]
		if got.OperationID != w.OperationID || got.Kind != w.Kind || !eqPtr(got.TargetCanisterID, w.TargetCanisterID) {
			return &Error{Err: ErrNonCanonicalPhases, Field: "phases", Index: i, OperationID: got.OperationID}
		}
	}
	return nil
}

func (p *Plan) checkTargetGraph() error {
	index := p.TargetIndex()
	for i := range p.Targets {
		t := &p.Targets[i]
		parent, hasParent := -1, false
		if t.ParentCanisterID != nil {
			parent, hasParent = index[*t.ParentCanisterID]
		}
		switch {
		case hasParent && p.Targets[parent].Depth+1 != t.Depth:
			return targetErr(ErrTargetGraph, "targets[].depth", i, t.CanisterID)
		case hasParent || p.isSelectionTop(t):
			continue
		}
		return targetErr(ErrTargetGraph, "targets[].parent_canister_id", i, t.CanisterID)
	}
	return nil
}

// isSelectionTop reports whether t may be a top of the selection: the selected root, or for
// non-root-fleet a child of the root canister.
func (p *Plan) isSelectionTop(t *Target) bool {
	if p.SelectedScopeKind == ScopeNonRootFleet {
		return t.ParentCanisterID != nil && *t.ParentCanisterID == p.RootCanisterID
	}
	return p.SelectedSubtreeRoot != nil && *p.SelectedSubtreeRoot == t.CanisterID
}

// IsHash reports whether s is sha256 hex text: exactly 64 ASCII hex digits, either case (DOMAIN §0).
func IsHash(s string) bool { return checksum.ValidHex(s) }
