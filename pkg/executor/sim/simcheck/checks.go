// Package simcheck checks, from the simulator's state and call history, what a backup did
// to a simulated fleet: every target running again, one new snapshot each, the order of the
// calls, consistent cuts.
package simcheck

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// CheckFleetAfterBackup asserts the IC-side outcome: every target runs again and holds exactly
// one new snapshot (snapshotsBefore is each canister's count before the run).
func CheckFleetAfterBackup(t testing.TB, stateDir string, p *plan.Plan, snapshotsBefore map[string]int) {
	t.Helper()
	for _, tg := range p.Targets {
		st, err := sim.Inspect(stateDir, tg.CanisterID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != executor.StatusRunning {
			t.Errorf("canister %s is %s after the backup", tg.CanisterID, st.Status)
		}
		if got, want := len(st.Snapshots), snapshotsBefore[tg.CanisterID]+1; got != want {
			t.Errorf("canister %s holds %d snapshots, want %d", tg.CanisterID, got, want)
		}
	}
}

// CheckParallelOrder asserts from the simulator's history that no canister was snapshotted
// while running and that no start came before the last snapshot.
func CheckParallelOrder(t testing.TB, stateDir string) {
	t.Helper()
	CheckParallelOrderSince(t, stateDir, "")
}

// CheckParallelOrderSince is CheckParallelOrder over the calls after the last successful call
// of kind since (the whole history when since is ""): the last pass of a re-armed run.
func CheckParallelOrderSince(t testing.TB, stateDir, since string) {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(calls) - 1; since != "" && i >= 0; i-- {
		if calls[i].Call == since && calls[i].OK {
			calls = calls[i+1:]
			break
		}
	}
	lastSnapshot, firstStart := -1, len(calls)
	for i, c := range calls {
		if !c.OK {
			continue
		}
		switch c.Call {
		case "snapshot":
			lastSnapshot = i
			if c.StatusBefore == nil || *c.StatusBefore != executor.StatusStopped {
				t.Errorf("snapshot of %s taken while %v", c.Canister, c.StatusBefore)
			}
		case "start":
			firstStart = min(firstStart, i)
		}
	}
	if lastSnapshot < 0 || firstStart < lastSnapshot {
		t.Errorf("a start (call %d) preceded the last snapshot (call %d)", firstStart, lastSnapshot)
	}
}
