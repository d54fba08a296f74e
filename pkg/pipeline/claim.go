package pipeline

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
)

// verdict is what the claim step decided about a delivered operation.
type verdict int

const (
	claimed       verdict = iota // this worker owns the operation now
	alreadyDone                  // completed or skipped: only the hand-off may need repeating
	notReady                     // dependencies not met: drop the message, it is published again when they are
	busy                         // someone else holds a live lease: look again when it would expire
	alreadyFailed                // failed: only a retry (or containment) takes it again
)

// ErrLostClaim says another worker took the operation over (our lease lapsed).
var ErrLostClaim = errors.New("claim lost to another worker")

// claim moves an operation to pending under this worker's name by compare-and-swap. Exactly
// one of several racing workers wins; the others see its claim on their re-read and back off.
// ignoreDeps (containment) claims an operation whatever its dependencies.
func (w *OpWorker) claim(ctx context.Context, run RunRecord, seq int, ignoreDeps bool) (OpRecord, journal.State, verdict, error) {
	var from journal.State
	v := notReady
	now := w.Env.now()
	rec, err := w.Env.Store.Ops.Update(ctx, OpKey(run.RunID, seq), func(r *OpRecord) error {
		from, v = r.Op.State, notReady
		switch {
		case r.Op.State.Done():
			v = alreadyDone
			return kvstore.ErrNoChange
		case r.Op.State == journal.StateFailed && !ignoreDeps:
			v = alreadyFailed
			return kvstore.ErrNoChange
		case !r.Deps.Satisfied() && !ignoreDeps:
			return kvstore.ErrNoChange
		case r.Op.State == journal.StatePending && r.Claim != nil && r.Claim.LeaseUntil > now.UnixMilli() &&
			!w.abandoned(r.Claim, run.RunID, seq):
			v = busy
			return kvstore.ErrNoChange
		}
		if r.Op.State != journal.StatePending { // a takeover keeps the journal's pending state
			if err := journal.ClaimOp(&r.Op, run.Journal.PreflightAccepted, w.Env.markerPtr()); err != nil {
				return err
			}
		}
		r.Attempts++
		r.Claim = &Claim{Worker: w.id, Attempt: r.Attempts, LeaseUntil: now.Add(w.Env.lease()).UnixMilli()}
		v = claimed
		return nil
	})
	return rec.Value, from, v, err
}

// abandoned reports whether a live claim is this worker's own from an attempt it no longer
// runs (its completion could not be recorded, say while the server restarted): it may be
// taken again at once instead of waiting for the lease to lapse.
func (w *OpWorker) abandoned(c *Claim, runID string, seq int) bool {
	return c.Worker == w.id && !w.othersActive(OpKey(runID, seq))
}

// renew extends this worker's lease, failing with ErrLostClaim if the claim changed hands.
func (w *OpWorker) renew(ctx context.Context, runID string, seq, attempt int) error {
	_, err := w.Env.Store.Ops.Update(ctx, OpKey(runID, seq), func(r *OpRecord) error {
		if !w.holds(r, attempt) {
			return ErrLostClaim
		}
		r.Claim.LeaseUntil = w.Env.now().Add(w.Env.lease()).UnixMilli()
		return nil
	})
	return err
}

// release hands a claimed operation back (shutdown): it stays pending with no lease, so the
// redelivered message is claimed at once by whoever gets it.
func (w *OpWorker) release(ctx context.Context, runID string, seq, attempt int) error {
	_, err := w.Env.Store.Ops.Update(ctx, OpKey(runID, seq), func(r *OpRecord) error {
		if !w.holds(r, attempt) {
			return kvstore.ErrNoChange
		}
		r.Claim.LeaseUntil = 0
		return nil
	})
	return err
}

func (w *OpWorker) holds(r *OpRecord, attempt int) bool {
	return r.Op.State == journal.StatePending && r.Claim != nil && r.Claim.Worker == w.id && r.Claim.Attempt == attempt
}
