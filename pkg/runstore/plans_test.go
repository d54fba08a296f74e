package runstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// fleetPlan is the non-root-fleet plan of a generated fleet of n canisters (about 1 KiB of
// JSON per canister), for run runID.
func fleetPlan(t *testing.T, runID string, n int) *plan.Plan {
	t.Helper()
	entries := fleetgen.Sized(n, []string{"worker", "index"})
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Build(plan.BuildInput{
		PlanID: "plan-" + runID, RunID: runID, Fleet: "big", Network: "local", RootCanisterID: entries[0].Pid,
		Scope: plan.ScopeNonRootFleet, IncludeDescendants: true, TopologyHash: hash, Registry: entries,
		Control:      plan.ControlAuthority{Source: plan.ControlSource{Kind: plan.ControlRootController}, Evidence: plan.EvidenceProven},
		SnapshotRead: plan.SnapshotReadAuthority{Source: plan.ReadRootConfiguredRead, Evidence: plan.EvidenceProven},
		Quiescence:   plan.QuiescenceCrashConsistent, IdentityMode: plan.IdentityRelocatable,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func planStore(t *testing.T) *Store {
	t.Helper()
	js, names := bustest.Installation(t)
	s, err := OpenStore(t.Context(), js, names)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A plan larger than planPartSize is stored as parts `<run>.part-NNNNNN` and a head record with
// their count and checksum; a small one as one key. Either loads back equal, and is written once.
func TestSavePlanSplitsLargePlans(t *testing.T) {
	tests := []struct {
		name      string
		canisters int
		wantSplit bool
	}{
		{name: "small", canisters: 10},
		{name: "large", canisters: 1500, wantSplit: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := planStore(t)
			p := fleetPlan(t, "run-"+tt.name, tt.canisters)
			data := mustJSON(t, p)
			if got := len(data) > planPartSize; got != tt.wantSplit {
				t.Fatalf("plan JSON is %d bytes: over planPartSize = %v, want %v", len(data), got, tt.wantSplit)
			}
			if err := s.SavePlan(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			wantKeys := []string{p.RunID}
			if tt.wantSplit {
				wantKeys = append(wantKeys, checkHead(t, s, p.RunID, data)...)
			}
			keys, err := s.Plans.Keys(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(keys)
			if slices.Sort(wantKeys); !slices.Equal(keys, wantKeys) {
				t.Fatalf("plans bucket keys = %v, want %v", keys, wantKeys)
			}
			got, err := s.LoadPlan(t.Context(), p.RunID)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(mustJSON(t, got), data) {
				t.Fatal("loaded plan differs from the saved one")
			}
			if err := s.SavePlan(t.Context(), p); !errors.Is(err, ErrExists) {
				t.Fatalf("second SavePlan = %v, want ErrExists", err)
			}
		})
	}
}

// checkHead checks the head record of a split plan and returns its part keys, which it checks
// hold data in order, each at most planPartSize bytes.
func checkHead(t *testing.T, s *Store, runID string, data []byte) []string {
	t.Helper()
	e, err := s.Plans.Get(t.Context(), runID)
	if err != nil {
		t.Fatal(err)
	}
	var head planParts
	if err := json.Unmarshal(e.Value(), &head); err != nil {
		t.Fatal(err)
	}
	wantParts := (len(data) + planPartSize - 1) / planPartSize
	if head.Parts != wantParts || head.Parts < 2 || head.SHA256 != checksum.Bytes(data) {
		t.Fatalf("head = %+v, want %d parts and sha256 %s", head, wantParts, checksum.Bytes(data))
	}
	var keys []string
	for i := 1; i <= head.Parts; i++ {
		key := fmt.Sprintf("%s.part-%06d", runID, i)
		part, err := s.Plans.Get(t.Context(), key)
		if err != nil {
			t.Fatal(err)
		}
		want := data[(i-1)*planPartSize : min(i*planPartSize, len(data))]
		if !bytes.Equal(part.Value(), want) {
			t.Fatalf("part %s holds %d bytes, not bytes %d.. of the plan", key, len(part.Value()), (i-1)*planPartSize)
		}
		keys = append(keys, key)
	}
	return keys
}

// A split plan whose parts were changed or lost after it was saved does not load. The edit
// keeps the plan valid JSON and a valid plan, so only the checksum can catch it.
func TestLoadPlanRefusesDamagedParts(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(t *testing.T, kv jetstream.KeyValue, runID string)
		wantErr error // nil: any error
	}{
		{name: "edited part", damage: editFleetName},
		{name: "lost part", damage: func(t *testing.T, kv jetstream.KeyValue, runID string) {
			if err := kv.Delete(t.Context(), partKey(runID, 2)); err != nil {
				t.Fatal(err)
			}
		}, wantErr: jetstream.ErrKeyNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := planStore(t)
			p := fleetPlan(t, "run-damaged", 1500)
			if err := s.SavePlan(t.Context(), p); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, s.Plans, p.RunID)
			got, err := s.LoadPlan(t.Context(), p.RunID)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("LoadPlan of a damaged plan = (plan %v, %v), want error %v", got != nil, err, tt.wantErr)
			}
		})
	}
}

// editFleetName rewrites the plan's fleet name in its first part: still a valid plan.
func editFleetName(t *testing.T, kv jetstream.KeyValue, runID string) {
	t.Helper()
	e, err := kv.Get(t.Context(), partKey(runID, 1))
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(e.Value(), []byte(`"fleet":"big"`), []byte(`"fleet":"bog"`), 1)
	if bytes.Equal(edited, e.Value()) {
		t.Fatal("fleet name not found in the first part")
	}
	if _, err := kv.Put(t.Context(), partKey(runID, 1), edited); err != nil {
		t.Fatal(err)
	}
}

// PlanIfAny is nil without an error for a run with no plan; LoadPlan says ErrNotFound.
func TestPlanIfAnyMissing(t *testing.T) {
	s := planStore(t)
	if p, err := s.PlanIfAny(t.Context(), "run-none"); p != nil || err != nil {
		t.Fatalf("PlanIfAny of a missing plan = (%v, %v), want (nil, nil)", p, err)
	}
	if _, err := s.LoadPlan(t.Context(), "run-none"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LoadPlan of a missing plan = %v, want ErrNotFound", err)
	}
	p := fleetPlan(t, "run-some", 3)
	if err := s.SavePlan(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.PlanIfAny(t.Context(), p.RunID); err != nil || got == nil || got.PlanID != p.PlanID {
		t.Fatalf("PlanIfAny of a saved plan = (%v, %v), want the plan", got, err)
	}
}
