package runstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
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

// AcquireLocks takes every target canister of p for run (in its current lock epoch), all or
// nothing: on a conflict it frees what it took and returns a *LockConflict. Locks are taken in
// key order, so two runs that want the same canisters meet on the first one they share.
func (s *Store) AcquireLocks(ctx context.Context, run runs.Record, p *plan.Plan, now string) error {
	var taken []string
	for _, key := range LockKeys(p) {
		if err := s.lockOne(ctx, run, key, now); err != nil {
			_ = s.FreeLocks(context.WithoutCancel(ctx), run.RunID, run.LockEpoch, taken, now)
			return err
		}
		taken = append(taken, key)
	}
	return nil
}

// LockKeys are the lock keys of p's targets, sorted.
func LockKeys(p *plan.Plan) []string {
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
func (s *Store) lockOne(ctx context.Context, run runs.Record, key, now string) error {
	mine := LockRecord{RunID: run.RunID, Epoch: run.LockEpoch, Since: now}
	for {
		cur, err := s.Locks.Get(ctx, key)
		if errors.Is(err, kvstore.ErrNotFound) {
			if _, err = s.Locks.Create(ctx, key, mine); errors.Is(err, kvstore.ErrExists) {
				continue
			}
			return err
		}
		if err != nil {
			return err
		}
		if held := cur.Value.RunID; held != "" && held != run.RunID {
			live, err := s.lockIsLive(ctx, cur.Value)
			if err != nil {
				return err
			}
			if live {
				return &LockConflict{CanisterID: key, Holder: held}
			}
		}
		if _, err = s.Locks.Put(ctx, key, mine, cur.Revision); kvstore.IsConflict(err) {
			continue
		}
		return err
	}
}

// lockIsLive reports whether a lock still binds: its run exists, is not settled, and the lock
// belongs to the run's current attempt. A lock left behind by a crash (its run settled, or a
// superseded attempt) is stale and may be taken over.
func (s *Store) lockIsLive(ctx context.Context, l LockRecord) (bool, error) {
	holder, err := s.Runs.Get(ctx, l.RunID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !holder.Value.Settled() && holder.Value.LockEpoch == l.Epoch, nil
}

// FreeLocks marks the keys free where they still hold runID's lock of epoch. It goes on past
// errors and returns them joined (a lock left behind becomes stale once its run settles).
func (s *Store) FreeLocks(ctx context.Context, runID string, epoch int, keys []string, now string) error {
	var errs []error
	for _, key := range keys {
		_, err := s.Locks.Update(ctx, key, func(l *LockRecord) error {
			if l.RunID != runID || l.Epoch != epoch {
				return kvstore.ErrNoChange
			}
			*l = LockRecord{Since: now}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("freeing lock of %s: %w", key, err))
		}
	}
	return errors.Join(errs...)
}
