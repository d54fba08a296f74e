package sim

import (
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// CanisterState is a canister's simulated state, for test assertions.
type CanisterState struct {
	Status    executor.Status
	Snapshots []executor.Snapshot
	// Counter is how many snapshots the canister has ever taken.
	Counter uint64
}

// Inspect reads a canister's state straight from a state directory, without a call (no latency,
// no fault, no history line). A canister outside the directory's fleet is ErrCanisterNotFound.
func Inspect(stateDir, canister string) (CanisterState, error) {
	path := filepath.Join(stateDir, fleetFileName)
	data, err := os.ReadFile(path)
	if err != nil {
		return CanisterState{}, err
	}
	f, err := parseFleet(data)
	if err != nil {
		return CanisterState{}, &StateError{Path: path, Err: err}
	}
	if _, ok := f.index[canister]; !ok {
		return CanisterState{}, permanent(&record{call: "inspect", canister: canister}, ErrCanisterNotFound,
			"canister %s not found", canister)
	}
	st, err := readState(filepath.Join(stateDir, canistersDir, canister+".json"))
	if err != nil {
		return CanisterState{}, err
	}
	return CanisterState{Status: st.effective(time.Now()), Snapshots: slices.Clone(st.Snapshots), Counter: st.Counter}, nil
}
