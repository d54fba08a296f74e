package restore

import (
	"slices"
	"testing"
)

func TestR21_OutputCapture(t *testing.T) {
	if got := CaptureOutput([]byte("abcdef"), 3); got != (Output{Text: "def", Truncated: true, OriginalBytes: 6}) {
		t.Fatalf("got %+v", got)
	}
	cut := CaptureOutput([]byte("x€y"), 3) // keeps the euro sign's last two bytes and y
	if cut.Text != "\uFFFD\uFFFDy" || !cut.Truncated || cut.OriginalBytes != 5 {
		t.Fatalf("got %+v", cut)
	}
}

func TestR22_ReadyOnlyWithArtifactValidation(t *testing.T) {
	p, j := readyJournal(t)
	if !j.Ready || len(j.BlockedReasons) != 0 || j.ReadyOperations != 11 {
		t.Fatalf("validated journal %+v", j)
	}
	blocked, err := NewJournal(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if blocked.Ready || !slices.Equal(blocked.BlockedReasons, []string{"missing-artifact-validation"}) ||
		blocked.BlockedOperations != 11 || blocked.BackupRoot != nil {
		t.Fatalf("unvalidated journal %+v", blocked)
	}
	for _, op := range blocked.Operations {
		if op.State != StateBlocked || !slices.Equal(op.BlockingReasons, []string{"missing-artifact-validation"}) {
			t.Fatalf("operation %+v", op)
		}
	}
}

func TestR23_ReportOfReadyJournal(t *testing.T) {
	_, j := readyJournal(t)
	r := j.Report()
	if j.JournalVersion != 1 || r.Complete || r.AttentionRequired || r.Outcome != OutcomeInProgress || r.NextAction != NextActionRerun {
		t.Fatalf("report %+v", r)
	}
	if r.Progress != (Progress{OperationCount: 11, RemainingOperations: 11, TransitionableOperations: 11}) {
		t.Fatalf("progress %+v", r.Progress)
	}
	if r.PendingSummary != (PendingSummary{}) {
		t.Fatalf("pending %+v", r.PendingSummary)
	}
	if n := r.NextTransition; n == nil || n.Sequence != 0 || n.State != StateReady || n.Operation != KindUploadSnapshot {
		t.Fatalf("next %+v", n)
	}
}

func TestR24_NextAfterFirstCompletion(t *testing.T) {
	p, j := readyJournal(t)
	completeThrough(t, j, 0, StrictOrder{})
	if n := j.Report().NextTransition; n.Sequence != 1 || n.Operation != KindUploadSnapshot || n.SourceCanister != childID {
		t.Fatalf("next %+v", n)
	}
	blocked, _ := NewJournal(p, nil)
	r := blocked.Report()
	if r.NextTransition != nil || !slices.Equal(r.BlockedReasons, []string{"missing-artifact-validation"}) ||
		r.Outcome != OutcomeBlocked || r.NextAction != NextActionFixBlockedJournal || !r.AttentionRequired {
		t.Fatalf("blocked report %+v", r)
	}
}
