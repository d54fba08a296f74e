package metrics

import (
	"context"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/opworker"
)

// The Set is the operation runtime's Observer.
var _ opworker.Observer = (*Set)(nil)

// OperationEnded counts an attempt at an operation of kind that ended with outcome.
func (s *Set) OperationEnded(kind, outcome string) {
	if s != nil {
		s.operations.WithLabelValues(kind, outcome).Inc()
	}
}

// OperationTook observes how long an operation's effect ran.
func (s *Set) OperationTook(kind string, d time.Duration) {
	if s != nil {
		s.durations.WithLabelValues(kind).Observe(d.Seconds())
	}
}

// LeaseTakenOver counts a claim taken from a worker whose lease lapsed.
func (s *Set) LeaseTakenOver(kind string) {
	if s != nil {
		s.takeovers.WithLabelValues(kind).Inc()
	}
}

// CanisterDowntime observes how long a canister was stopped in a run of runKind.
func (s *Set) CanisterDowntime(runKind string, d time.Duration) {
	if s != nil {
		s.downtime.WithLabelValues(runKind).Observe(d.Seconds())
	}
}

// TransferredBytes adds n bytes to the counter of t (unknown transfers are ignored).
func (s *Set) TransferredBytes(t opworker.Transfer, n int64) {
	if c, ok := s.counterOf(t); ok && n > 0 {
		c.Add(float64(n))
	}
}

func (s *Set) counterOf(t opworker.Transfer) (c interface{ Add(float64) }, ok bool) {
	if s == nil {
		return nil, false
	}
	c, ok = s.bytes[t]
	return c, ok
}

// ScheduleFired counts a firing of the schedule named name that opened its run. The planner
// calls it with the context its handler runs under (NewContext put the Set there); without a
// Set in ctx it does nothing. Schedule names are few and chosen by the operator, so they may
// be labels.
func ScheduleFired(ctx context.Context, name string) {
	if s := From(ctx); s != nil {
		s.fired.WithLabelValues(name).Inc()
	}
}

// ScheduleSkipped counts a firing of the schedule named name that opened no run (its last run
// was still active). The reason is not a label: the operator's reasons name runs.
func ScheduleSkipped(ctx context.Context, name string) {
	if s := From(ctx); s != nil {
		s.skipped.WithLabelValues(name).Inc()
	}
}
