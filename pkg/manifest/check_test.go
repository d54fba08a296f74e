package manifest

import (
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// TestCheckPlanAcceptsReplicatedSelections: subtree and non-root-fleet selections of a fleet
// with replicated roles are accepted when planned (the reference would fail them at finalize).
func TestCheckPlanAcceptsReplicatedSelections(t *testing.T) {
	entries := replicatedFleet()
	for _, p := range []*plan.Plan{
		buildPlan(t, entries, plan.ScopeSubtree, 1),
		buildPlan(t, entries, plan.ScopeNonRootFleet, -1),
		buildPlan(t, entries, plan.ScopeMember, 2),
		buildPlan(t, entries, plan.ScopeMaintenanceRoot, 0),
		buildPlan(t, fleetgen.Sized(500, []string{"a", "b"}), plan.ScopeNonRootFleet, -1),
	} {
		if err := CheckPlan(p); err != nil {
			t.Fatalf("%s: %v", p.SelectedScopeKind, err)
		}
	}
}

// TestCheckPlanRejectsWhatCanNeverValidate names the problem up front.
func TestCheckPlanRejectsWhatCanNeverValidate(t *testing.T) {
	entries := fleetgen.Generate(fleetgen.Spec{Levels: []int{2, 2}})
	cases := []struct {
		name   string
		mutate func(p *plan.Plan)
		want   error
	}{
		{"topology hash not hex", func(p *plan.Plan) { p.TopologyHashBeforeQuiesce = "not-a-hash" }, ErrInvalidHash},
		{"parent cycle", func(p *plan.Plan) { p.Targets[0].ParentCanisterID = &p.Targets[1].CanisterID }, ErrSubtreeBackupUnitNotConnected},
		{"blank network", func(p *plan.Plan) { p.Network = " " }, ErrEmptyField},
		{"blank role", func(p *plan.Plan) { p.Targets[1].Role = strp("") }, ErrEmptyField},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := buildPlan(t, entries, plan.ScopeSubtree, 1)
			c.mutate(p)
			err := CheckPlan(p)
			var pe *PlanCheckError
			if !errors.Is(err, ErrUnfinalizablePlan) || !errors.Is(err, c.want) || !errors.As(err, &pe) || pe.PlanID != "plan-test" {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	if err := CheckPlan(nil); !errors.Is(err, ErrMissingInput) {
		t.Fatalf("nil plan: %v", err)
	}
}

// TestCheckPlanMatchesFinalize: the version CheckPlan settles on is the one Build picks with real data.
func TestCheckPlanMatchesFinalize(t *testing.T) {
	for _, entries := range [][]*plan.Plan{
		{buildPlan(t, replicatedFleet(), plan.ScopeNonRootFleet, -1)},
		{buildPlan(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 3}}), plan.ScopeNonRootFleet, -1)},
	} {
		p := entries[0]
		placeholder, err := Build(p, placeholderJournal(p), placeholderCreatedAt, placeholderTool)
		if err != nil {
			t.Fatal(err)
		}
		if real := build(t, p); real.ManifestVersion != placeholder.ManifestVersion {
			t.Fatalf("check picked version %d, finalize %d", placeholder.ManifestVersion, real.ManifestVersion)
		}
	}
}
