package runstore

import (
	"context"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

const lockTarget = "renrk-eyaaa-aaaaa-aaada-cai"

func lockPlan() *plan.Plan {
	return &plan.Plan{Targets: []plan.Target{{CanisterID: lockTarget}}}
}

// A lock left behind by a crash (its run settled before its release was recorded, its run gone,
// or an attempt a newer one superseded) is taken over; a live run's lock is a conflict naming it.
func TestLocksLeftByCrashesAreTakenOver(t *testing.T) {
	for _, tc := range []struct {
		name   string
		holder *runs.Record // nil: the holding run's record does not exist
		epoch  int
		live   bool
	}{
		{"holder settled, release never recorded", &runs.Record{RunID: "old", State: runs.Completed, LocksHeld: true, LockEpoch: 1}, 1, false},
		{"holder gone", nil, 1, false},
		{"superseded attempt of a queued run", &runs.Record{RunID: "old", State: runs.Queued, LockEpoch: 3}, 2, false},
		{"running holder", &runs.Record{RunID: "old", State: runs.Running, LocksHeld: true, LockEpoch: 1}, 1, true},
		{"failed holder still restarting", &runs.Record{RunID: "old", State: runs.Failed, LocksHeld: true, LockEpoch: 1,
			Containment: &runs.Containment{State: runs.ContainPending}}, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) { checkTakeover(t, tc.holder, tc.epoch, tc.live) })
	}
}

func checkTakeover(t *testing.T, holder *runs.Record, epoch int, live bool) {
	t.Helper()
	js, names := bustest.Installation(t)
	ctx := context.Background()
	s, err := OpenStore(ctx, js, names)
	if err != nil {
		t.Fatal(err)
	}
	if holder != nil {
		if _, err := s.Runs.Create(ctx, holder.RunID, *holder); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Locks.Create(ctx, LockKey(lockTarget), LockRecord{RunID: "old", Epoch: epoch}); err != nil {
		t.Fatal(err)
	}
	newcomer := runs.Record{RunID: "new", State: runs.Preflight, LockEpoch: 1}
	err = s.AcquireLocks(ctx, newcomer, lockPlan(), "t")
	var conflict *LockConflict
	switch {
	case live && (!errors.As(err, &conflict) || conflict.Holder != "old"):
		t.Fatalf("err = %v, want a conflict naming run old", err)
	case !live && err != nil:
		t.Fatalf("stale lock not taken over: %v", err)
	}
	l, err := s.Locks.Get(ctx, LockKey(lockTarget))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[bool]string{true: "old", false: "new"}[live]; l.Value.RunID != want {
		t.Fatalf("lock held by %q, want %q", l.Value.RunID, want)
	}
}

// Freeing only touches the run's own locks of the given epoch: a newer attempt's locks, or
// another run's, survive a late release.
func TestFreeLocksOnlyItsOwnEpoch(t *testing.T) {
	js, names := bustest.Installation(t)
	ctx := context.Background()
	s, err := OpenStore(ctx, js, names)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Locks.Create(ctx, LockKey(lockTarget), LockRecord{RunID: "r", Epoch: 2}); err != nil {
		t.Fatal(err)
	}
	if err := s.FreeLocks(ctx, "r", 1, []string{LockKey(lockTarget)}, "t"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Locks.Get(ctx, LockKey(lockTarget)); l.Value.RunID != "r" || l.Value.Epoch != 2 {
		t.Fatalf("a late release of epoch 1 freed epoch 2's lock: %+v", l.Value)
	}
	if err := s.FreeLocks(ctx, "r", 2, []string{LockKey(lockTarget)}, "t"); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.Locks.Get(ctx, LockKey(lockTarget)); l.Value.RunID != "" {
		t.Fatalf("lock still held: %+v", l.Value)
	}
}
