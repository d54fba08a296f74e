package opworker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// complete records a completed receipt, counts it, and hands completion on (or, for a
// finishing effect, ends the run).
func (w *Worker) complete(ctx context.Context, j *Job, r journal.Receipt) error {
	if err := w.Env.Persist(ctx, func() error { return w.Record(ctx, j, r) }); err != nil {
		ended(ctx, string(j.Rec.Op.Kind), OutcomeHandedBack)
		return keepIfLost(err, w.Env.LeaseFor(j.Rec.Op.Kind))
	}
	op := j.Rec.Op
	if w.executed != nil {
		w.executed(j.Run.RunID, op.Sequence, w.id)
	}
	if err := w.Env.MoveCount(ctx, j.Run, op.Kind, journal.StatePending, journal.StateCompleted); err != nil {
		return err
	}
	if f, ok := w.effects[op.Kind].(Finisher); ok {
		return f.Finish(ctx, j)
	}
	return Publisher(w.Env, j.Run).Propagate(ctx, j.Run.RunID, j.Plan.Graph, op.Sequence)
}

// fail records a failed receipt and fails the run with the operation's reason.
func (w *Worker) fail(ctx context.Context, j *Job, cause error) error {
	op := j.Rec.Op
	r := j.Run.Journal.FailedReceipt(op, w.Env.MarkerPtr(), cause.Error())
	if err := w.Env.Persist(ctx, func() error { return w.Record(ctx, j, r) }); err != nil {
		ended(ctx, string(op.Kind), OutcomeHandedBack)
		return keepIfLost(err, w.Env.LeaseFor(op.Kind))
	}
	if err := w.Env.MoveCount(ctx, j.Run, op.Kind, journal.StatePending, journal.StateFailed); err != nil {
		return err
	}
	return w.Env.FailRun(ctx, j.Run.RunID, fmt.Errorf("%s failed: %w", op.OperationID, cause), runs.IsManagement(op.Kind))
}

// keepIfLost turns a lost claim into a hand-back of the message after a lease: the new owner
// may be working from this very message, which must not be acknowledged under it.
func keepIfLost(err error, lease time.Duration) error {
	if errors.Is(err, ErrLostClaim) {
		return &worker.Retry{Delay: lease, Err: err}
	}
	return err
}

// Record applies a receipt to the job's claimed operation, if this worker still holds it, and
// tells the context's Observer (see WithObserver) once it is recorded. Called again after a
// store error (runenv.Env.Persist), it recognises its own earlier write that landed although
// its reply was lost (the receipt stamped with the job's recording time), and succeeds instead
// of taking it for another worker's: the operation goes on at once, not after a lease.
func (w *Worker) Record(ctx context.Context, j *Job, r journal.Receipt) error {
	attempt := j.Attempt()
	if j.recordAt == 0 {
		j.recordAt = w.Env.Now().UnixNano()
	}
	at := j.recordAt
	err := j.updateOwnRecord(ctx, func(o *runstore.OpRecord) error {
		if !w.holds(o, attempt) {
			if !j.recordDone && landed(o, r, at) {
				return runstore.ErrNoChange
			}
			return ErrLostClaim
		}
		if err := journal.RecordOp(&o.Op, r, j.Run.Journal); err != nil {
			return err
		}
		o.Receipts = append(o.Receipts, runstore.StoredReceipt{Receipt: r, RecordedAtNanos: at})
		o.Claim = nil
		return nil
	})
	if err == nil {
		j.recordDone = true
		w.recorded(ctx, j, r, at)
	}
	return err
}

// landed reports whether o's last receipt is r as this job recorded it at at (Unix nanoseconds).
func landed(o *runstore.OpRecord, r journal.Receipt, at int64) bool {
	n := len(o.Receipts)
	return n > 0 && o.Claim == nil && o.Receipts[n-1].RecordedAtNanos == at && o.Receipts[n-1].Outcome == r.Outcome
}

// NewJob is a job for a claimed operation, for callers outside the message path (containment).
func (w *Worker) NewJob(run runs.Record, rp *runstore.RunPlan, rec runstore.OpRecord, from journal.State) *Job {
	return &Job{Env: w.Env, Run: run, Plan: rp, Rec: rec, From: from, w: w}
}

// Plans is the worker's plan cache.
func (w *Worker) Plans() *runstore.PlanCache { return &w.plans }
