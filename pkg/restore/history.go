package restore

import "fmt"

// History is what a pipeline recorded about one journal operation: its state now and every
// finished attempt, oldest first. The pipeline keeps one record per operation; WithHistory folds
// the records back into the apply journal that is exported as `restore-apply-journal.json`.
type History struct {
	State State
	// At is the state's timestamp marker (nil while never claimed).
	At *string
	// SnapshotIDsBefore is an upload's recorded inventory baseline (nil when none was recorded).
	SnapshotIDsBefore *[]string
	Attempts          []HistoryAttempt
}

// HistoryAttempt is one finished attempt.
type HistoryAttempt struct {
	Completed bool
	At        string
	// Reason is a failed attempt's failure reason.
	Reason string
	// UploadedSnapshotID is a completed upload's target-side snapshot id.
	UploadedSnapshotID string
	// Command is the executor call that stands for the attempt's command.
	Command Command
}

// WithHistory returns a copy of j (the journal as admitted) whose operations carry the states,
// baselines and receipts of h (one History per operation, in sequence order), recounted and
// validated.
func (j *Journal) WithHistory(h []History) (*Journal, error) {
	if len(h) != len(j.Operations) {
		return nil, fmt.Errorf("restore journal has %d operations, history %d", len(j.Operations), len(h))
	}
	out := *j
	out.Operations = append([]Operation{}, j.Operations...)
	out.OperationReceipts = []Receipt{}
	for i := range out.Operations {
		out.applyHistory(&out.Operations[i], h[i])
	}
	out.recount()
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return &out, nil
}

func (j *Journal) applyHistory(op *Operation, h History) {
	op.State, op.StateUpdatedAt, op.BlockingReasons = h.State, clone(h.At), []string{}
	if h.SnapshotIDsBefore != nil {
		ids := append([]string{}, *h.SnapshotIDsBefore...)
		op.SnapshotIDsBefore = &ids
	}
	for n, a := range h.Attempts {
		outcome, status := OutcomeCommandCompleted, "0"
		if !a.Completed {
			outcome, status = OutcomeCommandFailed, "1"
		}
		r := newReceipt(op, outcome, n+1, Attempt{At: a.At, Command: a.Command, Status: status})
		if a.Completed && op.Operation == KindUploadSnapshot {
			r.UploadedSnapshotID = strp(a.UploadedSnapshotID)
		}
		if !a.Completed {
			r.FailureReason = strp(a.Reason)
		}
		j.OperationReceipts = append(j.OperationReceipts, r)
	}
	if last := len(h.Attempts) - 1; last >= 0 && (op.State == StateCompleted || op.State == StateFailed) {
		op.StateUpdatedAt = strp(h.Attempts[last].At)
		if op.State == StateFailed {
			op.BlockingReasons = []string{h.Attempts[last].Reason}
		}
	}
}
