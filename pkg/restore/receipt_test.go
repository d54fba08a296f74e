package restore

import (
	"encoding/json"
	"errors"
	"testing"
)

// journalWithReceipt is fixture A's journal with upload 0 completed (receipt attempt 1).
func journalWithReceipt(t *testing.T) *Journal {
	t.Helper()
	_, j := readyJournal(t)
	completeThrough(t, j, 0, nil)
	return j
}

func TestR32_ReceiptRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(j *Journal)
		want  error
		field string
	}{
		{"duplicate attempt", func(j *Journal) { j.OperationReceipts = append(j.OperationReceipts, j.OperationReceipts[0]) },
			ErrDuplicateOperationReceiptAttempt, ""},
		{"attempt 0", func(j *Journal) { j.OperationReceipts[0].Attempt = 0 }, ErrInvalidOperationReceiptAttempt, ""},
		{"no updated_at", func(j *Journal) { j.OperationReceipts[0].UpdatedAt = nil }, ErrMissingField, "operation_receipts[].updated_at"},
		{"no command", func(j *Journal) { j.OperationReceipts[0].Command = nil }, ErrMissingField, "operation_receipts[].command"},
		{"no status", func(j *Journal) { j.OperationReceipts[0].Status = nil }, ErrMissingField, "operation_receipts[].status"},
		{"no stdout", func(j *Journal) { j.OperationReceipts[0].Stdout = nil }, ErrMissingField, "operation_receipts[].stdout"},
		{"no stderr", func(j *Journal) { j.OperationReceipts[0].Stderr = nil }, ErrMissingField, "operation_receipts[].stderr"},
		{"empty program", func(j *Journal) { j.OperationReceipts[0].Command.Program = "" }, ErrMissingField, "operation_receipts[].command.program"},
		{"empty args", func(j *Journal) { j.OperationReceipts[0].Command.Args = []string{} }, ErrMissingField, "operation_receipts[].command.args"},
		{"empty note", func(j *Journal) { j.OperationReceipts[0].Command.Note = "" }, ErrMissingField, "operation_receipts[].command.note"},
		{"other checksum", func(j *Journal) { j.OperationReceipts[0].ArtifactChecksum = &ArtifactChecksum{"sha256", hashHex} },
			ErrOperationReceiptMismatch, "operation_receipts[].artifact"},
		{"other target", func(j *Journal) { j.OperationReceipts[0].TargetCanister = targetID }, ErrOperationReceiptMismatch, ""},
		{"no operation", func(j *Journal) { j.OperationReceipts[0].Sequence = 50 }, ErrOperationReceiptOperationNotFound, ""},
		{"no uploaded id", func(j *Journal) { j.OperationReceipts[0].UploadedSnapshotID = nil }, ErrMissingField, "operation_receipts[].uploaded_snapshot_id"},
		{"unknown outcome", func(j *Journal) { j.OperationReceipts[0].Outcome = "done" }, ErrUnknownValue, ""},
		{"terminal mismatch", func(j *Journal) { j.OperationReceipts[0].UpdatedAt = sp("unix:9") }, ErrTerminalOperationReceiptMismatch, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := journalWithReceipt(t)
			c.edit(j)
			err := j.Validate()
			var e *Error
			if !errors.Is(err, c.want) || !errors.As(err, &e) || (c.field != "" && e.Field != c.field) {
				t.Fatalf("got %v", err)
			}
		})
	}
}

// Every one of a receipt's 16 fields is required on read; failure_reason is written as null.
func TestR32_ReceiptFieldsRequiredOnDecode(t *testing.T) {
	data, err := EncodeJournal(journalWithReceipt(t))
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	receipt := tree["operation_receipts"].([]any)[0].(map[string]any)
	if len(receipt) != 16 || receipt["failure_reason"] != nil {
		t.Fatalf("receipt %v", receipt)
	}
	for field := range receipt {
		value := receipt[field]
		delete(receipt, field)
		if _, err := LoadJournal(reencode(t, tree)); !errors.Is(err, ErrDecode) {
			t.Errorf("without %s: %v", field, err)
		}
		receipt[field] = value
	}
}

func TestR38_FailedOperationNeedsAttention(t *testing.T) {
	_, j := readyJournal(t)
	mustDo(t, j.ClaimUpload(0, at1, []string{}, nil))
	a := attempt("unix:2")
	a.Status = "1"
	mustDo(t, j.Fail(0, a, "runner-command-exit-1", nil))
	r := j.Report()
	if r.Outcome != OutcomeFailed || !r.AttentionRequired || r.NextAction != NextActionRetryFailed || len(r.Failed) != 1 {
		t.Fatalf("report %+v", r)
	}
	rec := j.OperationReceipts[0]
	if rec.Attempt != 1 || *rec.Status != "1" || *rec.FailureReason != "runner-command-exit-1" || rec.Outcome != OutcomeCommandFailed {
		t.Fatalf("receipt %+v", rec)
	}
}

