package layout

import (
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// ExecutionReport is the outcome of ExecutionIntegrity (§9.3).
type ExecutionReport struct {
	PlanID            string `json:"plan_id"`
	RunID             string `json:"run_id"`
	Verified          bool   `json:"verified"`
	PlanOperations    int    `json:"plan_operations"`
	JournalOperations int    `json:"journal_operations"`
}

// ExecutionIntegrity reads and validates dir's plan and execution journal and checks that the
// journal belongs to the plan: same plan and run ids, as many operations as phases, and each
// operation equal to the phase at the same position in sequence, id, kind and target.
func ExecutionIntegrity(dir string) (*ExecutionReport, error) {
	p, err := ReadPlan(dir)
	if err != nil {
		return nil, err
	}
	j, err := ReadJournal(dir)
	if err != nil {
		return nil, err
	}
	if err := CheckExecution(p, j); err != nil {
		return nil, err
	}
	return &ExecutionReport{PlanID: p.PlanID, RunID: p.RunID, Verified: true,
		PlanOperations: len(p.Phases), JournalOperations: len(j.Operations)}, nil
}

// CheckExecution is ExecutionIntegrity's comparison of a plan with a journal, for callers that
// hold both already.
func CheckExecution(p *plan.Plan, j *journal.Journal) error {
	switch {
	case p == nil || j == nil:
		return &Error{Err: ErrPlanJournalMismatch, Field: "document", Cause: errNilDocument}
	case p.PlanID != j.PlanID:
		return mismatch("plan_id", p.PlanID, j.PlanID)
	case p.RunID != j.RunID:
		return mismatch("run_id", p.RunID, j.RunID)
	case len(p.Phases) != len(j.Operations):
		return mismatch("operation_count", strconv.Itoa(len(p.Phases)), strconv.Itoa(len(j.Operations)))
	}
	for i := range p.Phases {
		if err := checkOperation(&p.Phases[i], &j.Operations[i]); err != nil {
			return err
		}
	}
	return nil
}

func mismatch(field, planValue, journalValue string) *Error {
	return &Error{Err: ErrPlanJournalMismatch, Field: field, Expected: planValue, Actual: journalValue}
}

func checkOperation(ph *plan.Operation, op *journal.Operation) error {
	opErr := func(field, planValue, journalValue string) *Error {
		return &Error{Err: ErrPlanJournalOperationMismatch, Sequence: op.Sequence, Field: field,
			Expected: planValue, Actual: journalValue}
	}
	switch {
	case int64(ph.Order) != int64(op.Sequence):
		return opErr("sequence", strconv.FormatUint(uint64(ph.Order), 10), strconv.Itoa(op.Sequence))
	case ph.OperationID != op.OperationID:
		return opErr("operation_id", ph.OperationID, op.OperationID)
	case ph.Kind != op.Kind:
		return opErr("kind", string(ph.Kind), string(op.Kind))
	case !equalPtr(ph.TargetCanisterID, op.TargetCanisterID):
		return opErr("target_canister_id", deref(ph.TargetCanisterID), deref(op.TargetCanisterID))
	}
	return nil
}

func equalPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
