package layout

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels, one per DOMAIN §9 persistence and integrity variant; match them with errors.Is.
var (
	// ErrInvalidBackupPlan: a plan failed validation on write or read.
	ErrInvalidBackupPlan = errors.New("invalid backup plan")
	// ErrInvalidExecutionJournal: an execution journal failed validation on write or read.
	ErrInvalidExecutionJournal = errors.New("invalid execution journal")
	// ErrInvalidJournal: a download journal failed validation on write or read.
	ErrInvalidJournal = errors.New("invalid download journal")
	// ErrInvalidManifest: a manifest failed validation on write or read.
	ErrInvalidManifest = errors.New("invalid manifest")
	// ErrDecode: a document file is not JSON of its shape (the reference's Json error).
	ErrDecode = errors.New("malformed document")

	ErrPlanJournalMismatch                    = errors.New("plan does not match execution journal")
	ErrPlanJournalOperationMismatch           = errors.New("plan operation does not match execution journal")
	ErrBackupIDMismatch                       = errors.New("manifest backup id does not match download journal")
	ErrManifestJournalTopologyReceiptMismatch = errors.New("manifest topology hash does not match download journal")
	ErrUnexpectedJournalArtifact              = errors.New("download journal artifact not declared in manifest")
	ErrMissingJournalArtifact                 = errors.New("manifest member has no download journal artifact")
	ErrNonDurableArtifact                     = errors.New("artifact is not durable")
	ErrMissingJournalArtifactChecksum         = errors.New("durable artifact has no checksum")
	ErrManifestJournalArtifactPathMismatch    = errors.New("manifest artifact path does not match download journal")
	ErrManifestJournalChecksumMismatch        = errors.New("manifest checksum does not match download journal")
	ErrArtifactPathEscapesBackup              = errors.New("artifact path escapes the backup directory")
	ErrMissingArtifact                        = errors.New("artifact does not exist")
	// ErrArtifactChecksum: recomputing an artifact's checksum failed or gave another value; the
	// cause (checksum.ErrMismatch, or an I/O error) is wrapped too.
	ErrArtifactChecksum = errors.New("artifact checksum")
	// ErrSpecialFile: a document or an artifact is a FIFO, a device or a socket (perhaps behind
	// a symlink). It is never opened: opening a FIFO blocks until someone writes to it.
	ErrSpecialFile = errors.New("not a regular file or directory")
)

// Error is a persistence or integrity failure. Err is the sentinel; the other fields say where
// and keep their zero value when they do not apply.
type Error struct {
	Err        error
	Path       string // the document or artifact path concerned
	Field      string // plan_id | run_id | operation_count | sequence | operation_id | kind | target_canister_id | discovery_topology_hash | pre_snapshot_topology_hash
	Sequence   int    // PlanJournalOperationMismatch: the journal operation's sequence
	CanisterID string
	SnapshotID string
	Expected   string // the plan's or the manifest's value
	Actual     string // the journal's (or the disk's) value
	ActualNull bool   // ManifestJournalTopologyReceiptMismatch: the journal hash is null
	Cause      error  // the validation, decode or checksum error behind Err
}

// Unwrap matches the sentinel and the cause.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func (e *Error) Error() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if e.Path != "" {
		add("path %s", e.Path)
	}
	if e.Field != "" {
		add("field %s", e.Field)
	}
	if errors.Is(e.Err, ErrPlanJournalOperationMismatch) {
		add("sequence %d", e.Sequence)
	}
	if e.CanisterID != "" {
		add("canister %s snapshot %s", e.CanisterID, e.SnapshotID)
	}
	if e.Expected != "" || e.Actual != "" || e.ActualNull {
		actual := fmt.Sprintf("%q", e.Actual)
		if e.ActualNull {
			actual = "null"
		}
		add("expected %q, journal has %s", e.Expected, actual)
	}
	msg := "layout: " + e.Err.Error()
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}
