package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// complete records a completed receipt, counts it, and hands completion on.
func (w *OpWorker) complete(ctx context.Context, j *job, r journal.Receipt) error {
	if err := w.record(ctx, j, r); err != nil {
		return keepIfLost(err, w.Env.lease())
	}
	op := j.rec.Op
	if w.Executed != nil {
		w.Executed(j.run.RunID, op.Sequence, w.id)
	}
	if err := w.Env.moveCount(ctx, j.run.RunID, op.Kind, journal.StatePending, journal.StateCompleted); err != nil {
		return err
	}
	if op.Kind == plan.KindFinalizeManifest {
		return w.completeRun(ctx, j)
	}
	return w.handoff(j.run).propagate(ctx, j.run.RunID, j.rp.graph, op.Sequence)
}

// fail records a failed receipt and fails the run with the operation's reason.
func (w *OpWorker) fail(ctx context.Context, j *job, cause error) error {
	op := j.rec.Op
	r := j.run.Journal.FailedReceipt(op, w.Env.markerPtr(), cause.Error())
	if err := w.record(ctx, j, r); err != nil {
		return keepIfLost(err, w.Env.lease())
	}
	if err := w.Env.moveCount(ctx, j.run.RunID, op.Kind, journal.StatePending, journal.StateFailed); err != nil {
		return err
	}
	return w.Env.failRun(ctx, j.run.RunID, fmt.Errorf("%s failed: %w", op.OperationID, cause), runs.IsManagement(op.Kind))
}

// keepIfLost turns a lost claim into a hand-back of the message after a lease: the new owner
// may be working from this very message, which must not be acknowledged under it.
func keepIfLost(err error, lease time.Duration) error {
	if errors.Is(err, ErrLostClaim) {
		return &worker.Retry{Delay: lease, Err: err}
	}
	return err
}

// record applies a receipt to the claimed operation, if this worker still holds it.
func (w *OpWorker) record(ctx context.Context, j *job, r journal.Receipt) error {
	attempt := j.rec.Claim.Attempt
	_, err := w.Env.Store.Ops.Update(ctx, OpKey(j.run.RunID, j.rec.Op.Sequence), func(o *OpRecord) error {
		if !w.holds(o, attempt) {
			return ErrLostClaim
		}
		if err := journal.RecordOp(&o.Op, r, j.run.Journal); err != nil {
			return err
		}
		o.Receipts = append(o.Receipts, StoredReceipt{Receipt: r, RecordedAtNanos: w.Env.now().UnixNano()})
		o.Claim = nil
		return nil
	})
	return err
}

// failRun moves a run that is not yet terminal to failed with its cause. A failed management
// operation also starts containment: the planner restarts every canister the run may have
// stopped (see contain).
func (e *Env) failRun(ctx context.Context, runID string, cause error, management bool) error {
	rec, err := e.applyIfAllowed(ctx, runID, runs.Fail{Reason: cause.Error(), Contain: management})
	if err != nil || !rec.ContainmentPending() {
		return err
	}
	return e.requestContainment(ctx, runID)
}
