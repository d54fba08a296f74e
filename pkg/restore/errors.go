package restore

import "errors"

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
