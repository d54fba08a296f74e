package journal

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// E1 New journal: not accepted; next op is validate-topology; all stop ops blocked.
func TestE1NewJournalBlocksMutation(t *testing.T) {
	j := newJournal(t, subtreePlan())
	if j.PreflightAccepted || j.PreflightID != nil || j.RestartRequired || len(j.OperationReceipts) != 0 {
		t.Fatalf("fresh journal header = %+v", j.Header())
	}
	if next := j.NextReady(); next == nil || next.Kind != plan.KindValidateTopology {
		t.Fatalf("next = %+v, want validate-topology", next)
	}
	for _, op := range j.Operations {
		want, reasons := StateBlocked, 1
		if op.Kind.IsPreflight() {
			want, reasons = StateReady, 0
		}
		if op.State != want || len(op.BlockingReasons) != reasons || op.StateUpdatedAt != nil {
			t.Errorf("op %d (%s) = %s %v, want %s", op.Sequence, op.Kind, op.State, op.BlockingReasons, want)
		}
	}
	if len(j.Operations) != 10 || j.OperationReceipts == nil {
		t.Fatalf("operations = %d, receipts nil = %v", len(j.Operations), j.OperationReceipts == nil)
	}
}

// E2 Accepting a bundle at unix:10: accepted, preflight-001, validate ops completed, next is a stop.
func TestE2AcceptPreflight(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	if !j.PreflightAccepted || j.PreflightID == nil || *j.PreflightID != preflightID {
		t.Fatalf("header = %+v", j.Header())
	}
	for _, op := range j.Operations {
		if op.Kind.IsPreflight() && (op.State != StateCompleted || *op.StateUpdatedAt != "unix:10") {
			t.Errorf("validate op %d = %s at %v", op.Sequence, op.State, op.StateUpdatedAt)
		}
		if !op.Kind.IsPreflight() && (op.State != StateReady || len(op.BlockingReasons) != 0 || op.StateUpdatedAt != nil) {
			t.Errorf("op %d = %s %v", op.Sequence, op.State, op.BlockingReasons)
		}
	}
	if next := j.NextReady(); next == nil || next.Kind != plan.KindStop || next.Sequence != 4 {
		t.Fatalf("next = %+v, want stop 4", next)
	}
}

// E3 Bundle for another plan → PreflightPlanMismatch{expected plan-001, actual plan-other}.
func TestE3PreflightPlanMismatch(t *testing.T) {
	j := newJournal(t, subtreePlan())
	err := j.AcceptPreflight("plan-other", preflightID, ptr("unix:10"))
	wantErr(t, err, ErrPreflightPlanMismatch, func(e *Error) bool {
		return e.Expected == "plan-001" && e.Actual == "plan-other"
	})
	if j.PreflightAccepted {
		t.Fatal("journal accepted after error")
	}
}

// E4 After acceptance, marking 5 pending while 4 is next → OutOfOrderOperationTransition{5, 4}.
func TestE4OutOfOrder(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	err := j.MarkPending(5, ptr("unix:20"))
	wantErr(t, err, ErrOutOfOrderOperationTransition, func(e *Error) bool { return e.Sequence == 5 && e.Next == 4 })
}

// E5 Completing the stop (seq 4) sets restart_required, also in the summary; next is create-snapshot.
func TestE5CompletedStopRequiresRestart(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	complete(t, j, 4)
	s := j.Summary()
	if !j.RestartRequired || !s.RestartRequired {
		t.Fatalf("restart_required = %v, summary %v", j.RestartRequired, s.RestartRequired)
	}
	if s.NextOperation == nil || s.NextOperation.Kind != plan.KindCreateSnapshot {
		t.Fatalf("next = %+v", s.NextOperation)
	}
	if s.TotalOperations != 10 || s.CompletedOperations != 5 || s.ReadyOperations != 5 {
		t.Fatalf("summary = %+v", s)
	}
}

// E6 Completed create-snapshot receipt without snapshot id → MissingField(operation_receipts[].snapshot_id);
// the journal is unchanged.
func TestE6SnapshotReceiptNeedsSnapshotID(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	complete(t, j, 4)
	if err := j.MarkPending(5, ptr("unix:30")); err != nil {
		t.Fatal(err)
	}
	receipts := len(j.OperationReceipts)
	err := j.RecordReceipt(j.CompletedReceipt(j.Operations[5], ptr("unix:31")))
	wantErr(t, err, ErrMissingField, isField("operation_receipts[].snapshot_id"))
	op := j.Operations[5]
	if len(j.OperationReceipts) != receipts || op.State != StatePending || *op.StateUpdatedAt != "unix:30" {
		t.Fatalf("journal changed: %d receipts, op %+v", len(j.OperationReceipts), op)
	}
}

// E7 Failed snapshot after a completed stop: restart_required stays true; the failed op is next;
// RetryFailed makes it ready and next.
func TestE7FailedSnapshotIsRetryable(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	complete(t, j, 4)
	if err := j.MarkPending(5, ptr("unix:30")); err != nil {
		t.Fatal(err)
	}
	if err := j.RecordReceipt(j.FailedReceipt(j.Operations[5], ptr("unix:31"), "snapshot create failed")); err != nil {
		t.Fatal(err)
	}
	if !j.RestartRequired {
		t.Fatal("restart_required cleared by a failure")
	}
	if next := j.NextReady(); next == nil || next.State != StateFailed || next.BlockingReasons[0] != "snapshot create failed" {
		t.Fatalf("next = %+v", next)
	}
	if err := j.RetryFailed(5, ptr("unix:32")); err != nil {
		t.Fatal(err)
	}
	if next := j.NextReady(); next == nil || next.State != StateReady || next.Sequence != 5 || *next.StateUpdatedAt != "unix:32" {
		t.Fatalf("next = %+v", next)
	}
}

// E8 Accepting a different preflight id → PreflightAlreadyAccepted{preflight-001, preflight-other};
// the same id again is idempotent.
func TestE8PreflightAlreadyAccepted(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	err := j.AcceptPreflight("plan-001", "preflight-other", ptr("unix:11"))
	wantErr(t, err, ErrPreflightAlreadyAccepted, func(e *Error) bool {
		return e.Expected == preflightID && e.Actual == "preflight-other"
	})
	if err := j.AcceptPreflight("plan-001", preflightID, ptr("unix:12")); err != nil {
		t.Fatalf("same preflight again: %v", err)
	}
	if *j.Operations[0].StateUpdatedAt != "unix:12" {
		t.Fatalf("validate op not re-stamped: %v", *j.Operations[0].StateUpdatedAt)
	}
}

func TestNewRejectsInvalidPlan(t *testing.T) {
	p := subtreePlan()
	p.PlanID = " "
	_, err := New(p)
	wantErr(t, err, ErrInvalidPlan, nil)
	wantErr(t, err, plan.ErrEmptyField, nil)
	_, err = New(nil)
	wantErr(t, err, ErrInvalidPlan, nil)
}
