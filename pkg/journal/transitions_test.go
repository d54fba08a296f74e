package journal

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// invalidTransitionCase is one whole-document transition that must fail.
type invalidTransitionCase struct {
	name  string
	setup func(*testing.T, *Journal)
	do    func(*Journal) error
	want  error
	check func(*Error) bool
}

// invalidTransitionCases returns the table for TestInvalidTransitions.
func invalidTransitionCases() []invalidTransitionCase {
	return []invalidTransitionCase{
		{"mark pending twice", func(t *testing.T, j *Journal) { mustMark(t, j, 4) },
			func(j *Journal) error { return j.MarkPending(4, ptr("unix:22")) }, ErrInvalidOperationTransition,
			func(e *Error) bool { return e.Sequence == 4 && e.From == StatePending && e.To == StatePending }},
		{"pending op holds the line", func(t *testing.T, j *Journal) { mustMark(t, j, 4) },
			func(j *Journal) error { return j.MarkPending(5, ptr("unix:22")) }, ErrOutOfOrderOperationTransition,
			func(e *Error) bool { return e.Sequence == 5 && e.Next == 4 }},
		{"empty updated_at", nil,
			func(j *Journal) error { return j.MarkPending(4, ptr(" ")) }, ErrMissingField, isField("updated_at")},
		{"nothing left", func(t *testing.T, j *Journal) { *j = *runToEnd(t, subtreePlan()) },
			func(j *Journal) error { return j.MarkPending(9, ptr("unix:22")) }, ErrNoTransitionableOperation, nil},
		{"receipt for ready op", nil,
			func(j *Journal) error {
				return j.RecordReceipt(completedReceipt(j.Header(), j.Operations[4], "unix:1"))
			},
			ErrReceiptWithoutPendingOperation, isSeq(4)},
		{"receipt for completed op", func(t *testing.T, j *Journal) { complete(t, j, 4) },
			func(j *Journal) error {
				return j.RecordReceipt(completedReceipt(j.Header(), j.Operations[4], "unix:1"))
			},
			ErrReceiptWithoutPendingOperation, isSeq(4)},
		{"receipt for unknown op", nil,
			func(j *Journal) error {
				r := completedReceipt(j.Header(), j.Operations[4], "unix:1")
				r.Sequence = 99
				return j.RecordReceipt(r)
			}, ErrReceiptOperationNotFound, isSeq(99)},
		{"completed receipt with failure reason", func(t *testing.T, j *Journal) { mustMark(t, j, 4) },
			func(j *Journal) error {
				r := completedReceipt(j.Header(), j.Operations[4], "unix:1")
				r.FailureReason = ptr("odd")
				return j.RecordReceipt(r)
			}, ErrUnblockedOperationHasReasons, isSeq(4)},
		{"retry ready op", nil,
			func(j *Journal) error { return j.RetryFailed(4, ptr("unix:1")) }, ErrOperationNotFailed, isSeq(4)},
		{"retry unknown op", nil,
			func(j *Journal) error { return j.RetryFailed(42, ptr("unix:1")) }, ErrOperationNotFound, isSeq(42)},
		{"retry empty updated_at", nil,
			func(j *Journal) error { return j.RetryFailed(4, ptr("")) }, ErrMissingField, isField("updated_at")},
		{"accept without plan id", nil,
			func(j *Journal) error { return j.AcceptPreflight(" ", "p", nil) }, ErrMissingField,
			isField("preflight_receipts.plan_id")},
		{"accept without preflight id", nil,
			func(j *Journal) error { return j.AcceptPreflight("plan-001", "", nil) }, ErrMissingField, isField("preflight_id")},
		{"accept with empty updated_at", nil,
			func(j *Journal) error { return j.AcceptPreflight("plan-001", preflightID, ptr("")) }, ErrMissingField,
			isField("updated_at")},
	}
}

// Whole-document transitions that must fail, each leaving the journal exactly as it was.
func TestInvalidTransitions(t *testing.T) {
	p := subtreePlan()
	for _, tt := range invalidTransitionCases() {
		t.Run(tt.name, func(t *testing.T) {
			j := acceptedJournal(t, p)
			if tt.setup != nil {
				tt.setup(t, j)
			}
			before := cloneJournal(j)
			wantErr(t, tt.do(j), tt.want, tt.check)
			if !reflect.DeepEqual(before, j) {
				t.Fatalf("journal changed by a failed transition")
			}
		})
	}
}

// Failed operations go straight back to pending when they are next (the runner's blind retry).
func TestMarkPendingRetriesFailed(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	mustMark(t, j, 4)
	if err := j.RecordReceipt(j.FailedReceipt(j.Operations[4], ptr("unix:21"), "stop failed")); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkPending(4, ptr("unix:22")); err != nil {
		t.Fatal(err)
	}
	if op := j.Operations[4]; op.State != StatePending || len(op.BlockingReasons) != 0 {
		t.Fatalf("op = %+v", op)
	}
}

// Acceptance completes validate operations whatever their state, and keeps the timestamps of
// unblocked operations.
func TestAcceptCompletesPendingValidateOp(t *testing.T) {
	j := newJournal(t, subtreePlan())
	mustMark(t, j, 0)
	if err := j.AcceptPreflight("plan-001", preflightID, ptr("unix:10")); err != nil {
		t.Fatal(err)
	}
	if op := j.Operations[0]; op.State != StateCompleted || *op.StateUpdatedAt != "unix:10" {
		t.Fatalf("op 0 = %+v", op)
	}
}

