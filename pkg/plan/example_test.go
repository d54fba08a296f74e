package plan_test

import (
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// Build a dry-run plan for the subtree of the app canister.
func ExampleBuild() {
	role := func(s string) *string { return &s }
	root, app, worker := "aaaaa-aa", "renrk-eyaaa-aaaaa-aaada-cai", "rno2w-sqaaa-aaaaa-aaacq-cai"
	entries := []registry.Entry{
		{Pid: root, Role: role("root")},
		{Pid: app, Role: role("app"), ParentPid: &root},
		{Pid: worker, Role: role("worker"), ParentPid: &app},
	}
	hash, _ := registry.TopologyHash(entries)
	planID := plan.DefaultPlanID("demo", time.Date(2026, 5, 7, 13, 0, 0, 0, time.UTC))
	p, err := plan.Build(plan.BuildInput{
		PlanID: planID, RunID: plan.RunIDFromPlanID(planID), Fleet: "demo", Network: "local",
		RootCanisterID: root, SelectedCanisterID: &app, Scope: plan.ScopeSubtree, IncludeDescendants: true,
		TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceDeclared},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceDeclared},
		Quiescence:   plan.QuiescenceRootCoordinated, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.RunID, len(p.Targets), len(p.Phases))
	fmt.Println(p.Phases[4].OperationID)
	fmt.Println(p.ValidateForExecution() != nil)
	// Output:
	// run-demo-20260507-130000 2 15
	// stop-renrk-eyaaa-aaaaa-aaada-cai
	// true
}
