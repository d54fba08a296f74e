package journal

import (
	"errors"
	"fmt"
)

// Sentinels for the execution journal errors of DOMAIN §4, named after the reference variants.
// Every rule violation this package reports is an *Error whose Unwrap gives one of them.
var (
	ErrInvalidPlan                     = errors.New("invalid backup plan for execution journal")
	ErrUnsupportedVersion              = errors.New("unsupported execution journal version")
	ErrMissingField                    = errors.New("required execution journal field is empty")
	ErrDuplicateSequence               = errors.New("duplicate operation sequence")
	ErrMissingSequence                 = errors.New("missing operation sequence")
	ErrAcceptedPreflightMissingID      = errors.New("accepted preflight is missing preflight_id")
	ErrPreflightAlreadyAccepted        = errors.New("a different preflight is already accepted")
	ErrPreflightPlanMismatch           = errors.New("preflight receipts are for another plan")
	ErrMutationReadyBeforePreflight    = errors.New("mutating operation unblocked before preflight acceptance")
	ErrMutationBeforePreflightAccepted = errors.New("mutating operation cannot run before preflight acceptance")
	ErrOperationMissingReason          = errors.New("operation is missing a blocking or failure reason")
	ErrUnblockedOperationHasReasons    = errors.New("operation cannot have blocking reasons in its state")
	ErrOperationNotFound               = errors.New("operation not found")
	ErrInvalidOperationTransition      = errors.New("invalid operation transition")
	ErrOutOfOrderOperationTransition   = errors.New("operation cannot advance before the next operation")
	ErrNoTransitionableOperation       = errors.New("no operation can be advanced")
	ErrOperationNotFailed              = errors.New("operation is not failed")
	ErrReceiptOperationNotFound        = errors.New("receipt references a missing operation")
	ErrReceiptOperationMismatch        = errors.New("receipt does not match its operation")
	ErrReceiptJournalMismatch          = errors.New("receipt does not match the journal")
	ErrReceiptPreflightMismatch        = errors.New("receipt does not match the accepted preflight")
	ErrReceiptWithoutPendingOperation  = errors.New("receipt for an operation that is not pending")

	// ErrUnknownState is matched by a state or outcome outside the domain's spelling found in
	// memory (decoding already rejects them with plan.ErrUnknownEnum, which it also matches).
	ErrUnknownState = errors.New("unknown operation state or receipt outcome")
	// ErrDecode is matched by every failure to decode journal JSON: malformed or oversized input,
	// a missing or null required field, a negative sequence, an unknown enum value.
	ErrDecode = errors.New("invalid execution journal JSON")
)

// Error is an execution journal rule violation: Err is the sentinel, the other fields say where.
// Fields that do not apply to the variant keep their zero value.
type Error struct {
	Err      error
	Field    string // MissingField: the field, e.g. "operation_receipts[].snapshot_id"
	Sequence int    // the operation's sequence (OutOfOrder: the requested one; sequence variants: the number)
	Next     int    // OutOfOrderOperationTransition: the sequence that must advance first
	Expected string // PreflightPlanMismatch: the journal's plan id; PreflightAlreadyAccepted: the existing id
	Actual   string // PreflightPlanMismatch: the bundle's plan id; PreflightAlreadyAccepted: the attempted id
	From, To State  // InvalidOperationTransition
	Version  uint16 // UnsupportedVersion
	Cause    error  // InvalidPlan: the plan's own error
	msg      string
}

func (e *Error) Error() string {
	if e.msg == "" {
		return "execution journal: " + e.Err.Error()
	}
	return "execution journal: " + e.msg
}

// Unwrap returns the sentinel, and the cause when there is one (InvalidPlan), so that
// errors.Is matches both ErrInvalidPlan and the plan's sentinel.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

func fieldErr(field string) *Error {
	return &Error{Err: ErrMissingField, Field: field, msg: fmt.Sprintf("field %s is required", field)}
}

func seqErr(sentinel error, seq int, format string) *Error {
	return &Error{Err: sentinel, Sequence: seq, msg: fmt.Sprintf(format, seq)}
}

func transitionErr(seq int, from, to State) *Error {
	return &Error{Err: ErrInvalidOperationTransition, Sequence: seq, From: from, To: to,
		msg: fmt.Sprintf("operation %d cannot transition from %s to %s", seq, from, to)}
}

func outOfOrderErr(requested, next int) *Error {
	return &Error{Err: ErrOutOfOrderOperationTransition, Sequence: requested, Next: next,
		msg: fmt.Sprintf("operation %d cannot advance before operation %d", requested, next)}
}

func planMismatchErr(expected, actual string) *Error {
	return &Error{Err: ErrPreflightPlanMismatch, Expected: expected, Actual: actual,
		msg: fmt.Sprintf("preflight receipt plan id %s does not match execution journal plan %s", actual, expected)}
}

func alreadyAcceptedErr(existing, attempted string) *Error {
	return &Error{Err: ErrPreflightAlreadyAccepted, Expected: existing, Actual: attempted,
		msg: fmt.Sprintf("preflight already accepted as %s, cannot accept %s", existing, attempted)}
}

func unknownStateErr(field string, value string) *Error {
	return &Error{Err: ErrUnknownState, Field: field, msg: fmt.Sprintf("field %s has unknown value %q", field, value)}
}

func invalidPlanErr(cause error) *Error {
	return &Error{Err: ErrInvalidPlan, Cause: cause,
		msg: fmt.Sprintf("invalid backup plan for execution journal: %v", cause)}
}

var errNilPlan = errors.New("no plan")
