package plan

import (
	"errors"
	"slices"
	"testing"
)

// root_included is a property of the scope, not of the target list (DOMAIN §2.3 step 1:
// root_included = (scope == maintenance-root)). maintenance-root selects the selected canister's
// subtree (§1.3), so its plan says root_included even when the root is not among its targets;
// §2.5 step 4 says so outright ("Maintenance-root does not require the root canister to
// actually be a target"). The one target-side rule is §2.5 step 5: the root may be a target
// only when root_included. These tables pin both, for Build and for Validate.
func TestRootIncludedFollowsTheScope(t *testing.T) {
	for _, c := range []struct {
		name       string
		scope      ScopeKind
		selected   string
		rootTarget bool
		err        error
	}{
		{"maintenance-root of the root", ScopeMaintenanceRoot, ROOT, true, nil},
		{"maintenance-root of a member: flag set, root not a target", ScopeMaintenanceRoot, APP, false, nil},
		{"subtree of a member", ScopeSubtree, APP, false, nil},
		{"member", ScopeMember, APP, false, nil},
		{"non-root-fleet", ScopeNonRootFleet, APP, false, nil},
		{"subtree of the root (P12)", ScopeSubtree, ROOT, false, ErrRootIncludedWithoutMaintenance},
		{"member of the root", ScopeMember, ROOT, false, ErrRootIncludedWithoutMaintenance},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Build(buildInput(c.scope, sp(c.selected)))
			if c.err != nil || err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if p.RootIncluded != (c.scope == ScopeMaintenanceRoot) {
				t.Errorf("root_included = %v for scope %s", p.RootIncluded, c.scope)
			}
			if got := slices.Contains(targetIDs(p), ROOT); got != c.rootTarget {
				t.Errorf("root among targets = %v, want %v", got, c.rootTarget)
			}
		})
	}
}

func TestValidateRootIncludedAgainstScopeAndTargets(t *testing.T) {
	withRoot := func(p *Plan) {
		p.Targets = append(p.Targets, Target{CanisterID: ROOT, ControlAuthority: rootControl,
			SnapshotReadAuthority: rootRead, IdentityMode: IdentityRelocatable})
	}
	for _, c := range []struct {
		scope      ScopeKind
		flag       bool
		rootTarget bool
		err        error
	}{
		{ScopeSubtree, false, false, nil},
		{ScopeSubtree, true, false, ErrRootIncludedWithoutMaintenance},
		{ScopeSubtree, false, true, ErrRootIncludedWithoutMaintenance},
		{ScopeSubtree, true, true, ErrRootIncludedWithoutMaintenance}, // P2
		{ScopeNonRootFleet, false, false, nil},
		{ScopeNonRootFleet, false, true, ErrRootIncludedWithoutMaintenance},
		{ScopeMaintenanceRoot, false, false, ErrMaintenanceRootExcludesRoot},
		{ScopeMaintenanceRoot, false, true, ErrMaintenanceRootExcludesRoot},
		{ScopeMaintenanceRoot, true, true, nil},
		{ScopeMaintenanceRoot, true, false, nil}, // §2.5 step 4: the root need not be a target
	} {
		p := fixturePlan()
		p.SelectedScopeKind, p.RootIncluded = c.scope, c.flag
		if c.scope == ScopeNonRootFleet {
			p.SelectedSubtreeRoot = nil
		}
		if c.rootTarget {
			withRoot(p)
		}
		if err := p.Validate(); !errors.Is(err, c.err) {
			t.Errorf("scope %s root_included %v root target %v: Validate = %v, want %v",
				c.scope, c.flag, c.rootTarget, err, c.err)
		}
	}
}
