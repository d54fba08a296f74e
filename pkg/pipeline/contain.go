package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// actionContain is the planner's own control action: restart what a failed or aborted run stopped.
const actionContain = "contain"

// errInFlight says a management call of the run is still running somewhere; containment
// waits for it rather than start a canister that a worker is about to stop or snapshot.
type errInFlight struct {
	op    string
	until time.Time
}

func (e *errInFlight) Error() string { return fmt.Sprintf("%s still in flight", e.op) }

// contain restarts, bottom-up, every canister the run may have stopped. A target whose stop
// completed is started through the plan's own start operation (claim, start, receipt), so the
// journal and restart_required say what happened. A target whose stop failed or was cut short
// is only checked, and started if it is not running, leaving its journal operations as they
// are so that a retry can still stop, snapshot and start it. Repeating containment is safe: a
// running canister is not started again.
func (p *Planner) contain(ctx context.Context, runID string) error {
	run, err := p.Env.Store.Runs.Get(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return worker.Reject(fmt.Errorf("containment of run %s: %w", runID, err))
	}
	if err != nil {
		return retryLater(err)
	}
	if !run.Value.ContainmentPending() {
		return nil
	}
	w := p.containmentWorker()
	rp, err := w.plans.get(ctx, p.Env.Store, runID, run.Value.Order)
	if errors.Is(err, kvstore.ErrNotFound) {
		return retryOnErr(p.finishContainment(ctx, runID, nil)) // never planned: nothing was stopped
	}
	if err != nil {
		return retryLater(err)
	}
	err = w.restartAll(ctx, run.Value, rp)
	var busy *errInFlight
	switch {
	case errors.As(err, &busy):
		// In-flight calls usually end long before their lease: look again soon.
		return &worker.Retry{Delay: min(max(time.Until(busy.until), 50*time.Millisecond), 250*time.Millisecond), Err: err}
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	}
	return retryOnErr(p.finishContainment(ctx, runID, err))
}

func (p *Planner) containmentWorker() *OpWorker {
	p.once.Do(func() { p.container = NewOpWorker(p.Env, "containment") })
	return p.container
}

// finishContainment records the outcome, with counts recomputed from the operation records
// so that the counts are exact whatever count updates a crash may have lost.
func (p *Planner) finishContainment(ctx context.Context, runID string, cause error) error {
	counts, err := p.recount(ctx, runID)
	if err != nil {
		return err
	}
	ev := runs.FinishContainment{Counts: counts}
	if cause != nil {
		ev.Err = cause.Error()
	}
	_, err = p.Env.applyIfAllowed(ctx, runID, ev)
	return err
}

