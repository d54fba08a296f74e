package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

func TestPlanJSONIsAValidPlan(t *testing.T) {
	r := fb(t, "", "plan", "--json", "--fleet", "demo", "--network", "local", "--selector", "user_hub", "--run-id", "nightly-1")
	wantCode(t, r, 0)
	p, err := plan.Load([]byte(r.stdout))
	if err != nil {
		t.Fatalf("plan --json is not a valid plan: %v\n%s", err, r)
	}
	if p.RunID != "nightly-1" || p.SelectedScopeKind != plan.ScopeSubtree || len(p.Targets) != 4 || len(p.Phases) != 25 {
		t.Fatalf("unexpected plan: run %s scope %s, %d targets, %d phases", p.RunID, p.SelectedScopeKind, len(p.Targets), len(p.Phases))
	}
	for i, ph := range p.Phases {
		if int(ph.Order) != i {
			t.Fatalf("phase %d has order %d: phases not in plan order", i, ph.Order)
		}
	}
	if p.Phases[0].Kind != plan.KindValidateTopology || p.Phases[len(p.Phases)-1].Kind != plan.KindFinalizeManifest {
		t.Fatalf("phases do not run from preflight to finalize: %+v", p.Phases)
	}
}

func TestPlanTableAndInlineRegistry(t *testing.T) {
	r := fb(t, "", "plan", "--fleet", "prod", "--network", "ic", "--root", "r7inp-6aaaa-aaaaa-aaabq-cai",
		"--selector", "app", "--registry", "testdata/registry.json", "--executor", "icp")
	wantCode(t, r, 0) // an inline registry needs no executor at all
	wantIn(t, "plan table", r.stdout, "3 targets", "renrk-eyaaa-aaaaa-aaada-cai", "20 operations", "finalize-manifest")
}

func TestPlanFromFileWithFlagOverrides(t *testing.T) {
	req := map[string]any{"run_id": "from-file", "fleet": "demo", "network": "local", "scope": "subtree", "selector": "game_hub"}
	data, _ := json.Marshal(req)
	path := filepath.Join(t.TempDir(), "request.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := fb(t, "", "plan", "--json", "--file", path, "--selector", "asset_hub")
	wantCode(t, r, 0)
	p, err := plan.Load([]byte(r.stdout))
	if err != nil || p.RunID != "from-file" || len(p.Targets) != 3 {
		t.Fatalf("plan from file: %v\n%s", err, r)
	}
	r = fbStdin(t, "", string(data), "plan", "--json", "--file", "-")
	wantCode(t, r, 0)
	os.WriteFile(path, []byte(`{"fleet": "demo", "network": "local", "colour": "blue"}`), 0o644)
	r = fb(t, "", "plan", "--file", path)
	wantCode(t, r, 2) // unknown fields are refused, as the planner refuses them
	wantIn(t, "stderr", r.stderr, "colour")
}

func TestPlanRefusesAnUnknownSelector(t *testing.T) {
	r := fb(t, "", "plan", "--fleet", "demo", "--network", "local", "--selector", "nobody")
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, `"nobody"`)
}