func TestR39_RetryFailedThenContinue(t *testing.T) {
	_, j := readyJournal(t)
	mustDo(t, j.ClaimUpload(0, at1, []string{}, nil))
	mustDo(t, j.Fail(0, attempt(at1), "runner-command-exit-1", nil))
	mustDo(t, j.Retry(0, "unix:2", nil))
	if r := j.Report(); j.FailedOperations != 0 || j.ReadyOperations != 11 || r.NextAction != NextActionRerun {
		t.Fatalf("report %+v", r)
	}
	mustDo(t, j.Claim(0, "unix:3", nil)) // the baseline survived the retry
	mustDo(t, j.CompleteUpload(0, attempt("unix:4"), "snap-new", nil))
	if j.NextAttempt(0) != 3 {
		t.Fatalf("next attempt %d", j.NextAttempt(0))
	}
}

func TestR40_PendingJournalNeedsAttention(t *testing.T) {
	_, j := readyJournal(t)
	mustDo(t, j.ClaimUpload(0, at1, []string{}, nil))
	if r := j.Report(); r.Outcome != OutcomePending || r.NextAction != NextActionRerun || !r.AttentionRequired {
		t.Fatalf("report %+v", r)
	}
}

func TestR41_CompletedWithoutReceipt(t *testing.T) {
	j := journalWithReceipt(t)
	j.OperationReceipts = []Receipt{}
	data, err := encodeStrict(j)
	if err != nil {
		t.Fatal(err)
	}
	var e *Error
	if _, err := LoadJournal(data); !errors.Is(err, ErrTerminalOperationMissingReceipt) || !errors.As(err, &e) ||
		e.Sequence != 0 || e.Value != "completed" {
		t.Fatalf("got %v", err)
	}
}

func TestR42_UploadWithoutSnapshotID(t *testing.T) {
	_, j := readyJournal(t)
	mustDo(t, j.ClaimUpload(0, at1, []string{}, nil))
	if err := j.CompleteUpload(0, attempt(at1), "", nil); !errors.Is(err, ErrMissingField) {
		t.Fatalf("got %v", err)
	}
	if j.Operations[0].State != StatePending || len(j.OperationReceipts) != 0 {
		t.Fatal("a refused completion changed the journal")
	}
	mustDo(t, j.Fail(0, attempt(at1), ReasonMissingUploadedSnapshotID, nil))
	if *j.OperationReceipts[0].FailureReason != "missing-uploaded-snapshot-id" {
		t.Fatalf("receipt %+v", j.OperationReceipts[0])
	}
}

func TestR46_UploadReconciledByInventory(t *testing.T) {
	cases := []struct {
		name                string
		baseline, inventory []string
		adopt               bool
		id                  string
		want                error
	}{
		{"new snapshot adopted", []string{}, []string{"recovered-upload"}, true, "recovered-upload", nil},
		{"nothing new: upload again", []string{"a"}, []string{"a"}, false, "", nil},
		{"baseline lost", []string{"a"}, []string{"b"}, false, "", ErrSnapshotInventoryLostBaseline},
		{"ambiguous", []string{}, []string{"b", "c"}, false, "", ErrUploadedSnapshotIdentityAmbiguous},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ReconcileUpload(0, c.baseline, c.inventory)
			if !errors.Is(err, c.want) || got.Adopt != c.adopt || got.SnapshotID != c.id {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestR47_VerificationEvidence(t *testing.T) {
	cases := []struct {
		expected, module *string
		status           string
		want             bool
	}{
		{sp("abcd"), sp("0xABCD"), "Running", true},
		{sp("abcd"), sp("0xDEAD"), "Running", false},
		{sp("abcd"), sp("abcd"), "Stopped", false},
		{sp("abcd"), nil, "Running", false},
		{nil, nil, "running", true},
	}
	for i, c := range cases {
		if got := EvidenceMatches(c.expected, c.status, c.module); got != c.want {
			t.Errorf("case %d: got %v", i, got)
		}
	}
}

func TestR49_TruncatedJournal(t *testing.T) {
	data, _ := EncodeJournal(journalWithReceipt(t))
	if _, err := LoadJournal(data[:len(data)/2]); !errors.Is(err, ErrDecode) {
		t.Fatalf("got %v", err)
	}
}
