package plan

import (
	"errors"
	"testing"
)

// P1
func TestFixtureIsValidAndExecutable(t *testing.T) {
	p := fixturePlan()
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if err := p.ValidateForExecution(); err != nil {
		t.Fatalf("ValidateForExecution: %v", err)
	}
}

type ruleCase struct {
	name     string
	mutate   func(p *Plan)
	validate error // from Validate, nil when it passes
	execute  error // from ValidateForExecution when Validate passes
	want     Error // fields compared when non-zero
}

func (c ruleCase) run(t *testing.T) {
	t.Helper()
	p := fixturePlan()
	c.mutate(p)
	err := p.Validate()
	if c.validate == nil {
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		err = p.ValidateForExecution()
		if !errors.Is(err, c.execute) {
			t.Fatalf("ValidateForExecution = %v, want %v", err, c.execute)
		}
	} else if !errors.Is(err, c.validate) {
		t.Fatalf("Validate = %v, want %v", err, c.validate)
	}
	checkFields(t, err, c.want)
}

func checkFields(t *testing.T, err error, want Error) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		if err != nil {
			t.Fatalf("error %v is not a *plan.Error", err)
		}
		return
	}
	if want.CanisterID != "" && pe.CanisterID != want.CanisterID {
		t.Errorf("canister = %q, want %q", pe.CanisterID, want.CanisterID)
	}
	if want.OperationID != "" && pe.OperationID != want.OperationID {
		t.Errorf("operation = %q, want %q", pe.OperationID, want.OperationID)
	}
	if want.Field != "" && pe.Field != want.Field {
		t.Errorf("field = %q, want %q", pe.Field, want.Field)
	}
	if want.Label != "" && pe.Label != want.Label {
		t.Errorf("label = %q, want %q", pe.Label, want.Label)
	}
	if want.Order != 0 && (pe.Order != want.Order || pe.Expected != want.Expected) {
		t.Errorf("order = %d/%d, want %d/%d", pe.Order, pe.Expected, want.Order, want.Expected)
	}
}

