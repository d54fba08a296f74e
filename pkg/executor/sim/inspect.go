package sim

import (
	"os"
	"path/filepath"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// CanisterState is a canister's simulated state, for test assertions.
type CanisterState struct {
	Status    executor.Status
	Snapshots []executor.Snapshot
	// Counter is how many snapshots the canister has ever taken or received by upload.
	Counter uint64
	// Content names the canister's data (64 hex digits): Mutate changes it, LoadSnapshot sets it
	// to the snapshot's. Two canisters, or one at two times, with equal Content and ModuleHash
	// produce the same artifact bytes.
	Content string
	// ModuleHash is the installed module's hash in lower-case hex, "" without a module.
	ModuleHash string
	// SnapshotContents maps each snapshot id to the Content it captured.
	SnapshotContents map[string]string
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
	i, ok := f.index[canister]
	if !ok {
		return CanisterState{}, permanent(&record{call: "inspect", canister: canister}, ErrCanisterNotFound,
			"canister %s not found", canister)
	}
	st, err := readState(filepath.Join(stateDir, canistersDir, canister+".json"))
	if err != nil {
		return CanisterState{}, err
	}
	c := st.current(&f.members[i])
	out := CanisterState{Status: st.effective(time.Now()), Snapshots: st.public(), Counter: st.Counter,
		Content: c.ID, ModuleHash: c.Module, SnapshotContents: make(map[string]string, len(st.Snapshots))}
	for _, sn := range st.Snapshots {
		out.SnapshotContents[sn.ID] = sn.Content.ID
	}
	return out, nil
}

// Content returns the id of a canister's current content in a state directory (see
// CanisterState.Content), so a test can compare a canister's data before and after a restore.
func Content(stateDir, canister string) (string, error) {
	st, err := Inspect(stateDir, canister)
	return st.Content, err
}
