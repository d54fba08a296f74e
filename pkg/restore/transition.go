package restore

// canTransition is RESTORE §4.4's table. Nothing leaves blocked; completed only repeats.
func canTransition(from, to State) bool {
	switch from {
	case StateReady:
		return to == StatePending || to == StateCompleted || to == StateFailed
	case StatePending:
		return to == StatePending || to == StateReady || to == StateCompleted || to == StateFailed
	case StateFailed:
		return to == StateReady || to == StateFailed
	case StateCompleted:
		return to == StateCompleted
	}
	return false
}

// Claim marks an operation pending at the given time (ready → pending, or pending → pending to
// refresh a claim taken over from a lapsed worker). An upload must be claimed with ClaimUpload
// first, so that its inventory baseline is recorded before anything is sent.
func (j *Journal) Claim(sequence int, at string, gate Gate) error {
	return j.change(sequence, gate, func(op *Operation, gate Gate) error {
		return j.setState(op, StatePending, at, "", gate)
	})
}

// ClaimUpload records the target's snapshot ids seen before the upload, then claims it. A retry or
// takeover later reconciles against this baseline instead of uploading twice.
func (j *Journal) ClaimUpload(sequence int, at string, snapshotIDsBefore []string, gate Gate) error {
	return j.change(sequence, gate, func(op *Operation, gate Gate) error {
		if op.Operation != KindUploadSnapshot {
			return opErr(ErrUnexpectedSnapshotInventory, sequence)
		}
		ids := append([]string{}, snapshotIDsBefore...)
		op.SnapshotIDsBefore = &ids
		return j.setState(op, StatePending, at, "", gate)
	})
}

// Complete marks an operation completed and appends its command-completed receipt, atomically.
// Uploads use CompleteUpload.
func (j *Journal) Complete(sequence int, a Attempt, gate Gate) error {
	return j.complete(sequence, a, nil, gate)
}

// CompleteUpload completes an upload with the target-side snapshot id it produced, which the
// load of the same member will use.
// An empty id is refused (ErrMissingField), and the journal is left unchanged: the caller
// records the attempt with Fail and ReasonMissingUploadedSnapshotID instead.
func (j *Journal) CompleteUpload(sequence int, a Attempt, uploadedSnapshotID string, gate Gate) error {
	var id *string
	if uploadedSnapshotID != "" {
		id = &uploadedSnapshotID
	}
	return j.complete(sequence, a, id, gate)
}

func (j *Journal) complete(sequence int, a Attempt, uploaded *string, gate Gate) error {
	return j.change(sequence, gate, func(op *Operation, gate Gate) error {
		r := newReceipt(op, OutcomeCommandCompleted, j.NextAttempt(sequence), a)
		r.UploadedSnapshotID = uploaded
		j.OperationReceipts = append(j.OperationReceipts, r)
		return j.setState(op, StateCompleted, a.At, "", gate)
	})
}

// Fail marks an operation failed with reason and appends its command-failed receipt, atomically.
func (j *Journal) Fail(sequence int, a Attempt, reason string, gate Gate) error {
	return j.change(sequence, gate, func(op *Operation, gate Gate) error {
		if reason == "" {
			return opErr(ErrFailureReasonRequired, sequence)
		}
		r := newReceipt(op, OutcomeCommandFailed, j.NextAttempt(sequence), a)
		r.FailureReason = strp(reason)
		j.OperationReceipts = append(j.OperationReceipts, r)
		return j.setState(op, StateFailed, a.At, reason, gate)
	})
}

// Retry returns a failed operation to ready (the operator's retry): its reasons are cleared, its
// receipts and upload baseline kept.
func (j *Journal) Retry(sequence int, at string, gate Gate) error {
	return j.change(sequence, gate, func(op *Operation, gate Gate) error {
		if op.State != StateFailed {
			return transitionErr(op, StateReady)
		}
		return j.setState(op, StateReady, at, "", gate)
	})
}

// change runs apply on the operation and validates the journal; on any failure the journal is
// left exactly as it was. A nil gate is StrictOrder.
func (j *Journal) change(sequence int, gate Gate, apply func(op *Operation, gate Gate) error) error {
	op := j.find(sequence)
	if op == nil {
		return opErr(ErrOperationNotFound, sequence)
	}
	if gate == nil {
		gate = StrictOrder{}
	}
	saved, receipts := *op, len(j.OperationReceipts)
	restore := func() {
		*op = saved
		j.OperationReceipts = j.OperationReceipts[:receipts]
		j.recount()
	}
	if err := apply(op, gate); err != nil {
		restore()
		return err
	}
	j.recount()
	if err := j.Validate(); err != nil {
		restore()
		return err
	}
	return nil
}

// setState applies one transition: the table, then the gate when the state actually changes.
func (j *Journal) setState(op *Operation, to State, at, reason string, gate Gate) error {
	if !canTransition(op.State, to) {
		return transitionErr(op, to)
	}
	if op.State != to {
		if err := gate.Allow(j, op.Sequence); err != nil {
			return err
		}
	}
	op.State, op.StateUpdatedAt, op.BlockingReasons = to, strp(at), []string{}
	if to == StateFailed {
		op.BlockingReasons = []string{reason}
	}
	return nil
}

func transitionErr(op *Operation, to State) *Error {
	e := opErr(ErrInvalidOperationTransition, op.Sequence)
	e.Expected, e.Actual = string(to), string(op.State)
	return e
}

// Done reports whether the restore is complete: at least one operation, every one completed.
func (j *Journal) Done() bool {
	return len(j.Operations) > 0 && j.CompletedOperations == len(j.Operations)
}
