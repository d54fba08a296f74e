package manifest

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// BenchmarkCheckPlan10k: CheckPlan (build both versions and validate) for a non-root-fleet
// selection of 10,000 canisters with three roles: about 100 version 2 units.
func BenchmarkCheckPlan10k(b *testing.B) {
	p := buildPlan(b, fleetgen.Sized(10000, []string{"worker", "index", "store"}), plan.ScopeNonRootFleet, -1)
	b.ResetTimer()
	for b.Loop() {
		if err := CheckPlan(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad10k: decoding and validating the version 2 manifest of that selection.
func BenchmarkLoad10k(b *testing.B) {
	p := buildPlan(b, fleetgen.Sized(10000, []string{"worker", "index", "store"}), plan.ScopeNonRootFleet, -1)
	m, err := Build(p, placeholderJournal(p), "unix:1", testTool)
	if err != nil {
		b.Fatal(err)
	}
	data := []byte(fixtureJSON(b, m))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}