// Before acceptance a validate op may run; a mutating op can only be claimed once accepted.
func TestClaimBeforeAcceptance(t *testing.T) {
	j := newJournal(t, subtreePlan())
	complete(t, j, 0)
	op := j.Operations[4]
	op.State, op.BlockingReasons = StateReady, []string{}
	err := ClaimOp(&op, false, ptr("unix:1"))
	wantErr(t, err, ErrMutationBeforePreflightAccepted, isSeq(4))
	for seq := 1; seq < 4; seq++ {
		complete(t, j, seq)
	}
	wantErr(t, j.MarkPending(4, ptr("unix:1")), ErrNoTransitionableOperation, nil)
}

// A skipped receipt counts as done: a skipped start clears restart_required.
func TestSkippedStartClearsRestart(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	complete(t, j, 4)
	complete(t, j, 5)
	mustMark(t, j, 6)
	r := j.CompletedReceipt(j.Operations[6], ptr("unix:60"))
	r.Outcome = OutcomeSkipped
	if err := j.RecordReceipt(r); err != nil {
		t.Fatal(err)
	}
	if j.RestartRequired || j.Operations[6].State != StateSkipped {
		t.Fatalf("restart_required = %v, op = %+v", j.RestartRequired, j.Operations[6])
	}
	if s := j.Summary(); s.SkippedOperations != 1 || s.NextOperation.Kind != plan.KindDownloadSnapshot {
		t.Fatalf("summary = %+v", s)
	}
}

// Per-operation transitions are atomic too.
func TestPerOpAtomic(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	h := j.Header()
	op := j.Operations[5]
	before := cloneOp(op)
	wantErr(t, RecordOp(&op, completedReceipt(h, op, "unix:1"), h), ErrReceiptWithoutPendingOperation, nil)
	wantErr(t, RetryOp(&op, ptr("unix:1")), ErrOperationNotFailed, nil)
	op.State = StateCompleted
	wantErr(t, ClaimOp(&op, true, ptr("unix:1")), ErrInvalidOperationTransition, nil)
	op.State = StateReady
	if !reflect.DeepEqual(before, op) {
		t.Fatalf("op changed: %+v", op)
	}
	wantErr(t, RecordOp(nil, completedReceipt(h, op, "unix:1"), h), ErrReceiptOperationNotFound, nil)
	other := j.Operations[6]
	wantErr(t, RecordOp(&other, completedReceipt(h, op, "unix:1"), h), ErrReceiptOperationMismatch, nil)
}

func mustMark(t *testing.T, j *Journal, seq int) {
	t.Helper()
	if err := j.MarkPending(seq, ptr("unix:20")); err != nil {
		t.Fatalf("MarkPending(%d): %v", seq, err)
	}
}

func cloneJournal(j *Journal) *Journal {
	c := *j
	c.PreflightID = clonePtr(j.PreflightID)
	c.Operations = make([]Operation, len(j.Operations))
	for i, op := range j.Operations {
		c.Operations[i] = cloneOp(op)
	}
	c.OperationReceipts = make([]Receipt, len(j.OperationReceipts))
	for i, r := range j.OperationReceipts {
		c.OperationReceipts[i] = cloneReceipt(r)
	}
	return &c
}

// In 0.34.4 timestamps are optional: transitions without one leave state_updated_at null.
func TestTransitionsWithoutTimestamps(t *testing.T) {
	j := newJournal(t, subtreePlan())
	if err := j.AcceptPreflight("plan-001", preflightID, nil); err != nil {
		t.Fatal(err)
	}
	if err := j.MarkPending(4, nil); err != nil {
		t.Fatal(err)
	}
	if err := j.RecordReceipt(j.FailedReceipt(j.Operations[4], nil, "x")); err != nil {
		t.Fatal(err)
	}
	if err := j.RetryFailed(4, nil); err != nil {
		t.Fatal(err)
	}
	if j.Operations[0].StateUpdatedAt != nil || j.Operations[4].StateUpdatedAt != nil {
		t.Fatalf("timestamps set: %+v", j.Operations[4])
	}
}

func TestRearmOp(t *testing.T) {
	at := "unix:20"
	for _, c := range []struct {
		kind  plan.OperationKind
		state State
		ok    bool
	}{
		{plan.KindStop, StateCompleted, true},
		{plan.KindCreateSnapshot, StateFailed, true},
		{plan.KindStart, StatePending, true},
		{plan.KindDownloadSnapshot, StateReady, true},
		{plan.KindVerifyArtifact, StateCompleted, true},
		{plan.KindFinalizeManifest, StateReady, false},
		{plan.KindValidateTopology, StateCompleted, false},
		{plan.KindStop, StateBlocked, false},
	} {
		op := Operation{Sequence: 4, OperationID: "x", Kind: c.kind, State: c.state, BlockingReasons: []string{}}
		if c.state == StateFailed || c.state == StateBlocked {
			op.BlockingReasons = []string{"why"}
		}
		err := RearmOp(&op, &at)
		if (err == nil) != c.ok {
			t.Errorf("RearmOp(%s %s) = %v, want ok=%v", c.kind, c.state, err, c.ok)
		}
		if c.ok && (op.State != StateReady || len(op.BlockingReasons) != 0 || *op.StateUpdatedAt != at) {
			t.Errorf("after RearmOp: %+v", op)
		}
		if !c.ok && !errors.Is(err, ErrInvalidOperationTransition) {
			t.Errorf("RearmOp(%s %s) error %v, want ErrInvalidOperationTransition", c.kind, c.state, err)
		}
	}
}
