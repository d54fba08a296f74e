package opworker

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Effect performs one operation kind's action (on a canister, or on the backup directory)
// for a claimed operation and returns its completed receipt. The runtime around it (claim,
// lease, receipt, counts, hand-off, message fate) is the Worker's.
type Effect interface {
	Execute(ctx context.Context, j *Job) (journal.Receipt, error)
}

// Finisher is implemented by an effect whose completion ends the run (finalize) instead of
// handing completion on. Finish is also called for a redelivered message of an operation
// already done, whose run may not have been marked yet.
type Finisher interface {
	Finish(ctx context.Context, j *Job) error
}

// EffectFunc adapts a function to Effect.
type EffectFunc func(ctx context.Context, j *Job) (journal.Receipt, error)

// Execute calls f.
func (f EffectFunc) Execute(ctx context.Context, j *Job) (journal.Receipt, error) { return f(ctx, j) }

// Effects registers one effect per operation kind.
type Effects map[plan.OperationKind]Effect

// Register adds the effect of kind; a kind registered twice is a programming error.
func (e Effects) Register(kind plan.OperationKind, eff Effect) Effects {
	if _, dup := e[kind]; dup {
		panic(fmt.Sprintf("opworker: effect of %s registered twice", kind))
	}
	e[kind] = eff
	return e
}
