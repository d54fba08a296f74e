package journal

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// §4.7 receipt validation, in the reference's order, through ValidateReceipt and through the
// whole-journal Validate (a stored receipt is validated on every read).
func TestReceiptValidation(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	h := j.Header()
	for _, tt := range receiptValidationCases() {
		t.Run(tt.name, func(t *testing.T) {
			r := completedReceipt(h, j.Operations[tt.seq], "unix:50")
			tt.mutate(&r)
			var op *Operation
			if r.Sequence >= 0 && r.Sequence < len(j.Operations) {
				op = &j.Operations[r.Sequence]
			}
			err := ValidateReceipt(r, h, op)
			stored := cloneJournal(j)
			stored.OperationReceipts = append(stored.OperationReceipts, r)
			docErr := stored.Validate()
			if tt.want == nil {
				if err != nil || docErr != nil {
					t.Fatalf("errors = %v / %v", err, docErr)
				}
				return
			}
			wantErr(t, err, tt.want, tt.check)
			wantErr(t, docErr, tt.want, tt.check)
		})
	}
}

// receiptValidationCase is one receipt mutation and the error it must raise.
type receiptValidationCase struct {
	name   string
	seq    int // operation the receipt is built for
	mutate func(*Receipt)
	want   error
	check  func(*Error) bool
}

// receiptValidationCases returns the table for TestReceiptValidation.
func receiptValidationCases() []receiptValidationCase {
	return []receiptValidationCase{
		{"valid stop", 4, func(*Receipt) {}, nil, nil},
		{"valid validate op with another preflight", 0, func(r *Receipt) { r.PreflightID = nil }, nil, nil},
		{"skipped snapshot needs no id", 5, func(r *Receipt) { r.Outcome, r.SnapshotID = OutcomeSkipped, nil }, nil, nil},
		{"empty plan_id", 4, func(r *Receipt) { r.PlanID = "" }, ErrMissingField, isField("operation_receipts[].plan_id")},
		{"empty run_id", 4, func(r *Receipt) { r.RunID = " " }, ErrMissingField, isField("operation_receipts[].run_id")},
		{"empty operation_id", 4, func(r *Receipt) { r.OperationID = "" }, ErrMissingField,
			isField("operation_receipts[].operation_id")},
		{"empty updated_at", 4, func(r *Receipt) { r.UpdatedAt = ptr("") }, ErrMissingField,
			isField("operation_receipts[].updated_at")},
		{"empty snapshot_id", 4, func(r *Receipt) { r.SnapshotID = ptr("") }, ErrMissingField,
			isField("operation_receipts[].snapshot_id")},
		{"empty artifact_path", 4, func(r *Receipt) { r.ArtifactPath = ptr("\t") }, ErrMissingField,
			isField("operation_receipts[].artifact_path")},
		{"empty checksum", 4, func(r *Receipt) { r.Checksum = ptr("") }, ErrMissingField,
			isField("operation_receipts[].checksum")},
		{"other plan", 4, func(r *Receipt) { r.PlanID = "plan-x" }, ErrReceiptJournalMismatch, isSeq(4)},
		{"other run", 4, func(r *Receipt) { r.RunID = "run-x" }, ErrReceiptJournalMismatch, isSeq(4)},
		{"unknown sequence", 4, func(r *Receipt) { r.Sequence = 77 }, ErrReceiptOperationNotFound, isSeq(77)},
		{"other operation id", 4, func(r *Receipt) { r.OperationID = "stop-x" }, ErrReceiptOperationMismatch, isSeq(4)},
		{"other kind", 4, func(r *Receipt) { r.Kind = plan.KindStart }, ErrReceiptOperationMismatch, isSeq(4)},
		{"other target", 4, func(r *Receipt) { r.TargetCanisterID = ptr(workerID) }, ErrReceiptOperationMismatch, isSeq(4)},
		{"missing target", 4, func(r *Receipt) { r.TargetCanisterID = nil }, ErrReceiptOperationMismatch, isSeq(4)},
		{"no preflight id", 4, func(r *Receipt) { r.PreflightID = nil }, ErrReceiptPreflightMismatch, isSeq(4)},
		{"other preflight id", 4, func(r *Receipt) { r.PreflightID = ptr("preflight-x") }, ErrReceiptPreflightMismatch, isSeq(4)},
		{"failed without reason", 4, func(r *Receipt) { r.Outcome = OutcomeFailed }, ErrMissingField,
			isField("operation_receipts[].failure_reason")},
		{"failed with blank reason", 4, func(r *Receipt) { r.Outcome, r.FailureReason = OutcomeFailed, ptr(" ") }, ErrMissingField,
			isField("operation_receipts[].failure_reason")},
		{"snapshot without id", 5, func(r *Receipt) { r.SnapshotID = nil }, ErrMissingField,
			isField("operation_receipts[].snapshot_id")},
		{"download without path", 7, func(r *Receipt) { r.ArtifactPath = nil }, ErrMissingField,
			isField("operation_receipts[].artifact_path")},
		{"verify without checksum", 8, func(r *Receipt) { r.Checksum = nil }, ErrMissingField,
			isField("operation_receipts[].checksum")},
		{"unknown outcome", 4, func(r *Receipt) { r.Outcome = "done" }, ErrUnknownState,
			isField("operation_receipts[].outcome")},
	}
}

func TestReceiptConstructors(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	op := j.Operations[5]
	c := j.CompletedReceipt(op, ptr("unix:5"))
	f := j.FailedReceipt(op, nil, "boom")
	if c.PlanID != "plan-001" || c.RunID != "run-001" || *c.PreflightID != preflightID || c.Sequence != 5 ||
		c.OperationID != op.OperationID || c.Kind != op.Kind || *c.TargetCanisterID != appID ||
		c.Outcome != OutcomeCompleted || *c.UpdatedAt != "unix:5" || c.FailureReason != nil ||
		c.SnapshotID != nil || c.ArtifactPath != nil || c.Checksum != nil {
		t.Fatalf("completed receipt = %+v", c)
	}
	if f.Outcome != OutcomeFailed || *f.FailureReason != "boom" || f.UpdatedAt != nil {
		t.Fatalf("failed receipt = %+v", f)
	}
}
