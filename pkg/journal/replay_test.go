package journal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// records simulates the pipeline's store: one record per operation, a run header with Counts,
// and receipts in the order they were recorded. Every change goes through the per-op API.
type records struct {
	h        Header
	ops      map[int]Operation
	counts   Counts
	receipts []Receipt
}

func newRecords(p *plan.Plan) *records {
	s := &records{h: NewHeader(p), ops: map[int]Operation{}}
	for _, ph := range p.Phases {
		op := NewOperation(ph)
		s.ops[op.Sequence] = op
		s.counts.Add(op.Kind, op.State)
	}
	return s
}

// update applies one per-op transition to the record of seq and keeps the counts current.
func (s *records) update(seq int, f func(*Operation) error) error {
	op := s.ops[seq]
	from := op.State
	if err := f(&op); err != nil {
		return err
	}
	s.ops[seq] = op
	s.counts.Apply(op.Kind, from, op.State)
	return nil
}

func (s *records) accept(planID, id string, at *string) error {
	if err := s.h.AcceptPreflight(planID, id, at); err != nil {
		return err
	}
	for seq := range s.ops {
		if err := s.update(seq, func(op *Operation) error { return AcceptOp(op, at) }); err != nil {
			return err
		}
	}
	return nil
}

func (s *records) record(r Receipt) error {
	op, ok := s.ops[r.Sequence]
	if !ok {
		return RecordOp(nil, r, s.h)
	}
	err := s.update(op.Sequence, func(op *Operation) error { return RecordOp(op, r, s.h) })
	if err == nil {
		s.receipts = append(s.receipts, r)
	}
	return err
}

// A whole run replayed through the whole-document API and through the per-op API gives the
// same journal, byte for byte, and the same summary after every step.
func TestReplayPerOpEqualsWholeDocument(t *testing.T) {
	p := fleetPlan(3)
	whole := newJournal(t, p)
	ops := newRecords(p)
	failures := map[string]int{"snapshot-" + p.Targets[2].CanisterID: 1, "download-" + appID: 2}
	skipped := "start-" + p.Targets[1].CanisterID
	step := func(name string, a, b error) {
		t.Helper()
		if a != nil || b != nil {
			t.Fatalf("%s: whole %v, per-op %v", name, a, b)
		}
		if got, want := ops.counts.Summary(ops.h, whole.NextReady()), whole.Summary(); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: summaries differ:\nper-op %+v\nwhole  %+v", name, got, want)
		}
	}
	step("accept", whole.AcceptPreflight(p.PlanID, preflightID, ptr("unix:10")), ops.accept(p.PlanID, preflightID, ptr("unix:10")))
	for i := 0; ; i++ {
		next := whole.NextReady()
		if next == nil {
			break
		}
		seq, at := next.Sequence, ptr(fmt.Sprintf("unix:%d", 100+i))
		if next.State == StateFailed && failures[next.OperationID]%2 == 1 {
			step("retry", whole.RetryFailed(seq, at), ops.update(seq, func(op *Operation) error { return RetryOp(op, at) }))
		}
		step("claim", whole.MarkPending(seq, at),
			ops.update(seq, func(op *Operation) error { return ClaimOp(op, ops.h.PreflightAccepted, at) }))
		rw, ro := completedReceipt(whole.Header(), whole.Operations[seq], *at), completedReceipt(ops.h, ops.ops[seq], *at)
		if failures[next.OperationID] > 0 {
			failures[next.OperationID]--
			rw = whole.FailedReceipt(whole.Operations[seq], at, "boom")
			ro = ops.h.FailedReceipt(ops.ops[seq], at, "boom")
		} else if next.OperationID == skipped {
			rw.Outcome, ro.Outcome = OutcomeSkipped, OutcomeSkipped
		}
		step("record", whole.RecordReceipt(rw), ops.record(ro))
	}
	if s := whole.Summary(); !ops.counts.Complete() || s.CompletedOperations+s.SkippedOperations != s.TotalOperations || whole.RestartRequired {
		t.Fatalf("run not complete: %+v", s)
	}
	assembled, err := Assemble(ops.h, shuffled(ops.ops), ops.receipts)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := marshal(t, assembled), marshal(t, whole); !bytes.Equal(got, want) {
		t.Fatalf("assembled journal differs:\n%s\nwant\n%s", got, want)
	}
	if len(whole.OperationReceipts) != len(p.Phases)-4+3 {
		t.Fatalf("receipts = %d", len(whole.OperationReceipts))
	}
}

// Assemble rejects records that do not form a valid journal, and copies what it is given.
func TestAssemble(t *testing.T) {
	p := subtreePlan()
	s := newRecords(p)
	ops := shuffled(s.ops)
	for i := range ops {
		if ops[i].Kind.IsPreflight() {
			ops[i].BlockingReasons = nil // Assemble writes [] for it
		}
	}
	j, err := Assemble(s.h, ops, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j.OperationReceipts == nil || !bytes.Equal(marshal(t, j), marshal(t, newJournal(t, p))) {
		t.Fatalf("assembled fresh journal differs")
	}
	j.Operations[0].OperationID = "changed"
	if ops[0].OperationID == "changed" {
		t.Fatal("Assemble aliases its input")
	}
	_, err = Assemble(s.h, withoutSequence(ops, 0), nil) // not the last one: a gap, not a shorter journal
	wantErr(t, err, ErrMissingSequence, nil)
	h := s.h
	h.PreflightAccepted = true
	_, err = Assemble(h, ops, nil)
	wantErr(t, err, ErrAcceptedPreflightMissingID, nil)
}

func shuffled(m map[int]Operation) []Operation {
	out := make([]Operation, 0, len(m))
	for _, op := range m {
		out = append(out, cloneOp(op))
	}
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// withoutSequence is ops without the operation of sequence seq.
func withoutSequence(ops []Operation, seq int) []Operation {
	var out []Operation
	for _, op := range ops {
		if op.Sequence != seq {
			out = append(out, op)
		}
	}
	return out
}
