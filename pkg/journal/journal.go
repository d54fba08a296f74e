package journal

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// New creates the execution journal of plan p (DOMAIN §4.3): one operation per phase
// (NewOperation), preflight not accepted, no receipts. An invalid plan is InvalidPlan, which
// also matches the plan's own error.
func New(p *plan.Plan) (*Journal, error) {
	if p == nil {
		return nil, invalidPlanErr(errNilPlan)
	}
	if err := p.Validate(); err != nil {
		return nil, invalidPlanErr(err)
	}
	j := &Journal{Operations: make([]Operation, 0, len(p.Phases)), OperationReceipts: []Receipt{}}
	j.setHeader(NewHeader(p))
	for _, ph := range p.Phases {
		j.Operations = append(j.Operations, NewOperation(ph))
	}
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return j, nil
}

// AcceptPreflight accepts the preflight receipt bundle of plan planID with id preflightID
// (DOMAIN §3.4): Header.AcceptPreflight, then AcceptOp on every operation.
func (j *Journal) AcceptPreflight(planID, preflightID string, updatedAt *string) error {
	h := j.Header()
	if err := h.AcceptPreflight(planID, preflightID, updatedAt); err != nil {
		return err
	}
	next := j.shallowCopy()
	next.setHeader(h)
	for i := range next.Operations {
		if err := AcceptOp(&next.Operations[i], updatedAt); err != nil {
			return err
		}
	}
	return j.commit(next)
}

// MarkPending moves operation seq to pending (DOMAIN §4.5): it must be the next ready
// operation (strict plan order), then ClaimOp's rules apply.
func (j *Journal) MarkPending(seq int, updatedAt *string) error {
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	ni := j.nextIndex()
	if ni < 0 {
		return &Error{Err: ErrNoTransitionableOperation, msg: "no operation can be advanced"}
	}
	if next := j.Operations[ni].Sequence; seq != next {
		return outOfOrderErr(seq, next)
	}
	next := j.shallowCopy()
	if err := ClaimOp(&next.Operations[ni], next.PreflightAccepted, updatedAt); err != nil {
		return err
	}
	return j.commit(next)
}

// RecordReceipt validates r against the journal, applies it to its operation (RecordOp) and
// appends it to the receipts (DOMAIN §4.7). On any error the journal is unchanged.
func (j *Journal) RecordReceipt(r Receipt) error {
	i := j.index(r.Sequence)
	next := j.shallowCopy()
	var op *Operation
	if i >= 0 {
		op = &next.Operations[i]
	}
	if err := RecordOp(op, r, j.Header()); err != nil {
		return err
	}
	next.OperationReceipts = append(next.OperationReceipts, r)
	return j.commit(next)
}

// RetryFailed moves failed operation seq back to ready (DOMAIN §4.5), without an order check.
func (j *Journal) RetryFailed(seq int, updatedAt *string) error {
	if err := optNonEmpty("updated_at", updatedAt); err != nil {
		return err
	}
	i := j.index(seq)
	if i < 0 {
		return seqErr(ErrOperationNotFound, seq, "operation %d was not found")
	}
	next := j.shallowCopy()
	if err := RetryOp(&next.Operations[i], updatedAt); err != nil {
		return err
	}
	return j.commit(next)
}

// RecomputeRestartRequired sets restart_required from the operation states (DOMAIN §4.6).
func (j *Journal) RecomputeRestartRequired() {
	j.RestartRequired = CountOps(j.Operations).RestartRequired()
}

// CompletedReceipt is Header.CompletedReceipt with j's header.
func (j *Journal) CompletedReceipt(op Operation, updatedAt *string) Receipt {
	return j.Header().CompletedReceipt(op, updatedAt)
}

// FailedReceipt is Header.FailedReceipt with j's header.
func (j *Journal) FailedReceipt(op Operation, updatedAt *string, reason string) Receipt {
	return j.Header().FailedReceipt(op, updatedAt, reason)
}

// shallowCopy copies j with its own operations slice, so a change to one operation of the copy
// does not touch j. Receipts share j's backing array: appending to the copy leaves j's view alone.
func (j *Journal) shallowCopy() *Journal {
	next := *j
	next.Operations = append(make([]Operation, 0, len(j.Operations)), j.Operations...)
	return &next
}

// commit finishes a whole-document transition: recompute restart_required, validate the whole
// journal, and only then replace j, so that a failed transition leaves j as it was.
func (j *Journal) commit(next *Journal) error {
	next.RecomputeRestartRequired()
	if err := next.Validate(); err != nil {
		return err
	}
	*j = *next
	return nil
}

// index is the position of the operation with sequence seq, or -1. Operations are normally stored
// in sequence order, which makes this O(1); otherwise it scans.
func (j *Journal) index(seq int) int {
	if seq >= 0 && seq < len(j.Operations) && j.Operations[seq].Sequence == seq {
		return seq
	}
	for i := range j.Operations {
		if j.Operations[i].Sequence == seq {
			return i
		}
	}
	return -1
}
