// Package plantest builds plans for the tests of the packages that run them (the hand-off, the
// workers).
package plantest

import (
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// SubtreePlan plans a backup of entries[1] and its descendants (the fleet's first member under
// the root) as run runID, with operator-controller authorities already proven: the plan tests
// of the hand-off and the workers share.
func SubtreePlan(entries []registry.Entry, runID string) (*plan.Plan, error) {
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		return nil, err
	}
	return plan.Build(plan.BuildInput{
		PlanID: "plan-" + runID, RunID: runID, Fleet: "f", Network: "local", RootCanisterID: entries[0].Pid,
		SelectedCanisterID: &entries[1].Pid, Scope: plan.ScopeSubtree, IncludeDescendants: true,
		TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
}
