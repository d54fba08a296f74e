package containment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// restartAll waits for in-flight stops, snapshots and loads (restores), then starts what needs
// starting.
func restartAll(ctx context.Context, w *opworker.Worker, run runs.Record, rp *runstore.RunPlan) error {
	idx := plan.IndexOperations(rp.Plan)
	stops := map[string]runstore.OpRecord{}
	for _, t := range rp.Plan.Targets {
		for _, kind := range []plan.OperationKind{plan.KindStop, plan.KindCreateSnapshot, plan.KindLoadSnapshot} {
			if _, ok := idx.Find(kind, t.CanisterID); !ok && kind != plan.KindStop {
				continue // a backup has no loads, a restore no snapshots
			}
			rec, err := opRecord(ctx, w.Env, run.RunID, idx, kind, t.CanisterID)
			if err != nil {
				return err
			}
			if rec.Op.State == journal.StatePending && rec.Claim != nil && rec.Claim.LeaseUntil > w.Env.Now().UnixMilli() {
				return &errInFlight{op: rec.Op.OperationID, until: time.UnixMilli(rec.Claim.LeaseUntil)}
			}
			if kind == plan.KindStop {
				stops[t.CanisterID] = rec
			}
		}
	}
	var failures []error
	for _, ph := range rp.Plan.Phases { // starts are in bottom-up order in the plan
		if ph.Kind != plan.KindStart || ph.TargetCanisterID == nil {
			continue
		}
		var err error
		switch stop := stops[*ph.TargetCanisterID]; stop.Op.State {
		case journal.StateReady, journal.StateBlocked:
			continue // never claimed: this run never touched the canister
		case journal.StateCompleted:
			err = containStart(ctx, w, run, rp, int(ph.Order))
		case journal.StatePending: // cut short: take it over so its holder cannot act later
			err = containCutShort(ctx, w, run, stop.Op.Sequence, *ph.TargetCanisterID)
		default: // a stop that failed may still have acted: make sure
			err = executor.EnsureRunning(ctx, w.Env.Exec, w.Env.Retry, *ph.TargetCanisterID)
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
func containStart(ctx context.Context, w *opworker.Worker, run runs.Record, rp *runstore.RunPlan, seq int) error {
	defer w.Track(runstore.OpKey(run.RunID, seq))()
	rec, from, v, err := w.Claim(ctx, run, seq, true)
	if err != nil {
		return err
	}
	switch v {
	case opworker.AlreadyDone, opworker.NotReady:
		return nil
	case opworker.Busy:
		return &errInFlight{op: rec.Op.OperationID, until: time.UnixMilli(rec.Claim.LeaseUntil)}
	}
	if err := w.Env.MoveCount(ctx, run, rec.Op.Kind, from, journal.StatePending); err != nil {
		return err
	}
	j := w.NewJob(run, rp, rec, from)
	if err := executor.EnsureRunning(ctx, w.Env.Exec, w.Env.Retry, *rec.Op.TargetCanisterID); err != nil {
		r := run.Journal.FailedReceipt(rec.Op, w.Env.MarkerPtr(), "containment: "+err.Error())
		if rerr := w.Record(ctx, j, r); rerr == nil {
			_ = w.Env.MoveCount(ctx, run, rec.Op.Kind, journal.StatePending, journal.StateFailed)
		}
		return err
	}
	if err := w.Record(ctx, j, run.Journal.CompletedReceipt(rec.Op, w.Env.MarkerPtr())); err != nil {
		return err
	}
	if err := w.Env.MoveCount(ctx, run, rec.Op.Kind, journal.StatePending, journal.StateCompleted); err != nil {
		return err
	}
	// Hand completion on like any start, so that a retry finds its parent's start and the
	// finalize operation ready.
	return opworker.Publisher(w.Env, run).Propagate(ctx, run.RunID, rp.Graph, seq)
}

// containCutShort takes over a stop whose holder's lease lapsed (the holder may still be
// alive), makes sure the canister runs, and leaves the stop pending without a lease.
func containCutShort(ctx context.Context, w *opworker.Worker, run runs.Record, seq int, target string) error {
	defer w.Track(runstore.OpKey(run.RunID, seq))()
	rec, _, v, err := w.Claim(ctx, run, seq, true)
	if err != nil {
		return err
	}
	switch v {
	case opworker.Busy:
		return &errInFlight{op: rec.Op.OperationID, until: time.UnixMilli(rec.Claim.LeaseUntil)}
	case opworker.AlreadyDone: // its holder just finished: the next pass starts it through its start operation
		return &errInFlight{op: rec.Op.OperationID, until: w.Env.Now()}
	}
	if err := executor.EnsureRunning(ctx, w.Env.Exec, w.Env.Retry, target); err != nil {
		return err
	}
	if v == opworker.Claimed {
		return w.Release(ctx, run.RunID, seq, rec.Claim.Attempt)
	}
	return nil
}

func opRecord(ctx context.Context, env *runenv.Env, runID string, idx plan.OperationIndex, kind plan.OperationKind, target string) (runstore.OpRecord, error) {
	seq, ok := idx.Find(kind, target)
	if !ok {
		return runstore.OpRecord{}, fmt.Errorf("plan has no %s of %s", kind, target)
	}
	rec, err := env.Store.Ops.Get(ctx, runstore.OpKey(runID, seq))
	if errors.Is(err, runstore.ErrNotFound) {
		return runstore.OpRecord{Op: journal.Operation{State: journal.StateBlocked}}, nil
	}
	return rec.Value, err
}
