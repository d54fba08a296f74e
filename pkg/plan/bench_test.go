package plan

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
)

// BenchmarkBuildValidate10k builds (selection, depths, phases, Validate) and then validates for
// execution a maintenance-root plan of a 10,000-canister registry: 10,000 targets, 50,005 phases.
func BenchmarkBuildValidate10k(b *testing.B) {
	entries := fleetgen.Sized(10_000, nil)
	root := entries[0].Pid
	in := BuildInput{
		PlanID: "plan-bench", RunID: "run-bench", Fleet: "bench", Network: "local",
		RootCanisterID: root, SelectedCanisterID: &root, Scope: ScopeMaintenanceRoot, IncludeDescendants: true,
		TopologyHash: HASH, Registry: entries,
		Control:      ControlAuthority{Source: ControlSource{Kind: ControlOperatorController}, Evidence: EvidenceProven},
		SnapshotRead: SnapshotReadAuthority{Source: ReadOperatorController, Evidence: EvidenceProven},
		Quiescence:   QuiescenceCrashConsistent, IdentityMode: IdentityRelocatable,
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Targets) != 10_000 {
			b.Fatalf("%d targets", len(p.Targets))
		}
		if err := p.ValidateForExecution(); err != nil {
			b.Fatal(err)
		}
	}
}
