package restore

import (
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// The pipeline plan of fixture A: four validate phases, then the journal's operations one to
// one; the root restored in place makes it a maintenance-root plan; deployment-free.
func TestPipelinePlanMirrorsTheJournal(t *testing.T) {
	p, j := readyJournal(t)
	bp, err := PipelinePlan(PipelineInput{RunID: "r1", Fleet: "f", Network: "local"}, p, j)
	if err != nil {
		t.Fatal(err)
	}
	if len(bp.Phases) != PreflightPhases+len(j.Operations) || !bp.IsRestore() || !bp.RootIncluded {
		t.Fatalf("pipeline plan: %d phases, restore %v, root included %v", len(bp.Phases), bp.IsRestore(), bp.RootIncluded)
	}
	for i, op := range j.Operations {
		ph := bp.Phases[i+PreflightPhases]
		if string(ph.Kind) != string(op.Operation) || ph.OperationID != PipelineOperationID(&op) {
			t.Errorf("phase %d = %s %s, journal operation %d is %s", i+PreflightPhases, ph.Kind, ph.OperationID, i, op.Operation)
		}
	}
	doc := &RunDocument{RunID: "r1", Plan: p, Journal: j}
	for seq := PreflightPhases; seq < len(bp.Phases); seq++ {
		op, _ := doc.Operation(seq)
		if op.Operation != KindLoadSnapshot {
			continue
		}
		up, err := doc.UploadOf(seq)
		if err != nil || bp.Phases[up].Kind != plan.KindUploadSnapshot || *bp.Phases[up].TargetCanisterID != op.TargetCanister {
			t.Errorf("upload of load %d = %d, %v", seq, up, err)
		}
	}
	if _, err := doc.Operation(2); err == nil {
		t.Error("a validate phase has no restore operation")
	}
}

// WithHistory folds attempts into the journal: a failed then completed upload keeps both
// receipts in attempt order, the load names the uploaded id's snapshot, and counts follow.
func TestWithHistoryFoldsAttempts(t *testing.T) {
	_, j := readyJournal(t)
	h := make([]History, len(j.Operations))
	for i := range h {
		h[i].State = StateReady
	}
	base := []string{"old"}
	h[0] = History{State: StateCompleted, SnapshotIDsBefore: &base, Attempts: []HistoryAttempt{
		{At: at1, Reason: "upload refused", Command: attempt(at1).Command},
		{Completed: true, At: "unix:2", UploadedSnapshotID: "up-1", Command: attempt("unix:2").Command}}}
	out, err := j.WithHistory(h)
	if err != nil {
		t.Fatal(err)
	}
	if out.CompletedOperations != 1 || out.ReadyOperations != len(j.Operations)-1 || len(out.OperationReceipts) != 2 {
		t.Fatalf("counts: completed %d ready %d receipts %d", out.CompletedOperations, out.ReadyOperations, len(out.OperationReceipts))
	}
	if r := out.OperationReceipts[1]; r.Attempt != 2 || r.UploadedSnapshotID == nil || *r.UploadedSnapshotID != "up-1" {
		t.Fatalf("second receipt: %+v", r)
	}
	if j.CompletedOperations != 0 || len(j.OperationReceipts) != 0 {
		t.Fatal("WithHistory changed the admitted journal")
	}
	h[0].SnapshotIDsBefore = nil // a completed upload without its baseline is not a valid journal
	if _, err := j.WithHistory(h); !errors.Is(err, ErrMissingField) {
		t.Fatalf("err = %v, want ErrMissingField", err)
	}
}
