package e2e

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// stateRank orders the states a backup run moves through; a run never goes to a lower rank.
var stateRank = map[runs.State]int{
	runs.Planning: 0, runs.Preflight: 1, runs.Queued: 1, runs.Running: 2,
	runs.Completed: 3, runs.Failed: 3, runs.Aborted: 3, runs.Rejected: 3,
}

// checkNeverBack asserts that the recorded versions of a run never went back: no state of a
// lower rank after a higher one (running → preflight, say), never rejected, and while it was
// running or after, completed operations never decreased (counts were never reset).
func checkNeverBack(t *testing.T, l *runLog) {
	t.Helper()
	versions := l.all()
	high, completed := -1, 0
	for i, v := range versions {
		rank, ok := stateRank[v.State]
		if !ok {
			t.Errorf("version %d of run %s has unknown state %q", i, l.runID, v.State)
		}
		if rank < high {
			t.Errorf("run %s went back to %s at version %d (states: %s)%s", l.runID, v.State, i, l.states(), l.describe())
			return
		}
		high = max(high, rank)
		if v.State == runs.Rejected {
			t.Errorf("run %s was rejected at version %d: %s%s", l.runID, i, deref(v.Error), l.describe())
			return
		}
		if rank >= stateRank[runs.Running] {
			if v.Counts.Completed < completed {
				t.Errorf("run %s: completed operations went from %d back to %d at version %d (counts reset)%s",
					l.runID, completed, v.Counts.Completed, i, l.describe())
				return
			}
			completed = v.Counts.Completed
		}
	}
}

// countOK counts the successful calls of one kind in the simulator's history.
func countOK(t *testing.T, stateDir, call string) int {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range calls {
		if c.OK && c.Call == call {
			n++
		}
	}
	return n
}
