package plan

import (
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Validate checks the plan rules of DOMAIN §2.5 in order; the first failure wins. Plans with
// declared or unknown authorities are valid (dry runs); see ValidateForExecution. Beyond the
// reference, enum fields must hold a defined value (a Go zero value is not one).
// It runs in O(targets + phases).
func (p *Plan) Validate() error {
	if err := p.checkHeader(); err != nil {
		return err
	}
	ids, err := p.checkTargets()
	if err != nil {
		return err
	}
	if err := p.checkPhases(ids); err != nil {
		return err
	}
	if err := p.checkSelection(ids); err != nil {
		return err
	}
	return p.checkPhaseOrder()
}

// ValidateForExecution is Validate plus, per target in order: proven control, proven snapshot
// read, and a proven root controller when the plan requires one and the target is not the root.
func (p *Plan) ValidateForExecution() error {
	if err := p.Validate(); err != nil {
		return err
	}
	for i := range p.Targets {
		if err := p.checkExecutable(i, &p.Targets[i]); err != nil {
			return err
		}
	}
	return nil
}

func (p *Plan) checkExecutable(i int, t *Target) error {
	switch {
	case !t.ControlAuthority.Proven():
		return targetErr(ErrUnprovenControlAuthority, "targets[].control_authority", i, t.CanisterID)
	case !t.SnapshotReadAuthority.Proven():
		return targetErr(ErrUnprovenTargetSnapshotReadAuthority, "targets[].snapshot_read_authority", i, t.CanisterID)
	case p.RequiresRootController && t.CanisterID != p.RootCanisterID && !t.ControlAuthority.ProvenRootController():
		return targetErr(ErrMissingRootController, "targets[].control_authority", i, t.CanisterID)
	}
	return nil
}

// checkHeader is steps 1-4: identity fields, principals, topology hash, root scope.
func (p *Plan) checkHeader() error {
	for _, f := range []struct{ name, value string }{
		{"plan_id", p.PlanID}, {"run_id", p.RunID}, {"fleet", p.Fleet}, {"network", p.Network},
	} {
		if !NonEmpty(f.value) {
			return fieldErr(ErrEmptyField, f.name)
		}
	}
	if !principal.Valid(p.RootCanisterID) {
		return principalErr("root_canister_id", -1, p.RootCanisterID)
	}
	if p.SelectedSubtreeRoot != nil && !principal.Valid(*p.SelectedSubtreeRoot) {
		return principalErr("selected_subtree_root", -1, *p.SelectedSubtreeRoot)
	}
	if !NonEmpty(p.TopologyHashBeforeQuiesce) {
		return fieldErr(ErrEmptyField, "topology_hash_before_quiesce")
	}
	if err := p.checkPlanEnums(); err != nil {
		return err
	}
	if p.SelectedScopeKind == ScopeMaintenanceRoot && !p.RootIncluded {
		return fieldErr(ErrMaintenanceRootExcludesRoot, "root_included")
	}
	if p.SelectedScopeKind != ScopeMaintenanceRoot && p.RootIncluded {
		return fieldErr(ErrRootIncludedWithoutMaintenance, "root_included")
	}
	return nil
}

func (p *Plan) checkPlanEnums() error {
	switch p.SelectedScopeKind {
	case ScopeMember, ScopeSubtree, ScopeNonRootFleet, ScopeMaintenanceRoot:
	default:
		return enumErr("selected_scope_kind", -1, string(p.SelectedScopeKind))
	}
	switch p.QuiescencePolicy {
	case QuiescenceCrashConsistent, QuiescenceRootCoordinated, QuiescenceAppQuiesced:
	default:
		return enumErr("quiescence_policy", -1, string(p.QuiescencePolicy))
	}
	return p.SnapshotReadAuthority.Check("snapshot_read_authority", -1)
}

// checkTargets is step 5; it returns the set of target ids for the later steps.
func (p *Plan) checkTargets() (map[string]struct{}, error) {
	if len(p.Targets) == 0 {
		return nil, fieldErr(ErrEmptyTargets, "targets")
	}
	ids := make(map[string]struct{}, len(p.Targets))
	parents := make(map[string]struct{}) // parents already found valid that are not targets
	for i := range p.Targets {
		t := &p.Targets[i]
		if err := p.checkTarget(i, t, ids, parents); err != nil {
			return nil, err
		}
		if _, dup := ids[t.CanisterID]; dup {
			return nil, targetErr(ErrDuplicateTarget, "targets[].canister_id", i, t.CanisterID)
		}
		ids[t.CanisterID] = struct{}{}
		if !p.RootIncluded && t.CanisterID == p.RootCanisterID {
			return nil, targetErr(ErrRootIncludedWithoutMaintenance, "targets[].canister_id", i, t.CanisterID)
		}
	}
	return ids, nil
}

// checkTarget checks one target's fields. Parents are usually earlier targets, so a parent
// found in ids (valid targets so far) or in parents (valid parents so far) is not re-parsed.
func (p *Plan) checkTarget(i int, t *Target, ids, parents map[string]struct{}) error {
	if !principal.Valid(t.CanisterID) {
		return principalErr("targets[].canister_id", i, t.CanisterID)
	}
	if t.ParentCanisterID != nil {
		if err := checkParent(i, *t.ParentCanisterID, ids, parents); err != nil {
			return err
		}
	}
	if t.Role != nil && !NonEmpty(*t.Role) {
		return targetErr(ErrEmptyField, "targets[].role", i, t.CanisterID)
	}
	if t.ExpectedModuleHash != nil && !NonEmpty(*t.ExpectedModuleHash) {
		return targetErr(ErrEmptyField, "targets[].expected_module_hash", i, t.CanisterID)
	}
	if err := t.ControlAuthority.Check("targets[].control_authority", i); err != nil {
		return err
	}
	if err := t.SnapshotReadAuthority.Check("targets[].snapshot_read_authority", i); err != nil {
		return err
	}
	if t.IdentityMode != IdentityFixed && t.IdentityMode != IdentityRelocatable {
		return enumErr("targets[].identity_mode", i, string(t.IdentityMode))
	}
	return nil
}

func checkParent(i int, parent string, ids, parents map[string]struct{}) error {
	if _, ok := ids[parent]; ok {
		return nil
	}
	if _, ok := parents[parent]; ok {
		return nil
	}
	if !principal.Valid(parent) {
		return principalErr("targets[].parent_canister_id", i, parent)
	}
	parents[parent] = struct{}{}
	return nil
}
