package restore

import (
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
)

// validateKindFields requires the fields an operation's kind needs and refuses a module hash on
// anything but a check.
func (op *Operation) validateKindFields() *Error {
	need := func(present bool, field string) *Error {
		if present {
			return nil
		}
		e := opErr(ErrOperationMissingField, op.Sequence)
		e.Field, e.Value = field, string(op.Operation)
		return e
	}
	switch op.Operation {
	case KindUploadSnapshot, KindLoadSnapshot:
		if e := need(nonBlank(op.SnapshotID), "snapshot_id"); e != nil {
			return e
		}
		if e := need(nonBlank(op.ArtifactPath), "artifact_path"); e != nil {
			return e
		}
		if op.ArtifactChecksum == nil && op.State == StateBlocked {
			return nil
		}
		if e := need(op.ArtifactChecksum != nil, "artifact_checksum"); e != nil {
			return e
		}
		return op.ArtifactChecksum.validate("operations[].artifact_checksum", op.Sequence)
	case KindCheckMember:
		if e := need(op.VerificationKind != nil, "verification_kind"); e != nil {
			return e
		}
		if *op.VerificationKind != VerificationStatus {
			e := opErr(ErrUnsupportedVerificationKind, op.Sequence)
			e.Value = *op.VerificationKind
			return e
		}
		return nil
	}
	if op.ExpectedModuleHash != nil {
		return opErr(ErrUnexpectedExpectedModuleHash, op.Sequence)
	}
	return nil
}

// validate requires sha256 and 64 hex digits.
func (c *ArtifactChecksum) validate(field string, sequence int) *Error {
	if c.Algorithm != checksum.Algorithm || !checksum.ValidHex(c.Hash) {
		e := fieldErr(ErrInvalidHash, field)
		e.Sequence, e.Value = sequence, c.Algorithm+":"+c.Hash
		return e
	}
	return nil
}

// validateInventory: an upload records the target's snapshot ids before it is claimed, and keeps
// them through failure and retry; no other kind carries an inventory.
func (op *Operation) validateInventory() *Error {
	if op.Operation != KindUploadSnapshot {
		if op.SnapshotIDsBefore != nil {
			return opErr(ErrUnexpectedSnapshotInventory, op.Sequence)
		}
		return nil
	}
	if op.SnapshotIDsBefore == nil {
		if op.State == StatePending || op.State == StateCompleted || op.State == StateFailed {
			e := fieldErr(ErrMissingField, "operations[].snapshot_ids_before")
			e.Sequence = op.Sequence
			return e
		}
		return nil
	}
	seen := make(map[string]bool, len(*op.SnapshotIDsBefore))
	for _, id := range *op.SnapshotIDsBefore {
		if id == "" || seen[id] {
			e := opErr(ErrDuplicateSnapshotIdentity, op.Sequence)
			e.Value = id
			return e
		}
		seen[id] = true
	}
	return nil
}

// validateReasons: blocked and failed operations say why; the others carry no reasons.
func (op *Operation) validateReasons() *Error {
	switch {
	case op.State == StateBlocked && len(op.BlockingReasons) == 0:
		return opErr(ErrBlockedOperationMissingReason, op.Sequence)
	case op.State == StateFailed && len(op.BlockingReasons) == 0:
		return opErr(ErrFailureReasonRequired, op.Sequence)
	case op.State != StateBlocked && op.State != StateFailed && len(op.BlockingReasons) > 0:
		return opErr(ErrUnblockedOperationHasReasons, op.Sequence)
	}
	for _, r := range op.BlockingReasons {
		if r == "" {
			return opErr(ErrFailureReasonRequired, op.Sequence)
		}
	}
	return nil
}

func nonBlank(s *string) bool { return s != nil && *s != "" }