// recount counts a run's operations from their records; nil when the run has no plan.
func (p *Planner) recount(ctx context.Context, runID string) (*journal.Counts, error) {
	stored, err := p.Env.Store.LoadPlan(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	recs, err := p.loadOps(ctx, runID, len(stored.Phases))
	if err != nil {
		return nil, err
	}
	var c journal.Counts
	for _, r := range recs {
		c.Add(r.Op.Kind, r.Op.State)
	}
	return &c, nil
}

// restartAll waits for in-flight stops and snapshots, then starts what needs starting.
func (w *OpWorker) restartAll(ctx context.Context, run RunRecord, rp *runPlan) error {
	idx := plan.IndexOperations(rp.plan)
	stops := map[string]OpRecord{}
	for _, t := range rp.plan.Targets {
		for _, kind := range []plan.OperationKind{plan.KindStop, plan.KindCreateSnapshot} {
			rec, err := w.opRecord(ctx, run.RunID, idx, kind, t.CanisterID)
			if err != nil {
				return err
			}
			if rec.Op.State == journal.StatePending && rec.Claim != nil && rec.Claim.LeaseUntil > w.Env.now().UnixMilli() {
				return &errInFlight{op: rec.Op.OperationID, until: time.UnixMilli(rec.Claim.LeaseUntil)}
			}
			if kind == plan.KindStop {
				stops[t.CanisterID] = rec
			}
		}
	}
	var failures []error
	for _, ph := range rp.plan.Phases { // starts are in bottom-up order in the plan
		if ph.Kind != plan.KindStart || ph.TargetCanisterID == nil {
			continue
		}
		var err error
		switch stop := stops[*ph.TargetCanisterID]; stop.Op.State {
		case journal.StateReady, journal.StateBlocked:
			continue // never claimed: this run never touched the canister
		case journal.StateCompleted:
			err = w.containStart(ctx, run, rp, int(ph.Order))
		case journal.StatePending: // cut short: take it over so its holder cannot act later
			err = w.containCutShort(ctx, run, stop.Op.Sequence, *ph.TargetCanisterID)
		default: // a stop that failed may still have acted: make sure
			err = w.ensureRunning(ctx, *ph.TargetCanisterID)
		}
		if err != nil {
			var busy *errInFlight
			if errors.As(err, &busy) {
				return err
			}
			failures = append(failures, fmt.Errorf("starting %s: %w", *ph.TargetCanisterID, err))
		}
	}
	return errors.Join(failures...)
}

// containStart claims one start operation and makes sure its canister runs.
func (w *OpWorker) containStart(ctx context.Context, run RunRecord, rp *runPlan, seq int) error {
	key := OpKey(run.RunID, seq)
	w.setActive(key, +1)
	defer w.setActive(key, -1)
	rec, from, v, err := w.claim(ctx, run, seq, true)
	if err != nil {
		return err
	}
	switch v {
	case alreadyDone, notReady:
		return nil
	case busy:
		return &errInFlight{op: rec.Op.OperationID, until: time.UnixMilli(rec.Claim.LeaseUntil)}
	}
	if err := w.Env.moveCount(ctx, run.RunID, rec.Op.Kind, from, journal.StatePending); err != nil {
		return err
	}
	j := &job{run: run, rp: rp, rec: rec, from: from}
	if err := w.ensureRunning(ctx, *rec.Op.TargetCanisterID); err != nil {
		r := run.Journal.FailedReceipt(rec.Op, w.Env.markerPtr(), "containment: "+err.Error())
		if rerr := w.record(ctx, j, r); rerr == nil {
			_ = w.Env.moveCount(ctx, run.RunID, rec.Op.Kind, journal.StatePending, journal.StateFailed)
		}
		return err
	}
	if err := w.record(ctx, j, run.Journal.CompletedReceipt(rec.Op, w.Env.markerPtr())); err != nil {
		return err
	}
	if err := w.Env.moveCount(ctx, run.RunID, rec.Op.Kind, journal.StatePending, journal.StateCompleted); err != nil {
		return err
	}
	// Hand completion on like any start, so that a retry finds its parent's start and the
	// finalize operation ready.
	return w.handoff(run).propagate(ctx, run.RunID, rp.graph, seq)
}

// containCutShort takes over a stop whose holder's lease lapsed (the holder may still be
// alive), makes sure the canister runs, and leaves the stop pending without a lease.
func (w *OpWorker) containCutShort(ctx context.Context, run RunRecord, seq int, target string) error {
	key := OpKey(run.RunID, seq)
	w.setActive(key, +1)
	defer w.setActive(key, -1)
	rec, _, v, err := w.claim(ctx, run, seq, true)
	if err != nil {
		return err
	}
	switch v {
	case busy:
		return &errInFlight{op: rec.Op.OperationID, until: time.UnixMilli(rec.Claim.LeaseUntil)}
	case alreadyDone: // its holder just finished: the next pass starts it through its start operation
		return &errInFlight{op: rec.Op.OperationID, until: w.Env.now()}
	}
	if err := w.ensureRunning(ctx, target); err != nil {
		return err
	}
	if v == claimed {
		return w.release(ctx, run.RunID, seq, rec.Claim.Attempt)
	}
	return nil
}

// ensureRunning starts a canister unless it already runs.
func (w *OpWorker) ensureRunning(ctx context.Context, target string) error {
	return w.lifecycle(ctx, target, executor.StatusRunning, w.Env.Exec.Start, true)
}

func (w *OpWorker) opRecord(ctx context.Context, runID string, idx plan.OperationIndex, kind plan.OperationKind, target string) (OpRecord, error) {
	seq, ok := idx.Find(kind, target)
	if !ok {
		return OpRecord{}, fmt.Errorf("plan has no %s of %s", kind, target)
	}
	rec, err := w.Env.Store.Ops.Get(ctx, OpKey(runID, seq))
	if errors.Is(err, kvstore.ErrNotFound) {
		return OpRecord{Op: journal.Operation{State: journal.StateBlocked}}, nil
	}
	return rec.Value, err
}
