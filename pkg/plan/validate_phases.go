package plan

import (
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// preflightLabels names the four validate kinds as MissingPreflight reports them, in check order.
var preflightLabels = []struct {
	kind  OperationKind
	label string
}{
	{KindValidateTopology, "topology"},
	{KindValidateControl, "control_authority"},
	{KindValidateSnapshotRead, "snapshot_read_authority"},
	{KindValidateQuiescence, "quiescence_policy"},
}

// checkPhases is step 6: ids, orders, uniqueness and operation targets.
func (p *Plan) checkPhases(targets map[string]struct{}) error {
	if len(p.Phases) == 0 {
		return fieldErr(ErrEmptyPhases, "phases")
	}
	seen := make(map[string]struct{}, len(p.Phases))
	for i := range p.Phases {
		op := &p.Phases[i]
		if !NonEmpty(op.OperationID) {
			return &Error{Err: ErrEmptyField, Field: "phases[].operation_id", Index: i}
		}
		if !op.Kind.known() {
			return enumErr("phases[].kind", i, string(op.Kind))
		}
		if uint64(op.Order) != uint64(i) {
			return &Error{Err: ErrOperationOrderMismatch, Field: "phases[].order", Index: i,
				OperationID: op.OperationID, Order: op.Order, Expected: uint32(i)}
		}
		if _, dup := seen[op.OperationID]; dup {
			return &Error{Err: ErrDuplicateOperationID, Field: "phases[].operation_id", Index: i, OperationID: op.OperationID}
		}
		seen[op.OperationID] = struct{}{}
		if err := checkOperationTarget(i, op, targets); err != nil {
			return err
		}
	}
	return nil
}

// checkOperationTarget: every plan target is already a valid principal, so membership is
// checked first and the principal check only decides which error a non-member gets.
func checkOperationTarget(i int, op *Operation, targets map[string]struct{}) error {
	if op.TargetCanisterID == nil {
		return nil
	}
	id := *op.TargetCanisterID
	if _, ok := targets[id]; ok {
		return nil
	}
	if !principal.Valid(id) {
		return principalErr("phases[].target_canister_id", i, id)
	}
	return &Error{Err: ErrUnknownOperationTarget, Field: "phases[].target_canister_id", Index: i,
		OperationID: op.OperationID, CanisterID: id}
}

// checkSelection is step 7: the selected root agrees with the scope and is a target.
func (p *Plan) checkSelection(targets map[string]struct{}) error {
	if p.SelectedScopeKind == ScopeNonRootFleet {
		if p.SelectedSubtreeRoot != nil {
			return fieldErr(ErrNonRootFleetHasSelectedRoot, "selected_subtree_root")
		}
		return nil
	}
	if p.SelectedSubtreeRoot == nil {
		return fieldErr(ErrEmptyField, "selected_subtree_root")
	}
	if _, ok := targets[*p.SelectedSubtreeRoot]; !ok {
		return &Error{Err: ErrSelectedRootNotInTargets, Field: "selected_subtree_root", Index: -1,
			CanisterID: *p.SelectedSubtreeRoot}
	}
	return nil
}

// checkPhaseOrder is step 8: every validate kind occurs, and no stop, snapshot, start or
// download comes before the last of their first occurrences.
func (p *Plan) checkPhaseOrder() error {
	first := make(map[OperationKind]int, len(preflightLabels))
	for i := range p.Phases {
		k := p.Phases[i].Kind
		if _, ok := first[k]; !ok && k.IsPreflight() {
			first[k] = i
		}
	}
	cutoff := 0
	for _, pl := range preflightLabels {
		pos, ok := first[pl.kind]
		if !ok {
			return &Error{Err: ErrMissingPreflight, Field: "phases", Index: -1, Label: pl.label}
		}
		cutoff = max(cutoff, pos)
	}
	for i := range cutoff {
		op := &p.Phases[i]
		switch op.Kind {
		case KindStop, KindCreateSnapshot, KindStart, KindDownloadSnapshot, KindUploadSnapshot, KindLoadSnapshot:
			return &Error{Err: ErrMutationBeforePreflight, Field: "phases", Index: i, OperationID: op.OperationID}
		}
	}
	return nil
}

func (k OperationKind) known() bool {
	switch k {
	case KindValidateTopology, KindValidateControl, KindValidateSnapshotRead, KindValidateQuiescence,
		KindStop, KindCreateSnapshot, KindStart, KindDownloadSnapshot, KindVerifyArtifact, KindFinalizeManifest,
		KindUploadSnapshot, KindLoadSnapshot, KindCheckMember, KindFinalizeRestore:
		return true
	}
	return false
}
