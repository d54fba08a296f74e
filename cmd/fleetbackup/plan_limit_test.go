package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// The dry run refuses what the planner refuses: a selection of more targets than --max-targets
// (or FLEETBACKUP_MAX_TARGETS) is bad input naming the count, the limit and the flag; exactly
// at the limit it is planned.
func TestPlanRefusesMoreTargetsThanMaxTargets(t *testing.T) {
	hub := []string{"plan", "--json", "--fleet", "demo", "--network", "local", "--selector", "user_hub"} // 4 targets
	r := fb(t, "", append(hub, "--max-targets", "3")...)
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, "4 targets", "limit of 3", "--max-targets")
	r = fbWithEnv(t, []string{"FLEETBACKUP_MAX_TARGETS=3"}, hub...)
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, "4 targets", "limit of 3")
	r = fb(t, "", append(hub, "--max-targets", "4")...)
	wantCode(t, r, 0)
	if p, err := plan.Load([]byte(r.stdout)); err != nil || len(p.Targets) != 4 {
		t.Fatalf("plan at the limit: %v\n%s", err, r)
	}
	r = fb(t, "", append(hub, "--max-targets", "-1")...)
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, "must not be negative")
}

// Without --max-targets the planner's default holds: the whole of a fleet of
// DefaultMaxTargets+2 canisters (DefaultMaxTargets+1 targets) is refused.
func TestPlanRefusesMoreTargetsThanTheDefault(t *testing.T) {
	data, err := fleetgen.JSON(fleetgen.Sized(plan.DefaultMaxTargets+2, nil))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "fleet.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := fb(t, "", "plan", "--fleet", "big", "--network", "local", "--scope", "non-root-fleet", "--sim-fleet", file)
	wantCode(t, r, 2)
	wantIn(t, "stderr", r.stderr, strconv.Itoa(plan.DefaultMaxTargets+1)+" targets",
		"limit of "+strconv.Itoa(plan.DefaultMaxTargets), "--max-targets")
}
