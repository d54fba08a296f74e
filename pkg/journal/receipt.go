package journal

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// ValidateReceipt checks receipt r against the journal header h and op, the operation that has
// r's sequence (nil when there is none), in the order of DOMAIN §4.7: required fields, journal
// identity, operation identity, preflight id (non-preflight kinds), outcome-specific fields.
func ValidateReceipt(r Receipt, h Header, op *Operation) error {
	if err := receiptFields(r); err != nil {
		return err
	}
	if r.PlanID != h.PlanID || r.RunID != h.RunID {
		return seqErr(ErrReceiptJournalMismatch, r.Sequence, "operation receipt does not match journal %d")
	}
	if op == nil {
		return seqErr(ErrReceiptOperationNotFound, r.Sequence, "operation receipt references missing operation %d")
	}
	if op.Sequence != r.Sequence || op.OperationID != r.OperationID || op.Kind != r.Kind ||
		!eqPtr(op.TargetCanisterID, r.TargetCanisterID) {
		return seqErr(ErrReceiptOperationMismatch, r.Sequence, "operation receipt does not match operation %d")
	}
	if !op.Kind.IsPreflight() && !eqPtr(r.PreflightID, h.PreflightID) {
		return seqErr(ErrReceiptPreflightMismatch, r.Sequence,
			"operation receipt does not match accepted preflight %d")
	}
	return outcomeFields(r)
}

func receiptFields(r Receipt) error {
	for _, f := range []struct {
		name  string
		value string
	}{
		{"operation_receipts[].plan_id", r.PlanID},
		{"operation_receipts[].run_id", r.RunID},
		{"operation_receipts[].operation_id", r.OperationID},
	} {
		if err := nonEmpty(f.name, f.value); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name  string
		value *string
	}{
		{"operation_receipts[].updated_at", r.UpdatedAt},
		{"operation_receipts[].snapshot_id", r.SnapshotID},
		{"operation_receipts[].artifact_path", r.ArtifactPath},
		{"operation_receipts[].checksum", r.Checksum},
	} {
		if err := optNonEmpty(f.name, f.value); err != nil {
			return err
		}
	}
	return nil
}

// outcomeFields checks what each outcome must carry: a failure reason for failed receipts, and
// the produced value for completed create-snapshot, download-snapshot and verify-artifact.
func outcomeFields(r Receipt) error {
	if !r.Outcome.Valid() {
		return unknownStateErr("operation_receipts[].outcome", string(r.Outcome))
	}
	if r.Outcome == OutcomeFailed {
		return nonEmpty("operation_receipts[].failure_reason", deref(r.FailureReason))
	}
	if r.Outcome != OutcomeCompleted {
		return nil
	}
	switch r.Kind {
	case plan.KindCreateSnapshot:
		return nonEmpty("operation_receipts[].snapshot_id", deref(r.SnapshotID))
	case plan.KindDownloadSnapshot:
		return nonEmpty("operation_receipts[].artifact_path", deref(r.ArtifactPath))
	case plan.KindVerifyArtifact:
		return nonEmpty("operation_receipts[].checksum", deref(r.Checksum))
	}
	return nil
}

func eqPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
