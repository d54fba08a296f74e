package restore

// validateReceipts checks attempts, then each receipt against its operation (RESTORE §4.6).
func (j *Journal) validateReceipts() *Error {
	type key struct{ sequence, attempt int }
	seen := make(map[key]bool, len(j.OperationReceipts))
	for i := range j.OperationReceipts {
		r := &j.OperationReceipts[i]
		if r.Attempt < 1 {
			e := opErr(ErrInvalidOperationReceiptAttempt, r.Sequence)
			e.Attempt = r.Attempt
			return e
		}
		if seen[key{r.Sequence, r.Attempt}] {
			e := opErr(ErrDuplicateOperationReceiptAttempt, r.Sequence)
			e.Attempt = r.Attempt
			return e
		}
		seen[key{r.Sequence, r.Attempt}] = true
	}
	for i := range j.OperationReceipts {
		if e := j.validateReceipt(&j.OperationReceipts[i]); e != nil {
			return e
		}
	}
	return nil
}

func (j *Journal) validateReceipt(r *Receipt) *Error {
	op := j.find(r.Sequence)
	if op == nil {
		return opErr(ErrOperationReceiptOperationNotFound, r.Sequence)
	}
	mismatch := func(field string) *Error {
		e := fieldErr(ErrOperationReceiptMismatch, "operation_receipts[]."+field)
		e.Sequence, e.Attempt = r.Sequence, r.Attempt
		return e
	}
	if r.Operation != op.Operation || r.SourceCanister != op.SourceCanister || r.TargetCanister != op.TargetCanister {
		return mismatch("operation")
	}
	if r.Outcome != OutcomeCommandCompleted && r.Outcome != OutcomeCommandFailed {
		e := fieldErr(ErrUnknownValue, "operation_receipts[].outcome")
		e.Sequence, e.Value = r.Sequence, r.Outcome
		return e
	}
	if e := r.validatePresence(); e != nil {
		return e
	}
	if r.Operation == KindUploadSnapshot || r.Operation == KindLoadSnapshot {
		if !nonBlank(r.SourceSnapshotID) || !nonBlank(r.ArtifactPath) || !equalPtr(r.SourceSnapshotID, op.SnapshotID) ||
			!equalPtr(r.ArtifactPath, op.ArtifactPath) || !equalChecksum(r.ArtifactChecksum, op.ArtifactChecksum) {
			return mismatch("artifact")
		}
	}
	if r.UploadedSnapshotID != nil && (r.Operation != KindUploadSnapshot || *r.UploadedSnapshotID == "") {
		return mismatch("uploaded_snapshot_id")
	}
	if r.Operation == KindUploadSnapshot && r.Outcome == OutcomeCommandCompleted && r.UploadedSnapshotID == nil {
		return r.missing("uploaded_snapshot_id")
	}
	if r.Outcome == OutcomeCommandFailed && !nonBlank(r.FailureReason) {
		e := opErr(ErrFailureReasonRequired, r.Sequence)
		e.Field, e.Attempt = "operation_receipts[].failure_reason", r.Attempt
		return e
	}
	return nil
}

// validatePresence requires the fields every 0.108 receipt carries.
func (r *Receipt) validatePresence() *Error {
	switch {
	case !nonBlank(r.UpdatedAt):
		return r.missing("updated_at")
	case r.Command == nil:
		return r.missing("command")
	case r.Command.Program == "":
		return r.missing("command.program")
	case len(r.Command.Args) == 0:
		return r.missing("command.args")
	case r.Command.Note == "":
		return r.missing("command.note")
	case !nonBlank(r.Status):
		return r.missing("status")
	case r.Stdout == nil:
		return r.missing("stdout")
	case r.Stderr == nil:
		return r.missing("stderr")
	}
	return nil
}

func (r *Receipt) missing(field string) *Error {
	e := fieldErr(ErrMissingField, "operation_receipts[]."+field)
	e.Sequence, e.Attempt = r.Sequence, r.Attempt
	return e
}

// validateTerminalReceipts requires every completed or failed operation's latest receipt to
// agree with it: kind, ids, outcome and timestamp (the 0.108 read-time check).
func (j *Journal) validateTerminalReceipts() *Error {
	latest := make(map[int]*Receipt, len(j.OperationReceipts))
	for i := range j.OperationReceipts {
		r := &j.OperationReceipts[i]
		if prev, ok := latest[r.Sequence]; !ok || r.Attempt > prev.Attempt {
			latest[r.Sequence] = r
		}
	}
	for i := range j.Operations {
		op := &j.Operations[i]
		want, terminal := terminalOutcome(op.State)
		if !terminal {
			continue
		}
		r, ok := latest[op.Sequence]
		if !ok {
			e := opErr(ErrTerminalOperationMissingReceipt, op.Sequence)
			e.Value = string(op.State)
			return e
		}
		if r.Operation != op.Operation || r.SourceCanister != op.SourceCanister ||
			r.TargetCanister != op.TargetCanister || r.Outcome != want || !equalPtr(r.UpdatedAt, op.StateUpdatedAt) {
			e := opErr(ErrTerminalOperationReceiptMismatch, op.Sequence)
			e.Value, e.Attempt = string(op.State), r.Attempt
			return e
		}
	}
	return nil
}

// terminalOutcome is the receipt outcome a terminal state needs.
func terminalOutcome(s State) (string, bool) {
	switch s {
	case StateCompleted:
		return OutcomeCommandCompleted, true
	case StateFailed:
		return OutcomeCommandFailed, true
	}
	return "", false
}
