package restore

import (
	"strconv"
)

// Gate decides whether an operation may change state now. StrictOrder is the reference's rule;
// ParallelOrder is fleetbackup's phase graph for `order: parallel` (DESIGN §10).
type Gate interface {
	// Allow returns nil when the operation with that sequence may change state.
	Allow(j *Journal, sequence int) error
	// Eligible lists the ready operations that may be claimed now, in sequence order.
	Eligible(j *Journal) []int
}

// StrictOrder is RESTORE §4.4's order rule: only the next transition operation (the lowest
// sequence among ready, pending and failed operations) may change state, so a pending or failed
// operation holds the line.
type StrictOrder struct{}

// Allow implements Gate.
func (StrictOrder) Allow(j *Journal, sequence int) error {
	next, ok := j.NextTransition()
	if !ok {
		return opErr(ErrNoTransitionableOperation, sequence)
	}
	if next.Sequence != sequence {
		return outOfOrder(sequence, next.Sequence)
	}
	return nil
}

// Eligible implements Gate: the next transition operation when it is ready.
func (StrictOrder) Eligible(j *Journal) []int {
	if next, ok := j.NextTransition(); ok && next.State == StateReady {
		return []int{next.Sequence}
	}
	return []int{}
}

// NextTransition is the operation with the lowest sequence that is ready, pending or failed.
func (j *Journal) NextTransition() (*Operation, bool) {
	var next *Operation
	for i := range j.Operations {
		op := &j.Operations[i]
		transitionable := op.State == StateReady || op.State == StatePending || op.State == StateFailed
		if transitionable && (next == nil || op.Sequence < next.Sequence) {
			next = op
		}
	}
	return next, next != nil
}

func outOfOrder(requested, next int) *Error {
	e := opErr(ErrOutOfOrderOperationTransition, requested)
	e.Expected = strconv.Itoa(next)
	e.Actual = strconv.Itoa(requested)
	return e
}
