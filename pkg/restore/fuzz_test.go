package restore

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// The decoders of outside input never panic, and whatever they accept encodes again.
func FuzzLoadPlan(f *testing.F) {
	p, _ := BuildPlan(fixtureA(plan.IdentityRelocatable), nil)
	seed, _ := EncodePlan(p)
	f.Add(seed)
	f.Add([]byte(`{"plan_version":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := LoadPlan(data); err == nil {
			if _, err := EncodePlan(p); err != nil {
				t.Fatalf("accepted plan does not encode: %v", err)
			}
		}
	})
}

func FuzzLoadJournal(f *testing.F) {
	p, _ := BuildPlan(fixtureA(plan.IdentityRelocatable), nil)
	j, _ := NewJournal(p, nil)
	seed, _ := EncodeJournal(j)
	f.Add(seed)
	f.Add([]byte(`{"journal_version":1,"operations":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if j, err := LoadJournal(data); err == nil {
			j.Report()
			if _, err := EncodeJournal(j); err != nil {
				t.Fatalf("accepted journal does not encode: %v", err)
			}
		}
	})
}

func FuzzLoadMapping(f *testing.F) {
	f.Add([]byte(`{"members":[{"source_canister":"aaaaa-aa","target_canister":"aaaaa-aa"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if mp, err := LoadMapping(data); err == nil {
			_ = ValidateMapping(mp, fixtureA(plan.IdentityRelocatable))
		}
	})
}
