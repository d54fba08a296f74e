package opworker

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// act carries out the claim step's verdict.
func (w *Worker) act(ctx context.Context, msg jetstream.Msg, j *Job, v Verdict) error {
	switch v {
	case AlreadyDone:
		defer w.handingOn(ctx, msg, j.Rec.Op.Kind)()
		if f, ok := w.effects[j.Rec.Op.Kind].(Finisher); ok { // the run's end may not have been recorded
			return worker.Later(f.Finish(ctx, j))
		}
		return worker.Later(Publisher(w.Env, j.Run).Propagate(ctx, j.Run.RunID, j.Plan.Graph, j.Rec.Op.Sequence))
	case AlreadyFailed: // the run's failure may not have been recorded
		return worker.Later(w.Env.FailRun(ctx, j.Run.RunID, lastFailure(j.Rec), runs.IsManagement(j.Rec.Op.Kind)))
	case NotReady:
		return nil
	case Busy:
		wait := time.Until(time.UnixMilli(j.Rec.Claim.LeaseUntil)) + 100*time.Millisecond
		return &worker.Retry{Delay: wait, Err: errors.New("operation held by " + j.Rec.Claim.Worker)}
	}
	if fenced, err := w.fenced(ctx, j); fenced || err != nil {
		return worker.Later(err)
	}
	return w.run(ctx, msg, j)
}

// fenced re-reads the run after a successful claim. Containment writes the run before it reads
// the operations, so either containment sees this claim (and waits for it), or this re-read
// sees containment: then the claim is given up without touching the canister.
func (w *Worker) fenced(ctx context.Context, j *Job) (bool, error) {
	cur, err := w.Env.Store.Run(ctx, j.Run.RunID)
	if err != nil {
		_ = w.Release(context.WithoutCancel(ctx), j.Run.RunID, j.Rec.Op.Sequence, j.Attempt())
		return true, err
	}
	if cur.Accepts(j.Rec.Op.Kind) {
		j.Run = cur
		return false, nil
	}
	return true, w.Release(context.WithoutCancel(ctx), j.Run.RunID, j.Rec.Op.Sequence, j.Attempt())
}

func (w *Worker) run(ctx context.Context, msg jetstream.Msg, j *Job) error {
	op := j.Rec.Op
	log := w.Env.Logger().With("run_id", j.Run.RunID, "op", op.OperationID, "attempt", j.Attempt())
	workCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The message's in-progress acks and the lease renewals keep the kind's cadence: a third of
	// its lease, the ack wait of its consumer (the snapshotter's is the management lease).
	every := w.Env.LeaseFor(op.Kind) / 3
	stop := worker.KeepAlive(workCtx, msg, every,
		func(c context.Context) error { return w.keepLease(c, j, log) },
		func(err error) { cancel(err) })
	defer stop()
	if err := w.Env.MoveCount(ctx, j.Run, op.Kind, j.From, journal.StatePending); err != nil {
		_ = w.Release(context.WithoutCancel(ctx), j.Run.RunID, op.Sequence, j.Attempt())
		return worker.Later(err)
	}
	started := time.Now()
	receipt, err := w.effects[op.Kind].Execute(workCtx, j)
	stop()
	defer w.handingOn(ctx, msg, op.Kind)()
	return w.settle(ctx, j, receipt, err, context.Cause(workCtx), time.Since(started), log)
}

// settle decides what an executed operation's outcome means for its record and message; took
// is how long the effect ran.
func (w *Worker) settle(ctx context.Context, j *Job, receipt journal.Receipt, err, cause error, took time.Duration, log *slog.Logger) error {
	op := j.Rec.Op
	log = log.With("duration", took)
	switch {
	case errors.Is(cause, ErrLostClaim):
		log.Warn("claim lost while executing", "err", cause)
		ended(ctx, string(op.Kind), OutcomeHandedBack)
		// Keep the message: the new owner may be working from this very message.
		return &worker.Retry{Delay: w.Env.LeaseFor(op.Kind), Err: cause}
	case err != nil && (ctx.Err() != nil || runenv.IsInfrastructure(err) || errors.Is(err, ErrHandBack)):
		log.Warn("operation interrupted; handing it back", "err", err)
		ended(ctx, string(op.Kind), OutcomeHandedBack)
		_ = w.Release(context.WithoutCancel(ctx), j.Run.RunID, op.Sequence, j.Attempt())
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: hand the message back at once
		}
		return &worker.Retry{Delay: time.Second, Err: err}
	}
	j.took, j.ran = took, true // observed with the receipt (recorded)
	if err != nil {
		log.Error("operation failed", "err", err)
		return worker.Later(w.fail(ctx, j, err))
	}
	log.Info("operation completed", "canister_id", deref(op.TargetCanisterID))
	return worker.Later(w.complete(ctx, j, receipt))
}

// handingOn keeps msg in progress, without a lease (the claim is over or never was), while
// its operation's receipt is recorded and completion handed on, until the returned function is
// called: a barrier's fan-out to thousands of operations can outlast the consumer's ack wait
// (the management lease for the snapshotter), and a message redelivered meanwhile would repeat
// the whole fan-out.
func (w *Worker) handingOn(ctx context.Context, msg jetstream.Msg, kind plan.OperationKind) func() {
	return worker.KeepAlive(ctx, msg, w.Env.LeaseFor(kind)/3, nil, nil)
}

// keepLease renews the claim; only a claim that changed hands stops the work. Other renewal
// errors (a timeout, a reconnect) are logged and tried again on the next tick: the lease has
// room for two of them, and a takeover would show up as a lost claim. A slow renewal does not
// hold up the message's in-progress acks (worker.KeepAlive runs it beside them).
func (w *Worker) keepLease(ctx context.Context, j *Job, log *slog.Logger) error {
	err := w.renew(ctx, j.Run.RunID, j.Rec.Op.Sequence, j.Attempt())
	if err != nil && !errors.Is(err, ErrLostClaim) {
		if ctx.Err() == nil { // not the end of the work cutting a renewal short
			log.Warn("renewing lease", "err", err)
		}
		return nil
	}
	return err
}
