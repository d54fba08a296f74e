package simcheck

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// CheckAllRunning asserts that every canister in ids is running.
func CheckAllRunning(t testing.TB, stateDir string, ids []string) {
	t.Helper()
	for _, id := range ids {
		st, err := sim.Inspect(stateDir, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Status != executor.StatusRunning {
			t.Errorf("canister %s is %s", id, st.Status)
		}
	}
}
