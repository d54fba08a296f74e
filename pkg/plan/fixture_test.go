package plan

import (
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// DOMAIN §11 fixture ids.
const (
	ROOT   = "aaaaa-aa"
	APP    = "renrk-eyaaa-aaaaa-aaada-cai"
	WORKER = "rno2w-sqaaa-aaaaa-aaacq-cai"
	OTHER  = "rdmx6-jaaaa-aaaaa-aaadq-cai"
)

var HASH = strings.Repeat("0123456789abcdef", 4)

func sp(s string) *string { return &s }

var (
	rootControl  = ControlAuthority{Source: ControlSource{Kind: ControlRootController}, Evidence: EvidenceProven}
	rootRead     = SnapshotReadAuthority{Source: ReadRootConfiguredRead, Evidence: EvidenceProven}
	declaredCtl  = ControlAuthority{Source: ControlSource{Kind: ControlRootController}, Evidence: EvidenceDeclared}
	declaredRead = SnapshotReadAuthority{Source: ReadRootConfiguredRead, Evidence: EvidenceDeclared}
)

// fixturePlan is the §11 "Plan" fixture: a hand-built subtree plan of APP only.
func fixturePlan() *Plan {
	op := func(id string, kind OperationKind, target *string) Operation {
		return Operation{OperationID: id, Kind: kind, TargetCanisterID: target}
	}
	p := &Plan{
		PlanID:                    "plan-001",
		RunID:                     "run-001",
		Fleet:                     "demo",
		Network:                   "local",
		RootCanisterID:            ROOT,
		SelectedSubtreeRoot:       sp(APP),
		SelectedScopeKind:         ScopeSubtree,
		IncludeDescendants:        true,
		RequiresRootController:    true,
		SnapshotReadAuthority:     rootRead,
		QuiescencePolicy:          QuiescenceRootCoordinated,
		TopologyHashBeforeQuiesce: HASH,
		Targets: []Target{{
			CanisterID:            APP,
			Role:                  sp("app"),
			ParentCanisterID:      sp(ROOT),
			Depth:                 1,
			ControlAuthority:      rootControl,
			SnapshotReadAuthority: rootRead,
			IdentityMode:          IdentityRelocatable,
		}},
		Phases: []Operation{
			op("validate-topology", KindValidateTopology, nil),
			op("validate-control", KindValidateControl, nil),
			op("validate-read", KindValidateSnapshotRead, nil),
			op("validate-quiescence", KindValidateQuiescence, nil),
			op("stop-app", KindStop, sp(APP)),
			op("snapshot-app", KindCreateSnapshot, sp(APP)),
			op("start-app", KindStart, sp(APP)),
			op("download-app", KindDownloadSnapshot, sp(APP)),
			op("verify-app", KindVerifyArtifact, sp(APP)),
			op("finalize", KindFinalizeManifest, nil),
		},
	}
	renumber(p)
	return p
}

func renumber(p *Plan) {
	for i := range p.Phases {
		p.Phases[i].Order = uint32(i)
	}
}

// registry3 is the §11 3-entry registry: ROOT, APP (child of ROOT), WORKER (child of APP).
func registry3() []registry.Entry {
	return []registry.Entry{
		{Pid: ROOT, Role: sp("root")},
		{Pid: APP, Role: sp("app"), ParentPid: sp(ROOT)},
		{Pid: WORKER, Role: sp("worker"), ParentPid: sp(APP)},
	}
}

// buildInput is a subtree build of selected from registry3 with dry-run authorities.
func buildInput(scope ScopeKind, selected *string) BuildInput {
	return BuildInput{
		PlanID: "plan-001", RunID: "run-001", Fleet: "demo", Network: "local",
		RootCanisterID: ROOT, SelectedCanisterID: selected, Scope: scope, IncludeDescendants: true,
		TopologyHash: HASH, Registry: registry3(),
		Control: declaredCtl, SnapshotRead: declaredRead,
		Quiescence: QuiescenceRootCoordinated, IdentityMode: IdentityRelocatable,
	}
}
