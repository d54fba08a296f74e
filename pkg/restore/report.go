package restore

// Report outcomes (RESTORE §4.5).
const (
	OutcomeEmpty      = "empty"
	OutcomeComplete   = "complete"
	OutcomeFailed     = "failed"
	OutcomeBlocked    = "blocked"
	OutcomePending    = "pending"
	OutcomeInProgress = "in-progress"
)

// Next actions for the operator (RESTORE §4.5, 0.108 values).
const (
	NextActionDone              = "done"
	NextActionRetryFailed       = "retry-failed"
	NextActionRerun             = "rerun"
	NextActionFixBlockedJournal = "fix-blocked-journal"
)

// Report is what an operator reads from a journal at rest: the outcome, whether it needs
// attention, the next action, progress and the operations that hold the restore.
type Report struct {
	BackupID          string         `json:"backup_id"`
	Outcome           string         `json:"outcome"`
	Ready             bool           `json:"ready"`
	Complete          bool           `json:"complete"`
	AttentionRequired bool           `json:"attention_required"`
	NextAction        string         `json:"next_action"`
	BlockedReasons    []string       `json:"blocked_reasons"`
	Progress          Progress       `json:"progress"`
	PendingSummary    PendingSummary `json:"pending_summary"`
	NextTransition    *ReportRow     `json:"next_transition"`
	Pending           []ReportRow    `json:"pending"`
	Failed            []ReportRow    `json:"failed"`
	Blocked           []ReportRow    `json:"blocked"`
}

// Progress counts done and remaining work; basis points are completed·10000/count.
type Progress struct {
	OperationCount           int `json:"operation_count"`
	CompletedOperations      int `json:"completed_operations"`
	RemainingOperations      int `json:"remaining_operations"`
	TransitionableOperations int `json:"transitionable_operations"`
	AttentionOperations      int `json:"attention_operations"`
	CompletionBasisPoints    int `json:"completion_basis_points"`
}

// PendingSummary describes the lowest-sequence pending operation, if any.
type PendingSummary struct {
	PendingOperations         int     `json:"pending_operations"`
	PendingOperationAvailable bool    `json:"pending_operation_available"`
	PendingSequence           *int    `json:"pending_sequence"`
	PendingOperation          *Kind   `json:"pending_operation"`
	PendingUpdatedAt          *string `json:"pending_updated_at"`
	PendingUpdatedAtKnown     bool    `json:"pending_updated_at_known"`
}

// ReportRow is one operation as a report lists it.
type ReportRow struct {
	Sequence       int      `json:"sequence"`
	Operation      Kind     `json:"operation"`
	State          State    `json:"state"`
	MemberOrder    int      `json:"member_order"`
	Role           string   `json:"role"`
	SourceCanister string   `json:"source_canister"`
	TargetCanister string   `json:"target_canister"`
	StateUpdatedAt *string  `json:"state_updated_at"`
	Reasons        []string `json:"reasons"`
}

// Report summarizes the journal (RESTORE §4.5).
func (j *Journal) Report() Report {
	r := Report{BackupID: j.BackupID, Ready: j.Ready, Complete: j.Done(),
		BlockedReasons: append([]string{}, j.BlockedReasons...),
		Pending:        []ReportRow{}, Failed: []ReportRow{}, Blocked: []ReportRow{}}
	r.Outcome, r.NextAction = j.outcome()
	r.AttentionRequired = r.Outcome == OutcomeFailed || r.Outcome == OutcomeBlocked || r.Outcome == OutcomePending
	r.Progress = Progress{OperationCount: j.OperationCount, CompletedOperations: j.CompletedOperations,
		RemainingOperations:      j.OperationCount - j.CompletedOperations,
		TransitionableOperations: j.ReadyOperations + j.PendingOperations,
		AttentionOperations:      j.PendingOperations + j.BlockedOperations + j.FailedOperations}
	if j.OperationCount > 0 {
		r.Progress.CompletionBasisPoints = j.CompletedOperations * 10000 / j.OperationCount
	}
	if next, ok := j.NextTransition(); ok {
		row := rowOf(next)
		r.NextTransition = &row
	}
	r.PendingSummary.PendingOperations = j.PendingOperations
	for i := range j.Operations {
		op := &j.Operations[i]
		switch op.State {
		case StatePending:
			r.Pending = append(r.Pending, rowOf(op))
			r.PendingSummary.note(op)
		case StateFailed:
			r.Failed = append(r.Failed, rowOf(op))
		case StateBlocked:
			r.Blocked = append(r.Blocked, rowOf(op))
		}
	}
	return r
}

// outcome is the report outcome and next action, first match wins.
func (j *Journal) outcome() (string, string) {
	switch {
	case len(j.Operations) == 0:
		return OutcomeEmpty, NextActionRerun
	case j.Done():
		return OutcomeComplete, NextActionDone
	case j.FailedOperations > 0:
		return OutcomeFailed, NextActionRetryFailed
	case !j.Ready || j.BlockedOperations > 0:
		return OutcomeBlocked, NextActionFixBlockedJournal
	case j.PendingOperations > 0:
		return OutcomePending, NextActionRerun
	}
	return OutcomeInProgress, NextActionRerun
}

// note records op in the summary when it is the lowest-sequence pending operation so far.
func (s *PendingSummary) note(op *Operation) {
	if s.PendingSequence != nil && *s.PendingSequence < op.Sequence {
		return
	}
	seq, kind := op.Sequence, op.Operation
	s.PendingOperationAvailable, s.PendingSequence, s.PendingOperation = true, &seq, &kind
	s.PendingUpdatedAt = clone(op.StateUpdatedAt)
	s.PendingUpdatedAtKnown = op.StateUpdatedAt != nil && *op.StateUpdatedAt != "" && *op.StateUpdatedAt != "unknown"
}

func rowOf(op *Operation) ReportRow {
	return ReportRow{Sequence: op.Sequence, Operation: op.Operation, State: op.State, MemberOrder: op.MemberOrder,
		Role: op.Role, SourceCanister: op.SourceCanister, TargetCanister: op.TargetCanister,
		StateUpdatedAt: clone(op.StateUpdatedAt), Reasons: append([]string{}, op.BlockingReasons...)}
}
