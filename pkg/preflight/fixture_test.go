package preflight

import (
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// DOMAIN §11 fixture ids.
const (
	ROOT   = "aaaaa-aa"
	APP    = "renrk-eyaaa-aaaaa-aaada-cai"
	WORKER = "rno2w-sqaaa-aaaaa-aaacq-cai"

	fixPreflightID = "preflight-001"
	fixValidated   = "unix:100"
	fixExpires     = "unix:200"
	fixAsOf        = "unix:150"
)

var HASH = strings.Repeat("0123456789abcdef", 4)

func sp(s string) *string { return &s }

var (
	rootControl  = plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceProven}
	rootRead     = plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceProven}
	declaredCtl  = plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceDeclared}
	declaredRead = plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceDeclared}
	operatorCtl  = plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven}
)

// fixturePlan is the §11 "Plan" fixture: a hand-built subtree plan of APP only,
// root-controller/proven, root-configured-read/proven, root-coordinated.
func fixturePlan() *plan.Plan {
	op := func(id string, kind plan.OperationKind, target *string) plan.Operation {
		return plan.Operation{OperationID: id, Kind: kind, TargetCanisterID: target}
	}
	p := &plan.Plan{
		PlanID: "plan-001", RunID: "run-001", Fleet: "demo", Network: "local",
		RootCanisterID: ROOT, SelectedSubtreeRoot: sp(APP), SelectedScopeKind: plan.ScopeSubtree,
		IncludeDescendants: true, RequiresRootController: true,
		SnapshotReadAuthority: rootRead, QuiescencePolicy: plan.QuiescenceRootCoordinated,
		TopologyHashBeforeQuiesce: HASH,
		Targets: []plan.Target{{
			CanisterID: APP, Role: sp("app"), ParentCanisterID: sp(ROOT), Depth: 1,
			ControlAuthority: rootControl, SnapshotReadAuthority: rootRead, IdentityMode: plan.IdentityRelocatable,
		}},
		Phases: []plan.Operation{
			op("validate-topology", plan.KindValidateTopology, nil),
			op("validate-control", plan.KindValidateControl, nil),
			op("validate-read", plan.KindValidateSnapshotRead, nil),
			op("validate-quiescence", plan.KindValidateQuiescence, nil),
			op("stop-app", plan.KindStop, sp(APP)),
			op("snapshot-app", plan.KindCreateSnapshot, sp(APP)),
			op("start-app", plan.KindStart, sp(APP)),
			op("download-app", plan.KindDownloadSnapshot, sp(APP)),
			op("verify-app", plan.KindVerifyArtifact, sp(APP)),
			op("finalize", plan.KindFinalizeManifest, nil),
		},
	}
	for i := range p.Phases {
		p.Phases[i].Order = uint32(i)
	}
	return p
}

// declaredPlan is the fixture with declared authorities: valid, not executable.
func declaredPlan() *plan.Plan {
	p := fixturePlan()
	p.Targets[0].ControlAuthority, p.Targets[0].SnapshotReadAuthority = declaredCtl, declaredRead
	return p
}

func registry3() []registry.Entry {
	return []registry.Entry{
		{Pid: ROOT, Role: sp("root")},
		{Pid: APP, Role: sp("app"), ParentPid: sp(ROOT)},
		{Pid: WORKER, Role: sp("worker"), ParentPid: sp(APP)},
	}
}

// builtPlan is a subtree(APP) plan built from registry3 with the given control authority.
func builtPlan(t testing.TB, control plan.ControlAuthority) *plan.Plan {
	t.Helper()
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-001", RunID: "run-001", Fleet: "demo", Network: "local", RootCanisterID: ROOT,
		SelectedCanisterID: sp(APP), Scope: plan.ScopeSubtree, IncludeDescendants: true, TopologyHash: HASH,
		Registry: registry3(), Control: control, SnapshotRead: declaredRead,
		Quiescence: plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func controlReceipt(target string, a plan.ControlAuthority) ControlAuthorityReceipt {
	return ControlAuthorityReceipt{PlanID: "plan-001", PreflightID: fixPreflightID, TargetCanisterID: target,
		Authority: a, ProofSource: plan.ProofRootCoordination, ValidatedAt: fixValidated, ExpiresAt: fixExpires}
}

func readReceipt(target string, a plan.SnapshotReadAuthority) SnapshotReadAuthorityReceipt {
	return SnapshotReadAuthorityReceipt{PlanID: "plan-001", PreflightID: fixPreflightID, TargetCanisterID: target,
		Authority: a, ProofSource: plan.ProofSnapshotReadCheck, ValidatedAt: fixValidated, ExpiresAt: fixExpires}
}

// fullBundle proves the fixture: root-controller control and root-configured-read snapshot read.
func fullBundle(p *plan.Plan) Bundle {
	return Bundle{
		PlanID: p.PlanID, PreflightID: fixPreflightID, ValidatedAt: fixValidated, ExpiresAt: fixExpires,
		Topology: TopologyReceipt{PlanID: p.PlanID, PreflightID: fixPreflightID,
			TopologyHashBeforeQuiesce: HASH, TopologyHashAtPreflight: HASH, Targets: p.TopologyTargets(),
			ValidatedAt: fixValidated, ExpiresAt: fixExpires, Message: sp("ok")},
		ControlAuthority:      []ControlAuthorityReceipt{controlReceipt(APP, rootControl)},
		SnapshotReadAuthority: []SnapshotReadAuthorityReceipt{readReceipt(APP, rootRead)},
		Quiescence: QuiescenceReceipt{PlanID: p.PlanID, PreflightID: fixPreflightID,
			QuiescencePolicy: p.QuiescencePolicy, Accepted: true, Targets: p.QuiescenceTargets(),
			ValidatedAt: fixValidated, ExpiresAt: fixExpires},
	}
}
