package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// OpWorker executes dispatched operations: claim by compare-and-swap, execute with a kept-alive
// lease, record the receipt, hand completion on to the successors.
type OpWorker struct {
	Env    *Env
	id     string
	plans  planCache
	mu     sync.Mutex
	active map[string]int // handlers of this instance working on each operation key now
	// Executed, when set, is called after each operation this worker executed (tests count).
	Executed func(runID string, seq int, worker string)
}

// NewOpWorker makes a worker with an id unique to this instance.
func NewOpWorker(env *Env, name string) *OpWorker {
	return &OpWorker{Env: env, id: fmt.Sprintf("%s/%s-%016x", env.workerID(), name, rand.Uint64())}
}

// ID is the name this worker claims operations with.
func (w *OpWorker) ID() string { return w.id }

// job is one claimed operation and what executing it needs.
type job struct {
	run  RunRecord
	rp   *runPlan
	rec  OpRecord
	from journal.State
	// finalCounts are the exact counts the finalizer computed from every operation record.
	finalCounts Counts
}

// Handle implements worker.Handler.
func (w *OpWorker) Handle(ctx context.Context, msg jetstream.Msg) error {
	run, rp, dm, err := w.load(ctx, msg)
	if err != nil {
		return err
	}
	if !run.Accepts(rp.plan.Phases[dm.Sequence].Kind) {
		return nil // a retry republishes what a failed or aborted run still needs
	}
	key := OpKey(run.RunID, dm.Sequence)
	w.setActive(key, +1)
	defer w.setActive(key, -1)
	rec, from, v, err := w.claim(ctx, run, dm.Sequence, false)
	if err != nil {
		return retryLater(err)
	}
	return w.act(ctx, msg, &job{run: run, rp: rp, rec: rec, from: from}, v)
}

// load decodes a dispatch message and reads its run and plan. A message that is malformed or
// names a run, plan or operation that does not exist can never succeed: it is rejected.
func (w *OpWorker) load(ctx context.Context, msg jetstream.Msg) (RunRecord, *runPlan, DispatchMessage, error) {
	var dm DispatchMessage
	if err := json.Unmarshal(msg.Data(), &dm); err != nil || !bus.RunIDPattern.MatchString(dm.RunID) {
		return RunRecord{}, nil, dm, worker.Reject(fmt.Errorf("malformed dispatch message %q", msg.Data()))
	}
	runEntry, err := w.Env.Store.Runs.Get(ctx, dm.RunID)
	if err != nil {
		return RunRecord{}, nil, dm, rejectIfMissing(err)
	}
	run := runEntry.Value
	rp, err := w.plans.get(ctx, w.Env.Store, run.RunID, run.Order)
	if err != nil {
		return run, nil, dm, rejectIfMissing(err)
	}
	if dm.Sequence < 0 || dm.Sequence >= len(rp.plan.Phases) {
		return run, rp, dm, worker.Reject(fmt.Errorf("run %s has no operation %d", run.RunID, dm.Sequence))
	}
	return run, rp, dm, nil
}

// rejectIfMissing rejects a message whose record does not exist and hands back one whose
// read failed (a store error is transient).
func rejectIfMissing(err error) error {
	if errors.Is(err, kvstore.ErrNotFound) {
		return worker.Reject(err)
	}
	return retryLater(err)
}

// act carries out the claim step's verdict.
func (w *OpWorker) act(ctx context.Context, msg jetstream.Msg, j *job, v verdict) error {
	seq := j.rec.Op.Sequence
	switch v {
	case alreadyDone:
		if j.rec.Op.Kind == plan.KindFinalizeManifest { // the run's completion may not have been recorded
			return retryOnErr(w.completeRunFromRecords(ctx, j.run, j.rp))
		}
		return retryOnErr(w.handoff(j.run).propagate(ctx, j.run.RunID, j.rp.graph, seq))
	case alreadyFailed: // the run's failure may not have been recorded
		return retryOnErr(w.Env.failRun(ctx, j.run.RunID, lastFailure(j.rec), runs.IsManagement(j.rec.Op.Kind)))
	case notReady:
		return nil
	case busy:
		wait := time.Until(time.UnixMilli(j.rec.Claim.LeaseUntil)) + 100*time.Millisecond
		return &worker.Retry{Delay: max(wait, 100*time.Millisecond), Err: errors.New("operation held by " + j.rec.Claim.Worker)}
	}
	if fenced, err := w.fenced(ctx, j); fenced || err != nil {
		return retryOnErr(err)
	}
	return w.run(ctx, msg, j)
}

