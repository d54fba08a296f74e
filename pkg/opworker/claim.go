package opworker

import (
	"context"
	"errors"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Verdict is what the claim step decided about a delivered operation.
type Verdict int

// Verdicts of the claim step.
const (
	Claimed       Verdict = iota // this worker owns the operation now
	AlreadyDone                  // completed or skipped: only the hand-off may need repeating
	NotReady                     // dependencies not met: drop the message, it is published again when they are
	Busy                         // someone else holds a live lease: look again when it would expire
	AlreadyFailed                // failed: only a retry (or containment) takes it again
)

// ErrLostClaim says another worker took the operation over (our lease lapsed).
var ErrLostClaim = errors.New("claim lost to another worker")

// ErrHandBack, wrapped in an effect's error, says the effect reached no outcome worth recording
// (it was cut short by its run, which runs again): the claim is released and the message handed
// back, as for a store error, instead of failing the operation.
var ErrHandBack = errors.New("handed back")

// Claim moves an operation to pending under this worker's name by compare-and-swap. Exactly
// one of several racing workers wins; the others see its claim on their re-read and back off.
// The claim lasts the lease of its kind (runenv.Env.LeaseFor: short for management calls),
// which the worker renews while the effect runs. ignoreDeps (containment) claims an operation
// whatever its dependencies; containment does not renew its claims, so they last the long lease.
func (w *Worker) Claim(ctx context.Context, run runs.Record, seq int, ignoreDeps bool) (runstore.OpRecord, journal.State, Verdict, error) {
	rec, from, v, err := w.claim(ctx, run, seq, ignoreDeps)
	return rec.Value, from, v, err
}

// claim is Claim returning the operation's record with the revision it was read or written at.
// An operation whose effect prepares its claim (Preparer) is read once without writing, then
// prepared, then claimed with what the preparation learnt.
func (w *Worker) claim(ctx context.Context, run runs.Record, seq int, ignoreDeps bool) (runstore.OpEntry, journal.State, Verdict, error) {
	rec, from, v, err := w.claimWith(ctx, run, seq, ignoreDeps, nil)
	if !errors.Is(err, errPrepare) {
		return rec, from, v, err
	}
	prepared, err := w.prepare(ctx, run, seq)
	if err != nil {
		return rec, from, NotReady, err
	}
	return w.claimWith(ctx, run, seq, ignoreDeps, prepared)
}

// claimWith claims, applying prepared (if any) in the claim's write; errPrepare when the
// operation's effect wants preparing first and prepared is nil.
func (w *Worker) claimWith(ctx context.Context, run runs.Record, seq int, ignoreDeps bool, prepared func(*runstore.OpRecord)) (runstore.OpEntry, journal.State, Verdict, error) {
	var from journal.State
	v := NotReady
	takeover := false
	now := w.Env.Now()
	rec, err := w.Env.Store.Ops.Update(ctx, runstore.OpKey(run.RunID, seq), func(r *runstore.OpRecord) error {
		from, v, takeover = r.Op.State, NotReady, false
		if v = finished(r, ignoreDeps); v != Claimed {
			return runstore.ErrNoChange
		}
		if err := w.openGate(ctx, r, run, seq, ignoreDeps); err != nil {
			v = NotReady
			return err
		}
		if w.busy(r, run, seq, now) {
			v = Busy
			return runstore.ErrNoChange
		}
		p, wants := w.effects[r.Op.Kind].(Preparer)
		wants = wants && !ignoreDeps && p.Wants(r)
		if wants && prepared == nil {
			return errPrepare
		}
		if r.Op.State != journal.StatePending { // a takeover keeps the journal's pending state
			if err := journal.ClaimOp(&r.Op, run.Journal.PreflightAccepted, w.Env.MarkerPtr()); err != nil {
				return err
			}
		}
		takeover = r.Op.State == journal.StatePending && tookOver(r.Claim, w.id)
		r.Attempts++
		lease := w.Env.LeaseFor(r.Op.Kind)
		if ignoreDeps {
			lease = w.Env.LeaseDuration()
		}
		r.Claim = &runstore.Claim{Worker: w.id, Attempt: r.Attempts, LeaseUntil: now.Add(lease).UnixMilli()}
		if wants {
			prepared(r)
		}
		v = Claimed
		return nil
	})
	if o := ObserverFrom(ctx); o != nil && err == nil && takeover {
		o.LeaseTakenOver(string(rec.Value.Op.Kind))
	}
	return rec, from, v, err
}

// finished is the verdict on an operation that is done (AlreadyDone) or failed (AlreadyFailed,
// unless containment claims it whatever its state); Claimed otherwise, for the next checks:
// its dependencies (openGate), then a live claim of someone else's (busy).
func finished(r *runstore.OpRecord, ignoreDeps bool) Verdict {
	switch {
	case r.Op.State.Done():
		return AlreadyDone
	case r.Op.State == journal.StateFailed && !ignoreDeps:
		return AlreadyFailed
	}
	return Claimed
}

// busy reports whether another attempt holds a live lease on the operation.
func (w *Worker) busy(r *runstore.OpRecord, run runs.Record, seq int, now time.Time) bool {
	return r.Op.State == journal.StatePending && r.Claim != nil && r.Claim.LeaseUntil > now.UnixMilli() &&
		!w.abandoned(r.Claim, run.RunID, seq)
}

// openGate makes sure a claimed operation's dependencies are met: all marked, or (a read-gated
// operation, package handoff's gate.go) all its predecessors done, which marks every slot in
// the claim's own write. runstore.ErrNoChange when they are not met.
func (w *Worker) openGate(ctx context.Context, r *runstore.OpRecord, run runs.Record, seq int, ignoreDeps bool) error {
	if ignoreDeps || r.Deps.Satisfied() {
		return nil
	}
	open, err := w.gateOpen(ctx, run, seq)
	if err != nil {
		return err
	}
	if !open {
		return runstore.ErrNoChange
	}
	for slot := range r.Deps.Need {
		r.Deps.Mark(slot)
	}
	r.Dispatched = true
	return nil
}

// gateOpen reports whether operation seq is read-gated and its predecessors are done (package
// handoff, gate.go). It is asked after every read of the operation's record, so that they are
// always read after the record the claim writes over: a retry that re-armed the run in
// between changes that record and fails the compare-and-swap.
func (w *Worker) gateOpen(ctx context.Context, run runs.Record, seq int) (bool, error) {
	rp, err := w.plans.Get(ctx, w.Env.Store, run.RunID, run.Order)
	if err != nil {
		return false, err
	}
	return handoff.GateOpen(ctx, w.Env.Store, run.RunID, rp.Graph, seq)
}

// tookOver reports whether claiming over c takes an operation from another worker whose
// lease lapsed: not a claim released on shutdown (lease zero), nor this worker's own.
func tookOver(c *runstore.Claim, self string) bool {
	return c != nil && c.LeaseUntil != 0 && c.Worker != self
}

// abandoned reports whether a live claim is this worker's own from an attempt it no longer
// runs (its completion could not be recorded, say while the server restarted): it may be
// taken again at once instead of waiting for the lease to lapse.
func (w *Worker) abandoned(c *runstore.Claim, runID string, seq int) bool {
	return c.Worker == w.id && !w.othersActive(runstore.OpKey(runID, seq))
}

// renew extends this worker's lease by its kind's lease, failing with ErrLostClaim if the claim
// changed hands.
func (w *Worker) renew(ctx context.Context, runID string, seq, attempt int) error {
	_, err := w.Env.Store.Ops.Update(ctx, runstore.OpKey(runID, seq), func(r *runstore.OpRecord) error {
		if !w.holds(r, attempt) {
			return ErrLostClaim
		}
		r.Claim.LeaseUntil = w.Env.Now().Add(w.Env.LeaseFor(r.Op.Kind)).UnixMilli()
		return nil
	})
	return err
}

// Release hands a claimed operation back (shutdown): it stays pending with no lease, so the
// redelivered message is claimed at once by whoever gets it.
func (w *Worker) Release(ctx context.Context, runID string, seq, attempt int) error {
	_, err := w.Env.Store.Ops.Update(ctx, runstore.OpKey(runID, seq), func(r *runstore.OpRecord) error {
		if !w.holds(r, attempt) {
			return runstore.ErrNoChange
		}
		r.Claim.LeaseUntil = 0
		return nil
	})
	return err
}

func (w *Worker) holds(r *runstore.OpRecord, attempt int) bool {
	return r.Op.State == journal.StatePending && r.Claim != nil && r.Claim.Worker == w.id && r.Claim.Attempt == attempt
}
