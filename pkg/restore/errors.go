package restore

import (
	"errors"
	"fmt"
	"strings"
)

// Plan sentinels (RESTORE §2.7). Every plan failure is an *Error whose Err is one of these.
var (
	ErrInvalidManifest        = errors.New("invalid manifest")
	ErrInvalidPrincipal       = errors.New("invalid principal")
	ErrDuplicateMappingSource = errors.New("mapping names a source canister twice")
	ErrDuplicateMappingTarget = errors.New("mapping names a target canister twice")
	ErrUnknownMappingSource   = errors.New("mapping source is not a manifest member")
	ErrMissingMappingSource   = errors.New("manifest member missing from mapping")
	ErrFixedIdentityRemap     = errors.New("fixed-identity member mapped onto another canister")
	ErrDuplicatePlanTarget    = errors.New("two members restore onto one target")
	ErrDuplicatePlanSource    = errors.New("plan names a source canister twice")
	ErrRestoreOrderCycle      = errors.New("members cannot be ordered parent before child")
	ErrUnsupportedVersion     = errors.New("unsupported document version")
	ErrEmptyField             = errors.New("empty field")
	ErrInvalidHash            = errors.New("invalid sha256 hex")
	ErrMemberCountMismatch    = errors.New("member count mismatch")
	ErrProjectionMismatch     = errors.New("stored value differs from its recomputation")
)

// Decoding sentinel: a document is not JSON of its 0.108 shape (missing field, unknown field,
// null where a value is required, wrong type).
var ErrDecode = errors.New("malformed restore document")

// Admission sentinels (RESTORE §1.3, §3.5).
var (
	ErrNotReady                  = errors.New("backup is not restore-ready")
	ErrArtifactRootUnsafe        = errors.New("backup root is not a plain directory")
	ErrArtifactPathEscapesBackup = errors.New("artifact path escapes the backup directory")
	ErrArtifactMissing           = errors.New("artifact does not exist")
	ErrArtifactUnsafeType        = errors.New("artifact path holds a symlink or special file")
	ErrArtifactChecksum          = errors.New("artifact checksum")
)

// Journal sentinels (RESTORE §4.3, §4.4, §4.6).
var (
	ErrMissingField                      = errors.New("missing field")
	ErrUnknownValue                      = errors.New("unknown enum value")
	ErrCountMismatch                     = errors.New("counter differs from recount")
	ErrReadyJournalHasBlockingState      = errors.New("ready journal has blocking state")
	ErrDuplicateSequence                 = errors.New("duplicate operation sequence")
	ErrMissingSequence                   = errors.New("missing operation sequence")
	ErrOperationMissingField             = errors.New("operation misses a field its kind needs")
	ErrUnsupportedVerificationKind       = errors.New("unsupported verification kind")
	ErrUnexpectedSnapshotInventory       = errors.New("snapshot inventory on a non-upload operation")
	ErrDuplicateSnapshotIdentity         = errors.New("duplicate or blank snapshot id in inventory")
	ErrUnexpectedExpectedModuleHash      = errors.New("expected module hash on a non-check operation")
	ErrBlockedOperationMissingReason     = errors.New("blocked operation without reason")
	ErrFailureReasonRequired             = errors.New("failed operation without reason")
	ErrUnblockedOperationHasReasons      = errors.New("unblocked operation has reasons")
	ErrInvalidOperationReceiptAttempt    = errors.New("receipt attempt below 1")
	ErrDuplicateOperationReceiptAttempt  = errors.New("duplicate receipt attempt")
	ErrOperationReceiptOperationNotFound = errors.New("receipt names no operation")
	ErrOperationReceiptMismatch          = errors.New("receipt does not match its operation")
	ErrTerminalOperationMissingReceipt   = errors.New("terminal operation without receipt")
	ErrTerminalOperationReceiptMismatch  = errors.New("terminal operation disagrees with its latest receipt")
	ErrInvalidOperationTransition        = errors.New("operation state transition not allowed")
	ErrNoTransitionableOperation         = errors.New("no operation can change state")
	ErrOutOfOrderOperationTransition     = errors.New("operation is not next")
	ErrOperationNotFound                 = errors.New("no operation with that sequence")
)

// Reconciliation sentinels: what an upload's inventory after a lost reply cannot decide (§5.4).
var (
	ErrSnapshotInventoryLostBaseline     = errors.New("snapshot recorded before the upload is gone")
	ErrUploadedSnapshotIdentityAmbiguous = errors.New("several new snapshots since the upload began")
)

// noSequence marks an Error that concerns no operation.
const noSequence = -1

// Error is a restore failure. Err is the sentinel it matches (errors.Is); the other fields say
// where and keep their zero value when they do not apply (Sequence is -1 then).
type Error struct {
	Err      error
	Field    string // JSON path in the reference's notation, e.g. "members[].target_canister"
	Value    string // offending value (principal, hash, kind, state, reason)
	Source   string // source canister concerned
	Target   string // target canister concerned
	Sequence int    // operation concerned, or -1
	Attempt  int    // receipt attempt concerned
	Expected string // count and projection mismatches, out-of-order transitions: the wanted value
	Actual   string // the value found
	Reasons  []string
	Cause    error // the manifest, layout, checksum or decode error behind Err
}

// Unwrap matches the sentinel and, when there is one, the cause.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func (e *Error) Error() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if e.Field != "" {
		add("field %s", e.Field)
	}
	if e.Sequence >= 0 {
		add("sequence %d", e.Sequence)
	}
	if e.Attempt != 0 {
		add("attempt %d", e.Attempt)
	}
	if e.Source != "" {
		add("source %s", e.Source)
	}
	if e.Target != "" {
		add("target %s", e.Target)
	}
	if e.Value != "" {
		add("value %q", e.Value)
	}
	if e.Expected != "" || e.Actual != "" {
		add("expected %s, got %s", e.Expected, e.Actual)
	}
	if len(e.Reasons) > 0 {
		add("reasons %s", strings.Join(e.Reasons, ","))
	}
	msg := "restore: " + e.Err.Error()
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// newErr builds an error about no operation.
func newErr(sentinel error) *Error { return &Error{Err: sentinel, Sequence: noSequence} }

// fieldErr builds an error about one field.
func fieldErr(sentinel error, field string) *Error {
	e := newErr(sentinel)
	e.Field = field
	return e
}

// opErr builds an error about one operation.
func opErr(sentinel error, sequence int) *Error {
	return &Error{Err: sentinel, Sequence: sequence}
}

// fail converts a possibly nil *Error into an error without the typed-nil trap.
func fail(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// Admission steps, in the order Admit runs them (RESTORE §1.3, after fleetbackup's own bound
// on the target count).
const (
	StepTargets         = "target-count"
	StepLayoutIntegrity = "layout-integrity"
	StepManifest        = "manifest"
	StepMapping         = "mapping"
	StepPlan            = "plan"
	StepReadiness       = "readiness"
	StepArtifacts       = "artifacts"
	StepJournal         = "journal"
)

// AdmissionError says which admission step refused a backup directory. It unwraps to the step's
// error, so errors.Is matches this package's sentinels and the layout and manifest ones alike.
type AdmissionError struct {
	Step string
	Dir  string
	Err  error
}

func (e *AdmissionError) Error() string {
	return fmt.Sprintf("restore admission of %s refused at %s: %v", e.Dir, e.Step, e.Err)
}

// Unwrap returns the step's error.
func (e *AdmissionError) Unwrap() error { return e.Err }
