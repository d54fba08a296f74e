package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// LockRecord is `<prefix>_locks/<safe_canister_id>`: the run holding a canister and the lock
// epoch of its attempt (package runs). A free canister's record has an empty run id: records
// are never deleted, so that taking a lock is always a compare-and-swap on one revision.
type LockRecord struct {
	RunID string `json:"run_id"`
	Epoch int    `json:"epoch"`
	Since string `json:"since"`
}

// LockConflict says a canister is held by another run.
type LockConflict struct {
	CanisterID string
	Holder     string
}

func (e *LockConflict) Error() string {
	return fmt.Sprintf("canister %s is held by run %s", e.CanisterID, e.Holder)
}

// acquireLocks takes every target canister of p for run (in its current lock epoch), all or
// nothing: on a conflict it frees what it took and returns a *LockConflict. Locks are taken in
// key order, so two runs that want the same canisters meet on the first one they share.
func (e *Env) acquireLocks(ctx context.Context, run RunRecord, p *plan.Plan) error {
	var taken []string
	for _, key := range lockKeys(p) {
		if err := e.lockOne(ctx, run, key); err != nil {
			e.freeLocks(context.WithoutCancel(ctx), run.RunID, run.LockEpoch, taken)
			return err
		}
		taken = append(taken, key)
	}
	return nil
}

func lockKeys(p *plan.Plan) []string {
	keys := make([]string, 0, len(p.Targets))
	for _, t := range p.Targets {
		keys = append(keys, LockKey(t.CanisterID))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// lockOne writes run's lock on key by compare-and-swap, unless a live run holds it. The write
// happens even when run already holds the key, so that a racing stale takeover (which read
// the old revision) loses.
func (e *Env) lockOne(ctx context.Context, run RunRecord, key string) error {
	mine := LockRecord{RunID: run.RunID, Epoch: run.LockEpoch, Since: e.rfc3339()}
	for {
		cur, err := e.Store.Locks.Get(ctx, key)
		if errors.Is(err, kvstore.ErrNotFound) {
			if _, err = e.Store.Locks.Create(ctx, key, mine); errors.Is(err, kvstore.ErrExists) {
				continue
			}
			return err
		}
		if err != nil {
			return err
		}
		if held := cur.Value.RunID; held != "" && held != run.RunID {
			live, err := e.lockIsLive(ctx, cur.Value)
			if err != nil {
				return err
			}
			if live {
				return &LockConflict{CanisterID: key, Holder: held}
			}
		}
		if _, err = e.Store.Locks.Put(ctx, key, mine, cur.Revision); kvstore.IsConflict(err) {
			continue
		}
		return err
	}
}

// lockIsLive reports whether a lock still binds: its run exists, is not settled, and the lock
// belongs to the run's current attempt. A lock left behind by a crash (its run settled, or a
// superseded attempt) is stale and may be taken over.
func (e *Env) lockIsLive(ctx context.Context, l LockRecord) (bool, error) {
	holder, err := e.Store.Runs.Get(ctx, l.RunID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !holder.Value.Settled() && holder.Value.LockEpoch == l.Epoch, nil
}

// freeLocks marks the keys free where they still hold runID's lock of epoch; errors are
// logged (a lock left behind becomes stale once its run settles).
func (e *Env) freeLocks(ctx context.Context, runID string, epoch int, keys []string) {
	for _, key := range keys {
		_, err := e.Store.Locks.Update(ctx, key, func(l *LockRecord) error {
			if l.RunID != runID || l.Epoch != epoch {
				return kvstore.ErrNoChange
			}
			*l = LockRecord{Since: e.rfc3339()}
			return nil
		})
		if err != nil {
			e.logger().Warn("freeing canister lock", "run_id", runID, "canister", key, "err", err)
		}
	}
}
