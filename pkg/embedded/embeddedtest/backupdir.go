package embeddedtest

import (
	"maps"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// Members lists the canister ids of a backup directory's manifest members.
func Members(t testing.TB, dir string) []string {
	t.Helper()
	m, err := layout.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(m.Fleet.Members))
	for i, mem := range m.Fleet.Members {
		ids[i] = mem.CanisterID
	}
	return ids
}

// Checksums maps each manifest member of a backup directory to its source_snapshot.checksum.
func Checksums(t testing.TB, dir string) map[string]string {
	t.Helper()
	m, err := layout.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, mem := range m.Fleet.Members {
		if mem.SourceSnapshot.Checksum == nil {
			t.Fatalf("member %s has no checksum", mem.CanisterID)
		}
		out[mem.CanisterID] = *mem.SourceSnapshot.Checksum
	}
	return out
}

// Contents maps each canister to the id of its current content in a sim state directory.
func Contents(t testing.TB, stateDir string, ids []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range ids {
		c, err := sim.Content(stateDir, id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = c
	}
	return out
}

// SameMaps reports whether two maps hold the same keys and values.
func SameMaps(a, b map[string]string) bool { return maps.Equal(a, b) }
