package journal

import (
	"slices"
	"testing"
)

// §4.4 whole-journal validation, first failure wins.
func TestValidate(t *testing.T) {
	p := subtreePlan()
	for _, tt := range validateCases() {
		t.Run(tt.name, func(t *testing.T) {
			j := newJournal(t, p)
			if tt.accepted {
				j = acceptedJournal(t, p)
			}
			tt.mutate(j)
			err := j.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, tt.want, tt.check)
		})
	}
}

// validateCase is one journal mutation and the first error Validate must report.
type validateCase struct {
	name     string
	accepted bool
	mutate   func(*Journal)
	want     error
	check    func(*Error) bool
}

// validateCases returns the table for TestValidate.
func validateCases() []validateCase {
	return []validateCase{
		{"valid fresh", false, func(*Journal) {}, nil, nil},
		{"valid accepted", true, func(*Journal) {}, nil, nil},
		{"array order is free", true, func(j *Journal) { slices.Reverse(j.Operations) }, nil, nil},
		{"restart_required not cross-checked", true, func(j *Journal) { j.RestartRequired = true }, nil, nil},
		{"version", true, func(j *Journal) { j.JournalVersion = 2 }, ErrUnsupportedVersion,
			func(e *Error) bool { return e.Version == 2 }},
		{"plan_id", true, func(j *Journal) { j.PlanID = " " }, ErrMissingField, isField("plan_id")},
		{"run_id", true, func(j *Journal) { j.RunID = "" }, ErrMissingField, isField("run_id")},
		{"empty preflight_id", true, func(j *Journal) { j.PreflightID = ptr("") }, ErrMissingField, isField("preflight_id")},
		{"accepted without id", true, func(j *Journal) { j.PreflightID = nil }, ErrAcceptedPreflightMissingID, nil},
		{"duplicate sequence", true, func(j *Journal) { j.Operations[3].Sequence = 1 }, ErrDuplicateSequence, isSeq(1)},
		{"duplicate out of range", true, func(j *Journal) { j.Operations[3].Sequence, j.Operations[4].Sequence = 50, 50 },
			ErrDuplicateSequence, isSeq(50)},
		{"gap", true, func(j *Journal) { j.Operations[9].Sequence = 10 }, ErrMissingSequence, isSeq(9)},
		{"negative", true, func(j *Journal) { j.Operations[0].Sequence = -1 }, ErrMissingSequence, isSeq(0)},
		{"operation_id", true, func(j *Journal) { j.Operations[2].OperationID = "" }, ErrMissingField,
			isField("operations[].operation_id")},
		{"state_updated_at", true, func(j *Journal) { j.Operations[2].StateUpdatedAt = ptr(" ") }, ErrMissingField,
			isField("operations[].state_updated_at")},
		{"target", true, func(j *Journal) { j.Operations[4].TargetCanisterID = ptr("") }, ErrMissingField,
			isField("operations[].target_canister_id")},
		{"blocked without reason", true, func(j *Journal) { j.Operations[4].State = StateBlocked }, ErrOperationMissingReason, isSeq(4)},
		{"failed without reason", true, func(j *Journal) { j.Operations[4].State = StateFailed }, ErrOperationMissingReason, isSeq(4)},
		{"ready with reason", true, func(j *Journal) { j.Operations[4].BlockingReasons = []string{"x"} },
			ErrUnblockedOperationHasReasons, isSeq(4)},
		{"unknown state", true, func(j *Journal) { j.Operations[4].State = "paused" }, ErrUnknownState, nil},
		{"ready before preflight", false, func(j *Journal) {
			j.Operations[6].State, j.Operations[6].BlockingReasons = StateReady, []string{}
		}, ErrMutationReadyBeforePreflight, isSeq(6)},
		{"shape before preflight rule, in array order", false, func(j *Journal) {
			j.Operations[5].State, j.Operations[5].BlockingReasons = StateReady, []string{}
			j.Operations[6].OperationID = ""
		}, ErrMutationReadyBeforePreflight, isSeq(5)},
	}
}

// A valid journal whose operations are out of array order still resolves sequences.
func TestTransitionsWithShuffledOperations(t *testing.T) {
	j := acceptedJournal(t, subtreePlan())
	slices.Reverse(j.Operations)
	if err := j.MarkPending(4, ptr("unix:1")); err != nil {
		t.Fatal(err)
	}
	if err := j.RecordReceipt(completedReceipt(j.Header(), *j.NextReady(), "unix:2")); err != nil {
		t.Fatal(err)
	}
	if next := j.NextReady(); next.Sequence != 5 {
		t.Fatalf("next = %d", next.Sequence)
	}
}
