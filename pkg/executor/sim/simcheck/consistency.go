package simcheck

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// lifecycle is where a canister stands in its (stop, snapshot, start) cycle.
type lifecycle int

const (
	cycleRunning     lifecycle = iota // before a stop, or after a start
	cycleStopped                      // after a stop, before its snapshot
	cycleSnapshotted                  // after the snapshot, before the start
)

// CheckConsistentCuts asserts from the simulator's history that every canister's successful
// lifecycle calls form repeated (stop, snapshot, start) cycles: a stop finds the canister
// running, the snapshot follows that stop with no start in between and finds it stopped, the
// start follows the snapshot, and every cycle is finished (the canister runs at the end).
// A start between a stop and its snapshot (another run restarting a canister mid-cut), a stop
// of a canister already stopped, or a second snapshot in one cycle are reported with the
// canister's calls. It fits histories in which no run failed or was aborted (those restart
// canisters without a snapshot); failed calls and non-lifecycle calls are ignored.
func CheckConsistentCuts(t testing.TB, stateDir string) {
	t.Helper()
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]lifecycle{}
	seen := map[string][]string{} // each canister's lifecycle calls, for the report
	reported := map[string]bool{}
	report := func(c sim.Call, i int, why string) {
		if reported[c.Canister] {
			return
		}
		reported[c.Canister] = true
		t.Errorf("canister %s: history call %d (%s, status before %s) %s; its lifecycle calls: %s",
			c.Canister, i, c.Call, statusOf(c), why, strings.Join(seen[c.Canister], " "))
	}
	for i, c := range calls {
		if !c.OK || (c.Call != sim.KindStop && c.Call != sim.KindSnapshot && c.Call != sim.KindStart) {
			continue
		}
		seen[c.Canister] = append(seen[c.Canister], fmt.Sprintf("%d:%s(%s)", i, c.Call, statusOf(c)))
		st := state[c.Canister]
		switch c.Call {
		case sim.KindStop:
			switch {
			case st != cycleRunning:
				report(c, i, "stops a canister whose cycle is not finished (no start since its last stop)")
			case c.StatusBefore == nil || *c.StatusBefore != executor.StatusRunning:
				report(c, i, "stops a canister that was not running")
			}
			state[c.Canister] = cycleStopped
		case sim.KindSnapshot:
			switch {
			case st != cycleStopped:
				report(c, i, "is a snapshot that does not follow a stop (a start came in between, or a second snapshot)")
			case c.StatusBefore == nil || *c.StatusBefore != executor.StatusStopped:
				report(c, i, "is a snapshot of a canister that was not stopped")
			}
			state[c.Canister] = cycleSnapshotted
		case sim.KindStart:
			if st != cycleSnapshotted {
				report(c, i, "starts a canister between its stop and its snapshot (or twice)")
			}
			state[c.Canister] = cycleRunning
		}
	}
	for canister, st := range state {
		if st != cycleRunning {
			report(sim.Call{Canister: canister, Call: "end of history"}, len(calls), "ends the history with the cycle unfinished")
		}
	}
}

// CheckBackupIsConsistentCut asserts that the completed backup in backupDir (taken in
// parallel order) is one consistent cut of its targets: between the earliest stop that led to
// one of its snapshots and the latest of its snapshots, no target was started. Each member's
// snapshot is found in the simulator's history by its snapshot id.
func CheckBackupIsConsistentCut(t testing.TB, stateDir, backupDir string) {
	t.Helper()
	m, err := layout.ReadManifest(backupDir)
	if err != nil {
		t.Fatalf("reading manifest of %s: %v", backupDir, err)
	}
	calls, err := sim.ReadHistory(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, mem := range m.Fleet.Members {
		targets[mem.CanisterID] = true
	}
	first, last := len(calls), -1
	for _, mem := range m.Fleet.Members {
		snap := snapshotCall(calls, mem.CanisterID, mem.SourceSnapshot.SnapshotID)
		if snap < 0 {
			t.Errorf("backup %s: no successful snapshot %s of %s in the history", backupDir, mem.SourceSnapshot.SnapshotID, mem.CanisterID)
			continue
		}
		stop := lastCallBefore(calls, snap, mem.CanisterID, sim.KindStop)
		if stop < 0 {
			t.Errorf("backup %s: snapshot %s of %s (call %d) follows no stop", backupDir, mem.SourceSnapshot.SnapshotID, mem.CanisterID, snap)
			continue
		}
		first, last = min(first, stop), max(last, snap)
	}
	for i := first; i <= last && i < len(calls); i++ {
		if c := calls[i]; c.OK && c.Call == sim.KindStart && targets[c.Canister] {
			t.Errorf("backup %s is not a consistent cut: target %s started at call %d, between the cut's first stop (call %d) and last snapshot (call %d)",
				backupDir, c.Canister, i, first, last)
		}
	}
}

func snapshotCall(calls []sim.Call, canister, snapshotID string) int {
	for i, c := range calls {
		if c.OK && c.Call == sim.KindSnapshot && c.Canister == canister && c.SnapshotID != nil && *c.SnapshotID == snapshotID {
			return i
		}
	}
	return -1
}

func lastCallBefore(calls []sim.Call, before int, canister, kind string) int {
	for i := before - 1; i >= 0; i-- {
		if c := calls[i]; c.OK && c.Call == kind && c.Canister == canister {
			return i
		}
	}
	return -1
}

func statusOf(c sim.Call) string {
	if c.StatusBefore == nil {
		return "-"
	}
	return string(*c.StatusBefore)
}
