package restore

import (
	"strconv"
)

// Validate checks an apply journal (RESTORE §4.3) in the reference's order, then the 0.108
// read-time rule that every terminal operation's latest receipt agrees with it. It runs after
// every transition and on every read; the first failure wins.
func (j *Journal) Validate() error {
	if j == nil {
		return fieldErr(ErrMissingField, "journal")
	}
	steps := []func() *Error{j.validateHeader, j.validateCounts, j.validateReadyState,
		j.validateSequences, j.validateOperations, j.validateReceipts, j.validateTerminalReceipts}
	for _, step := range steps {
		if e := step(); e != nil {
			return e
		}
	}
	return nil
}

func (j *Journal) validateHeader() *Error {
	switch {
	case j.JournalVersion != JournalVersion:
		e := fieldErr(ErrUnsupportedVersion, "journal_version")
		e.Actual = strconv.Itoa(int(j.JournalVersion))
		return e
	case j.BackupID == "":
		return fieldErr(ErrMissingField, "backup_id")
	case j.BackupRoot != nil && *j.BackupRoot == "":
		return fieldErr(ErrMissingField, "backup_root")
	}
	return nil
}

// validateCounts compares every stored counter with a recount.
func (j *Journal) validateCounts() *Error {
	want := Journal{Operations: j.Operations}
	want.recount()
	rows := []struct {
		field            string
		reported, actual int
	}{
		{"operation_count", j.OperationCount, want.OperationCount},
		{"operation_counts.canister_stops", j.OperationCounts.CanisterStops, want.OperationCounts.CanisterStops},
		{"operation_counts.canister_starts", j.OperationCounts.CanisterStarts, want.OperationCounts.CanisterStarts},
		{"operation_counts.snapshot_uploads", j.OperationCounts.SnapshotUploads, want.OperationCounts.SnapshotUploads},
		{"operation_counts.snapshot_loads", j.OperationCounts.SnapshotLoads, want.OperationCounts.SnapshotLoads},
		{"operation_counts.member_verifications", j.OperationCounts.MemberVerifications, want.OperationCounts.MemberVerifications},
		{"operation_counts.deployment_verifications", j.OperationCounts.DeploymentVerifications, want.OperationCounts.DeploymentVerifications},
		{"operation_counts.verification_operations", j.OperationCounts.VerificationOperations, want.OperationCounts.VerificationOperations},
		{"operation_counts.finalize_operations", j.OperationCounts.FinalizeOperations, want.OperationCounts.FinalizeOperations},
		{"pending_operations", j.PendingOperations, want.PendingOperations},
		{"ready_operations", j.ReadyOperations, want.ReadyOperations},
		{"blocked_operations", j.BlockedOperations, want.BlockedOperations},
		{"completed_operations", j.CompletedOperations, want.CompletedOperations},
		{"failed_operations", j.FailedOperations, want.FailedOperations},
	}
	for _, r := range rows {
		if r.reported != r.actual {
			e := fieldErr(ErrCountMismatch, r.field)
			e.Expected, e.Actual = strconv.Itoa(r.actual), strconv.Itoa(r.reported)
			return e
		}
	}
	return nil
}

func (j *Journal) validateReadyState() *Error {
	if j.Ready && (len(j.BlockedReasons) > 0 || j.BlockedOperations > 0) {
		return fieldErr(ErrReadyJournalHasBlockingState, "ready")
	}
	return nil
}

// validateSequences requires the sequences to be exactly 0..len-1, each once.
func (j *Journal) validateSequences() *Error {
	seen := make([]bool, len(j.Operations))
	for i := range j.Operations {
		s := j.Operations[i].Sequence
		if s >= 0 && s < len(seen) && seen[s] {
			return opErr(ErrDuplicateSequence, s)
		}
		if s >= 0 && s < len(seen) {
			seen[s] = true
		}
	}
	for s, ok := range seen {
		if !ok {
			return opErr(ErrMissingSequence, s)
		}
	}
	return nil
}

func (j *Journal) validateOperations() *Error {
	for i := range j.Operations {
		op := &j.Operations[i]
		checks := []func() *Error{op.validateIdentity, op.validateKindFields, op.validateInventory, op.validateReasons}
		for _, check := range checks {
			if e := check(); e != nil {
				return e
			}
		}
	}
	return nil
}

func (op *Operation) validateIdentity() *Error {
	missing := func(field string) *Error {
		e := fieldErr(ErrMissingField, "operations[]."+field)
		e.Sequence = op.Sequence
		return e
	}
	switch {
	case !knownKind(op.Operation):
		e := fieldErr(ErrUnknownValue, "operations[].operation")
		e.Sequence, e.Value = op.Sequence, string(op.Operation)
		return e
	case !knownState(op.State):
		e := fieldErr(ErrUnknownValue, "operations[].state")
		e.Sequence, e.Value = op.Sequence, string(op.State)
		return e
	case op.SourceCanister == "":
		return missing("source_canister")
	case op.TargetCanister == "":
		return missing("target_canister")
	case op.Role == "":
		return missing("role")
	case op.StateUpdatedAt != nil && *op.StateUpdatedAt == "":
		return missing("state_updated_at")
	case op.ExpectedModuleHash != nil && *op.ExpectedModuleHash == "":
		return missing("expected_module_hash")
	}
	return nil
}

func knownKind(k Kind) bool {
	switch k {
	case KindUploadSnapshot, KindStop, KindLoadSnapshot, KindStart, KindCheckMember, KindFinalizeRestore:
		return true
	}
	return false
}

func knownState(s State) bool {
	switch s {
	case StatePending, StateReady, StateBlocked, StateCompleted, StateFailed:
		return true
	}
	return false
}
