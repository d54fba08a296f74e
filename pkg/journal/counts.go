package journal

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Counts tallies a run's operations by state, plus what restart_required needs, so that the
// summary numbers and restart_required (DOMAIN §4.6, §4.8) come from counters in O(1) instead of
// a scan of every operation. The pipeline keeps one Counts in the run record and calls Apply on
// every transition; CountOps builds it from a whole journal.
type Counts struct {
	// Total is the number of operations; the others count operations per state.
	Total     int `json:"total"`
	Ready     int `json:"ready"`
	Pending   int `json:"pending"`
	Blocked   int `json:"blocked"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	// StopsCompleted is the number of stop operations in state completed.
	StopsCompleted int `json:"stops_completed"`
	// StartsUnfinished is the number of start operations neither completed nor skipped.
	StartsUnfinished int `json:"starts_unfinished"`
}

// CountOps counts ops.
func CountOps(ops []Operation) Counts {
	var c Counts
	for _, op := range ops {
		c.Add(op.Kind, op.State)
	}
	return c
}

// Add counts one more operation of kind in state.
func (c *Counts) Add(kind plan.OperationKind, state State) {
	c.Total++
	c.adjust(kind, state, +1)
}

// Apply moves one operation of kind from state from to state to. Call it with the operation's
// state before and after every transition (from == to is harmless).
func (c *Counts) Apply(kind plan.OperationKind, from, to State) {
	c.adjust(kind, from, -1)
	c.adjust(kind, to, +1)
}

// AddDelta adds d, the sum of several Apply calls on a zero Counts, to c.
func (c *Counts) AddDelta(d Counts) {
	c.Total += d.Total
	c.Ready += d.Ready
	c.Pending += d.Pending
	c.Blocked += d.Blocked
	c.Completed += d.Completed
	c.Failed += d.Failed
	c.Skipped += d.Skipped
	c.StopsCompleted += d.StopsCompleted
	c.StartsUnfinished += d.StartsUnfinished
}

func (c *Counts) adjust(kind plan.OperationKind, s State, d int) {
	if n := c.bucket(s); n != nil {
		*n += d
	}
	if kind == plan.KindStop && s == StateCompleted {
		c.StopsCompleted += d
	}
	if kind == plan.KindStart && !s.Done() {
		c.StartsUnfinished += d
	}
}

func (c *Counts) bucket(s State) *int {
	switch s {
	case StateReady:
		return &c.Ready
	case StatePending:
		return &c.Pending
	case StateBlocked:
		return &c.Blocked
	case StateCompleted:
		return &c.Completed
	case StateFailed:
		return &c.Failed
	case StateSkipped:
		return &c.Skipped
	}
	return nil
}

// RestartRequired is the rule of DOMAIN §4.6: some stop is completed and some start is neither
// completed nor skipped, i.e. a canister may currently be stopped by this run.
func (c Counts) RestartRequired() bool { return c.StopsCompleted > 0 && c.StartsUnfinished > 0 }

// Complete reports whether every operation is completed or skipped.
func (c Counts) Complete() bool { return c.Completed+c.Skipped == c.Total }

// Summary is the resume summary (DOMAIN §4.8) of a run with header h, these counts and next as
// its next operation (copied; nil when there is none).
func (c Counts) Summary(h Header, next *Operation) ResumeSummary {
	s := ResumeSummary{
		PlanID:              h.PlanID,
		RunID:               h.RunID,
		PreflightID:         clonePtr(h.PreflightID),
		PreflightAccepted:   h.PreflightAccepted,
		RestartRequired:     c.RestartRequired(),
		TotalOperations:     c.Total,
		ReadyOperations:     c.Ready,
		PendingOperations:   c.Pending,
		BlockedOperations:   c.Blocked,
		CompletedOperations: c.Completed,
		FailedOperations:    c.Failed,
		SkippedOperations:   c.Skipped,
	}
	if next != nil {
		cp := cloneOp(*next)
		s.NextOperation = &cp
	}
	return s
}

func cloneOp(op Operation) Operation {
	op.TargetCanisterID = clonePtr(op.TargetCanisterID)
	op.StateUpdatedAt = clonePtr(op.StateUpdatedAt)
	op.BlockingReasons = append([]string{}, op.BlockingReasons...)
	return op
}
