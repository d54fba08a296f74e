package plan

import (
	"errors"
	"fmt"
)

// DefaultMaxTargets bounds the targets of one run, backup or restore, unless the planner is
// given another bound (--max-targets). 10,000 is the largest run the benchmarks take end to end
// (BENCHMARKS.md, orchestration: 10,000 targets, 50,005 operations). Every document of a run
// grows linearly with its targets: at 10,000 targets with generated ids and short roles the plan
// is about 14 MiB and the journal as seeded about 15 MiB (pretty-printed, as a backup directory
// holds them), while every reader refuses a document over document.MaxSize (64 MiB); longer
// roles and an executed journal's results take part of that headroom. Without a bound, one
// selection of a large registry (100,000 entries pass registry.Limits) would stop every one of
// its canisters and only then write a plan and a manifest over that size, which verify and
// restore refuse to read.
const DefaultMaxTargets = 10_000

// ErrTooManyTargets: a run would have more targets than its limit.
var ErrTooManyTargets = errors.New("too many targets")

// TargetsError is ErrTooManyTargets with the count and the limit it exceeds.
type TargetsError struct {
	What  string // what has the targets, e.g. "the selection"; "" means "the run"
	Count int
	Limit int
}

func (e *TargetsError) Error() string {
	what := e.What
	if what == "" {
		what = "the run"
	}
	return fmt.Sprintf("%v: %s has %d targets, more than the limit of %d per run (the planner's --max-targets raises it)",
		ErrTooManyTargets, what, e.Count, e.Limit)
}

// Unwrap returns ErrTooManyTargets.
func (e *TargetsError) Unwrap() error { return ErrTooManyTargets }

// TargetLimit is the bound limit stands for: limit itself, or DefaultMaxTargets when limit is
// zero or negative.
func TargetLimit(limit int) int {
	if limit <= 0 {
		return DefaultMaxTargets
	}
	return limit
}

// CheckTargetCount returns a *TargetsError about what when count is more than TargetLimit(limit).
func CheckTargetCount(what string, count, limit int) error {
	if limit = TargetLimit(limit); count > limit {
		return &TargetsError{What: what, Count: count, Limit: limit}
	}
	return nil
}