// fenced re-reads the run after a successful claim. Containment writes the run before it reads
// the operations, so either containment sees this claim (and waits for it), or this re-read
// sees containment: then the claim is given up without touching the canister.
func (w *OpWorker) fenced(ctx context.Context, j *job) (bool, error) {
	cur, err := w.Env.Store.Runs.Get(ctx, j.run.RunID)
	if err != nil {
		_ = w.release(context.WithoutCancel(ctx), j.run.RunID, j.rec.Op.Sequence, j.rec.Claim.Attempt)
		return true, err
	}
	if cur.Value.Accepts(j.rec.Op.Kind) {
		j.run = cur.Value
		return false, nil
	}
	return true, w.release(context.WithoutCancel(ctx), j.run.RunID, j.rec.Op.Sequence, j.rec.Claim.Attempt)
}

func (w *OpWorker) handoff(run RunRecord) handoff { return handoff{env: w.Env, gen: run.Retries} }

func lastFailure(rec OpRecord) error {
	for i := len(rec.Receipts) - 1; i >= 0; i-- {
		if r := rec.Receipts[i].FailureReason; r != nil {
			return fmt.Errorf("%s failed: %s", rec.Op.OperationID, *r)
		}
	}
	return fmt.Errorf("%s failed", rec.Op.OperationID)
}

func (w *OpWorker) run(ctx context.Context, msg jetstream.Msg, j *job) error {
	op := j.rec.Op
	log := w.Env.logger().With("run_id", j.run.RunID, "op", op.OperationID, "attempt", j.rec.Claim.Attempt)
	workCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := worker.KeepAlive(workCtx, msg, w.Env.lease()/3,
		func(c context.Context) error { return w.keepLease(c, j, log) },
		func(err error) { cancel(err) })
	defer stop()
	if err := w.Env.moveCount(ctx, j.run.RunID, op.Kind, j.from, journal.StatePending); err != nil {
		_ = w.release(context.WithoutCancel(ctx), j.run.RunID, op.Sequence, j.rec.Claim.Attempt)
		return retryLater(err)
	}
	receipt, err := w.execute(workCtx, j)
	stop()
	if cause := context.Cause(workCtx); errors.Is(cause, ErrLostClaim) {
		log.Warn("claim lost while executing", "err", cause)
		// Keep the message: the new owner may be working from this very message.
		return &worker.Retry{Delay: w.Env.lease(), Err: cause}
	}
	if err != nil && (ctx.Err() != nil || isInfrastructure(err)) {
		log.Warn("operation interrupted; handing it back", "err", err)
		_ = w.release(context.WithoutCancel(ctx), j.run.RunID, op.Sequence, j.rec.Claim.Attempt)
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: hand the message back at once
		}
		return &worker.Retry{Delay: time.Second, Err: err}
	}
	if err != nil {
		log.Error("operation failed", "err", err)
		return retryOnErr(w.fail(ctx, j, err))
	}
	log.Debug("operation completed")
	return retryOnErr(w.complete(ctx, j, receipt))
}

// keepLease renews the claim; only a claim that changed hands stops the work. Other renewal
// errors (a timeout, a reconnect) are logged and tried again on the next tick: the lease has
// room for that, and a takeover would show up as a lost claim.
func (w *OpWorker) keepLease(ctx context.Context, j *job, log *slog.Logger) error {
	err := w.renew(ctx, j.run.RunID, j.rec.Op.Sequence, j.rec.Claim.Attempt)
	if err != nil && !errors.Is(err, ErrLostClaim) {
		log.Warn("renewing lease", "err", err)
		return nil
	}
	return err
}

func (w *OpWorker) setActive(key string, delta int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.active == nil {
		w.active = map[string]int{}
	}
	if w.active[key] += delta; w.active[key] <= 0 {
		delete(w.active, key)
	}
}

// othersActive reports whether another handler of this instance works on key (the caller's
// own handler counts one).
func (w *OpWorker) othersActive(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.active[key] > 1
}

// isInfrastructure reports whether err came from reaching NATS (a timeout, a reconnect, a
// closed connection) rather than from the operation itself: such an operation is handed
// back and taken again, not failed. Executor errors carry their own class and never count.
func isInfrastructure(err error) bool {
	if errors.Is(err, executor.ErrTransient) || errors.Is(err, executor.ErrPermanent) {
		return false
	}
	for _, target := range []error{context.DeadlineExceeded, nats.ErrTimeout, nats.ErrNoResponders,
		nats.ErrConnectionClosed, nats.ErrConnectionReconnecting, nats.ErrDisconnected, jetstream.ErrNoStreamResponse} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func retryLater(err error) error { return &worker.Retry{Delay: 500 * time.Millisecond, Err: err} }

func retryOnErr(err error) error {
	var r *worker.Retry
	if err == nil || errors.As(err, &r) {
		return err
	}
	return retryLater(err)
}
