package plan

import (
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

var fixtureHeader = RequestHeader{PlanID: "plan-001", RunID: "run-001", Fleet: "demo", Network: "local", RootCanisterID: ROOT}

// P21
func TestControlRequest(t *testing.T) {
	got := fixturePlan().ControlRequest()
	want := ControlRequest{fixtureHeader, true, []ControlRequestTarget{{APP, sp("app"), sp(ROOT), rootControl}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// P22
func TestSnapshotReadRequest(t *testing.T) {
	got := fixturePlan().SnapshotReadRequest()
	want := SnapshotReadRequest{fixtureHeader, []SnapshotReadRequestTarget{{APP, sp("app"), sp(ROOT), rootRead}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// P23
func TestTopologyRequest(t *testing.T) {
	got := fixturePlan().TopologyRequest()
	want := TopologyRequest{fixtureHeader, sp(APP), ScopeSubtree, HASH, []TopologyTarget{{APP, sp(ROOT), 1}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

// P24
func TestQuiescenceRequest(t *testing.T) {
	got := fixturePlan().QuiescenceRequest()
	want := QuiescenceRequest{fixtureHeader, sp(APP), QuiescenceRootCoordinated, []QuiescenceTarget{{APP, sp("app"), sp(ROOT)}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v", got)
	}
}

func TestRequestJSONKeys(t *testing.T) {
	data, err := document.Marshal(fixturePlan().ControlRequest())
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "plan_id": "plan-001",
  "run_id": "run-001",
  "fleet": "demo",
  "network": "local",
  "root_canister_id": "aaaaa-aa",
  "requires_root_controller": true,
  "targets": [
    {
      "canister_id": "renrk-eyaaa-aaaaa-aaada-cai",
      "role": "app",
      "parent_canister_id": "aaaaa-aa",
      "declared_authority": {
        "source": {
          "kind": "root-controller"
        },
        "evidence": "proven"
      }
    }
  ]
}`
	if string(data) != want {
		t.Fatalf("got\n%s", data)
	}
}

func TestProjectionTargetEquality(t *testing.T) {
	a := TopologyTarget{APP, sp(ROOT), 1}
	if !a.Equal(TopologyTarget{APP, sp(ROOT), 1}) || a.Equal(TopologyTarget{APP, nil, 1}) || a.Equal(TopologyTarget{APP, sp(ROOT), 2}) {
		t.Fatal("topology target equality")
	}
	q := QuiescenceTarget{APP, nil, sp(ROOT)}
	if !q.Equal(QuiescenceTarget{APP, nil, sp(ROOT)}) || q.Equal(QuiescenceTarget{APP, sp("app"), sp(ROOT)}) {
		t.Fatal("quiescence target equality")
	}
	if (&Plan{}).TopologyTargets() == nil || (&Plan{}).QuiescenceTargets() == nil {
		t.Fatal("projections must be non-nil")
	}
}
