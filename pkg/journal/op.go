package journal

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// ReasonPreflightNotAccepted blocks every non-preflight operation until preflight is accepted.
const ReasonPreflightNotAccepted = "preflight-not-accepted"

// The functions below are the state machine of DOMAIN §4.5 applied to ONE operation. Each needs
// only the operation and O(1) context (the header or a flag), so a pipeline worker can decide a
// transition from the operation's own record. Each is atomic: on error *op is left unchanged.
// The whole-document methods of Journal are built on them, so the rules live here only.

// NewOperation is the journal operation created from plan phase ph (DOMAIN §4.3): sequence =
// order; preflight kinds ready, every other kind blocked by ReasonPreflightNotAccepted.
func NewOperation(ph plan.Operation) Operation {
	op := Operation{
		Sequence:         int(ph.Order),
		OperationID:      ph.OperationID,
		Kind:             ph.Kind,
		TargetCanisterID: clonePtr(ph.TargetCanisterID),
		State:            StateReady,
		BlockingReasons:  []string{},
	}
	if !ph.Kind.IsPreflight() {
		op.State = StateBlocked
		op.BlockingReasons = []string{ReasonPreflightNotAccepted}
	}
	return op
}

// AcceptOp applies preflight acceptance to one operation (DOMAIN §3.4): a validate-* operation
// becomes completed at updatedAt whatever its state; a blocked operation becomes ready with its
// reasons cleared and its timestamp kept; any other operation is unchanged.
func AcceptOp(op *Operation, updatedAt *string) error {
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	switch {
	case op.Kind.IsPreflight():
		op.State, op.StateUpdatedAt, op.BlockingReasons = StateCompleted, clonePtr(updatedAt), []string{}
	case op.State == StateBlocked:
		op.State, op.BlockingReasons = StateReady, []string{}
	}
	return nil
}

// ClaimOp moves op from ready or failed to pending at updatedAt, clearing its reasons: the checks
// of MarkPending (DOMAIN §4.5) except the strict-order one, which the caller enforces (the
// whole-document MarkPending by NextReady, the pipeline by dispatching only ready operations).
func ClaimOp(op *Operation, preflightAccepted bool, updatedAt *string) error {
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	if !op.Kind.IsPreflight() && !preflightAccepted {
		return seqErr(ErrMutationBeforePreflightAccepted, op.Sequence,
			"mutating operation %d cannot run before preflight acceptance")
	}
	if op.State != StateReady && op.State != StateFailed {
		return transitionErr(op.Sequence, op.State, StatePending)
	}
	op.State, op.StateUpdatedAt, op.BlockingReasons = StatePending, clonePtr(updatedAt), []string{}
	return nil
}

// RecordOp applies receipt r to op (DOMAIN §4.7 RecordReceipt): r must validate against h and op
// (ValidateReceipt), op must be pending, and the new state (r's outcome, r's timestamp, reasons
// [failure_reason] if any) must be a valid operation. A nil op means no operation has r's
// sequence. The caller appends r to the run's receipts.
func RecordOp(op *Operation, r Receipt, h Header) error {
	if err := ValidateReceipt(r, h, op); err != nil {
		return err
	}
	if op.State != StatePending {
		return seqErr(ErrReceiptWithoutPendingOperation, r.Sequence, "operation receipt %d has no pending operation")
	}
	next := *op
	next.State, next.StateUpdatedAt, next.BlockingReasons = r.Outcome.State(), clonePtr(r.UpdatedAt), []string{}
	if r.FailureReason != nil {
		next.BlockingReasons = []string{*r.FailureReason}
	}
	if err := ValidateOp(next, h.PreflightAccepted); err != nil {
		return err
	}
	*op = next
	return nil
}

// RetryOp moves a failed op back to ready at updatedAt, clearing its reasons (DOMAIN §4.5
// RetryFailed); any other state is OperationNotFailed.
func RetryOp(op *Operation, updatedAt *string) error {
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	if op.State != StateFailed {
		return seqErr(ErrOperationNotFailed, op.Sequence, "operation %d is not failed")
	}
	op.State, op.StateUpdatedAt, op.BlockingReasons = StateReady, clonePtr(updatedAt), []string{}
	return nil
}

// ValidateOp checks one operation (DOMAIN §4.4 steps 4 and 5): non-empty operation id, timestamp
// and target when present; blocked and failed carry reasons, the other states none; before
// preflight acceptance every non-preflight operation is blocked.
func ValidateOp(op Operation, preflightAccepted bool) error {
	if err := nonEmpty("operations[].operation_id", op.OperationID); err != nil {
		return err
	}
	if err := optNonEmpty("operations[].state_updated_at", op.StateUpdatedAt); err != nil {
		return err
	}
	if err := optNonEmpty("operations[].target_canister_id", op.TargetCanisterID); err != nil {
		return err
	}
	if !op.State.Valid() {
		return unknownStateErr("operations[].state", string(op.State))
	}
	if op.State.needsReason() && len(op.BlockingReasons) == 0 {
		return seqErr(ErrOperationMissingReason, op.Sequence, "operation %d is missing a blocking or failure reason")
	}
	if !op.State.needsReason() && len(op.BlockingReasons) > 0 {
		return seqErr(ErrUnblockedOperationHasReasons, op.Sequence,
			"operation %d cannot have blocking reasons in its current state")
	}
	if !preflightAccepted && !op.Kind.IsPreflight() && op.State != StateBlocked {
		return seqErr(ErrMutationReadyBeforePreflight, op.Sequence,
			"mutating operation %d is ready before preflight acceptance")
	}
	return nil
}

// RearmOp puts a stop, create-snapshot, start, download or verify operation back to ready,
// whatever its state after preflight acceptance, so that a retry can quiesce the whole
// selection again after containment restarted it. This is fleetbackup's one transition out of
// completed (the reference 0.34.4 has none; later versions re-arm the snapshot phase the same
// way). The operation's receipts stay in the journal: they are its history.
func RearmOp(op *Operation, updatedAt *string) error {
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	if op.Kind.IsPreflight() || op.Kind.IsFinal() || op.State == StateBlocked {
		return transitionErr(op.Sequence, op.State, StateReady)
	}
	op.State, op.StateUpdatedAt, op.BlockingReasons = StateReady, clonePtr(updatedAt), []string{}
	return nil
}
