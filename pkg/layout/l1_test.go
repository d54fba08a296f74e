package layout

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// L1 (DOMAIN §11, CLI dry run): a dry-run plan (declared authorities) and its fresh journal,
// written to a backup directory, pass execution integrity; the journal's summary says preflight
// is not accepted and operations are blocked; one target gives ten operations.
func TestL1DryRunPersistence(t *testing.T) {
	app := "app"
	entries := []registry.Entry{{Pid: rootID}, {Pid: childID, Role: &app, ParentPid: strp(rootID)}}
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-demo-20260101-000000", RunID: "run-demo-20260101-000000", Fleet: "demo", Network: "local",
		RootCanisterID: rootID, SelectedCanisterID: strp(childID), Scope: plan.ScopeSubtree, IncludeDescendants: true,
		TopologyHash: hashHex, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceDeclared},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceDeclared},
		Quiescence:   plan.QuiescenceRootCoordinated, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WritePlan(dir, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteJournal(dir, fixtureJournal(t, p)); err != nil {
		t.Fatal(err)
	}
	report, err := ExecutionIntegrity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !report.Verified || report.PlanOperations != 10 || report.JournalOperations != 10 {
		t.Fatalf("integrity report = %+v, want verified with 10 operations", report)
	}
	j, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := j.Summary()
	if s.PreflightAccepted || s.BlockedOperations == 0 || s.TotalOperations != 10 {
		t.Fatalf("summary = %+v, want preflight not accepted and blocked operations", s)
	}
}