func TestAcceptanceRules(t *testing.T) {
	unknownCtl := ControlAuthority{Source: ControlSource{Kind: ControlUnknown}, Evidence: EvidenceUnknown}
	unknownRead := SnapshotReadAuthority{Source: ReadUnknown, Evidence: EvidenceUnknown}
	cases := []ruleCase{
		{name: "P2 root target without maintenance", mutate: func(p *Plan) {
			p.RootIncluded = true
			p.Targets = append(p.Targets, Target{CanisterID: ROOT, Depth: 0, ControlAuthority: rootControl,
				SnapshotReadAuthority: rootRead, IdentityMode: IdentityRelocatable})
		}, validate: ErrRootIncludedWithoutMaintenance},
		{name: "P3 declared authority", mutate: func(p *Plan) {
			p.Targets[0].ControlAuthority, p.Targets[0].SnapshotReadAuthority = declaredCtl, declaredRead
		}, execute: ErrUnprovenControlAuthority, want: Error{CanisterID: APP}},
		{name: "P4 unknown authority", mutate: func(p *Plan) {
			p.Targets[0].ControlAuthority, p.Targets[0].SnapshotReadAuthority = unknownCtl, unknownRead
		}, execute: ErrUnprovenControlAuthority, want: Error{CanisterID: APP}},
		{name: "P5 declared control only", mutate: func(p *Plan) {
			p.Targets[0].ControlAuthority = declaredCtl
		}, execute: ErrUnprovenControlAuthority, want: Error{CanisterID: APP}},
		{name: "P6 declared snapshot read only", mutate: func(p *Plan) {
			p.Targets[0].SnapshotReadAuthority = declaredRead
		}, execute: ErrUnprovenTargetSnapshotReadAuthority, want: Error{CanisterID: APP}},
		{name: "P7 stop before preflight", mutate: func(p *Plan) {
			stop := p.Phases[4]
			p.Phases = append([]Operation{stop}, append(p.Phases[:4:4], p.Phases[5:]...)...)
			renumber(p)
		}, validate: ErrMutationBeforePreflight, want: Error{OperationID: "stop-app"}},
		{name: "P8 non-root-fleet with selected root", mutate: func(p *Plan) {
			p.SelectedScopeKind = ScopeNonRootFleet
		}, validate: ErrNonRootFleetHasSelectedRoot},
		{name: "P9 order mismatch", mutate: func(p *Plan) { p.Phases[1].Order = 42 },
			validate: ErrOperationOrderMismatch, want: Error{OperationID: "validate-control", Order: 42, Expected: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func TestValidateRules(t *testing.T) {
	cases := append(validateRuleCases(), validatePhaseRuleCases()...)
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

// altAuthority is a proven alternate-controller authority.
func altAuthority(controller, reason string) ControlAuthority {
	return ControlAuthority{Source: ControlSource{Kind: ControlAlternateController, Controller: controller, Reason: reason},
		Evidence: EvidenceProven}
}

// validateRuleCases returns the header and target rows of TestValidateRules.
func validateRuleCases() []ruleCase {
	alt := altAuthority
	return []ruleCase{
		{name: "empty plan_id", mutate: func(p *Plan) { p.PlanID = " \t" }, validate: ErrEmptyField, want: Error{Field: "plan_id"}},
		{name: "empty run_id", mutate: func(p *Plan) { p.RunID = "" }, validate: ErrEmptyField, want: Error{Field: "run_id"}},
		{name: "empty fleet", mutate: func(p *Plan) { p.Fleet = "" }, validate: ErrEmptyField, want: Error{Field: "fleet"}},
		{name: "empty network", mutate: func(p *Plan) { p.Network = "" }, validate: ErrEmptyField, want: Error{Field: "network"}},
		{name: "bad root", mutate: func(p *Plan) { p.RootCanisterID = "aaaaa-a" }, validate: ErrInvalidPrincipal, want: Error{Field: "root_canister_id"}},
		{name: "bad selected", mutate: func(p *Plan) { p.SelectedSubtreeRoot = sp("AAAAA-AA") }, validate: ErrInvalidPrincipal, want: Error{Field: "selected_subtree_root"}},
		{name: "empty hash", mutate: func(p *Plan) { p.TopologyHashBeforeQuiesce = " " }, validate: ErrEmptyField, want: Error{Field: "topology_hash_before_quiesce"}},
		{name: "maintenance without root", mutate: func(p *Plan) { p.SelectedScopeKind = ScopeMaintenanceRoot }, validate: ErrMaintenanceRootExcludesRoot},
		{name: "maintenance without root target is fine", mutate: func(p *Plan) { p.SelectedScopeKind, p.RootIncluded = ScopeMaintenanceRoot, true }},
		{name: "no targets", mutate: func(p *Plan) { p.Targets = nil }, validate: ErrEmptyTargets},
		{name: "bad target id", mutate: func(p *Plan) { p.Targets[0].CanisterID = "x" }, validate: ErrInvalidPrincipal, want: Error{Field: "targets[].canister_id"}},
		{name: "bad parent", mutate: func(p *Plan) { p.Targets[0].ParentCanisterID = sp("") }, validate: ErrInvalidPrincipal, want: Error{Field: "targets[].parent_canister_id"}},
		{name: "empty role", mutate: func(p *Plan) { p.Targets[0].Role = sp(" ") }, validate: ErrEmptyField, want: Error{Field: "targets[].role"}},
		{name: "empty module hash", mutate: func(p *Plan) { p.Targets[0].ExpectedModuleHash = sp("") }, validate: ErrEmptyField, want: Error{Field: "targets[].expected_module_hash"}},
		{name: "alternate controller ok", mutate: func(p *Plan) {
			p.RequiresRootController = false
			p.Targets[0].ControlAuthority = alt(OTHER, "delegated")
		}},
		{name: "alternate controller bad principal", mutate: func(p *Plan) { p.Targets[0].ControlAuthority = alt("nope", "r") },
			validate: ErrInvalidPrincipal, want: Error{Field: "targets[].control_authority.source.controller"}},
		{name: "alternate controller empty reason", mutate: func(p *Plan) { p.Targets[0].ControlAuthority = alt(OTHER, " ") },
			validate: ErrEmptyField, want: Error{Field: "targets[].control_authority.source.reason"}},
		{name: "duplicate target", mutate: func(p *Plan) { p.Targets = append(p.Targets, p.Targets[0]) },
			validate: ErrDuplicateTarget, want: Error{CanisterID: APP}},
		{name: "zero identity mode", mutate: func(p *Plan) { p.Targets[0].IdentityMode = "" }, validate: ErrUnknownEnum},
		{name: "zero scope", mutate: func(p *Plan) { p.SelectedScopeKind = "" }, validate: ErrUnknownEnum},
	}
}

// validatePhaseRuleCases returns the phase and authority rows of TestValidateRules.
func validatePhaseRuleCases() []ruleCase {
	return []ruleCase{
		{name: "no phases", mutate: func(p *Plan) { p.Phases = []Operation{} }, validate: ErrEmptyPhases},
		{name: "empty op id", mutate: func(p *Plan) { p.Phases[2].OperationID = "" }, validate: ErrEmptyField, want: Error{Field: "phases[].operation_id"}},
		{name: "duplicate op id", mutate: func(p *Plan) { p.Phases[5].OperationID = "stop-app" },
			validate: ErrDuplicateOperationID, want: Error{OperationID: "stop-app"}},
		{name: "op target not principal", mutate: func(p *Plan) { p.Phases[4].TargetCanisterID = sp("bad") },
			validate: ErrInvalidPrincipal, want: Error{Field: "phases[].target_canister_id"}},
		{name: "op target unknown", mutate: func(p *Plan) { p.Phases[4].TargetCanisterID = sp(WORKER) },
			validate: ErrUnknownOperationTarget, want: Error{OperationID: "stop-app", CanisterID: WORKER}},
		{name: "subtree without selected root", mutate: func(p *Plan) { p.SelectedSubtreeRoot = nil },
			validate: ErrEmptyField, want: Error{Field: "selected_subtree_root"}},
		{name: "selected root not a target", mutate: func(p *Plan) { p.SelectedSubtreeRoot = sp(WORKER) },
			validate: ErrSelectedRootNotInTargets, want: Error{CanisterID: WORKER}},
		{name: "missing quiescence validation", mutate: func(p *Plan) { p.Phases[3].Kind = KindVerifyArtifact },
			validate: ErrMissingPreflight, want: Error{Label: "quiescence_policy"}},
		{name: "verify before preflight is allowed", mutate: func(p *Plan) {
			verify := p.Phases[8]
			p.Phases = append([]Operation{verify}, append(p.Phases[:8:8], p.Phases[9:]...)...)
			renumber(p)
		}},
		{name: "operator controller on root-controller plan", mutate: func(p *Plan) {
			p.Targets[0].ControlAuthority.Source.Kind = ControlOperatorController
		}, execute: ErrMissingRootController, want: Error{CanisterID: APP}},
		{name: "root target needs no root controller", mutate: func(p *Plan) {
			p.SelectedScopeKind, p.RootIncluded, p.SelectedSubtreeRoot = ScopeMaintenanceRoot, true, sp(ROOT)
			p.Targets[0].CanisterID, p.Targets[0].ParentCanisterID = ROOT, nil
			p.Targets[0].ControlAuthority.Source.Kind = ControlOperatorController
			for i := range p.Phases {
				if p.Phases[i].TargetCanisterID != nil {
					p.Phases[i].TargetCanisterID = sp(ROOT)
				}
			}
		}},
	}
}

func TestAuthorityPredicates(t *testing.T) {
	op := ControlAuthority{Source: ControlSource{Kind: ControlOperatorController}, Evidence: EvidenceProven}
	if !op.Proven() || op.ProvenRootController() {
		t.Error("operator-controller/proven: proven, not root controller")
	}
	if !rootControl.Proven() || !rootControl.ProvenRootController() {
		t.Error("root-controller/proven: proven root controller")
	}
	if declaredCtl.Proven() || declaredCtl.ProvenRootController() {
		t.Error("declared is not proven")
	}
	unknownProven := ControlAuthority{Source: ControlSource{Kind: ControlUnknown}, Evidence: EvidenceProven}
	if unknownProven.Proven() {
		t.Error("unknown source is never proven")
	}
	if !rootRead.Proven() || declaredRead.Proven() || (SnapshotReadAuthority{ReadUnknown, EvidenceProven}).Proven() {
		t.Error("snapshot read predicate")
	}
}
