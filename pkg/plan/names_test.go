package plan

import (
	"testing"
	"time"
)

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"demo": "demo", "my fleet/1": "my-fleet-1", "--x--": "x", "": "unknown", "///": "unknown",
		"a.b_c-d": "a.b_c-d", "héllo": "h-llo", " lead": "lead",
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeg(t *testing.T) {
	for in, want := range map[string]string{
		APP: APP, ROOT: ROOT, "a.b": "a_b", "x/y z": "x_y_z", "é": "_", "a_b-C9": "a_b-C9",
	} {
		if got := Seg(in); got != want {
			t.Errorf("Seg(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlanAndRunIDs(t *testing.T) {
	at := time.Date(2026, 5, 7, 14, 0, 9, 0, time.FixedZone("x", 3600))
	id := DefaultPlanID("my fleet", at)
	if id != "plan-my-fleet-20260507-130009" {
		t.Fatalf("plan id %q", id)
	}
	if got := RunIDFromPlanID(id); got != "run-my-fleet-20260507-130009" {
		t.Fatalf("run id %q", got)
	}
	if got := RunIDFromPlanID("plan-plan-x"); got != "run-run-x" {
		t.Fatalf("every plan- is replaced: %q", got)
	}
}

func TestTargetLookup(t *testing.T) {
	p, err := Build(buildInput(ScopeSubtree, sp(APP)))
	if err != nil {
		t.Fatal(err)
	}
	tg, ok := p.Target(WORKER)
	if !ok || tg != &p.Targets[1] {
		t.Fatal("Target(WORKER)")
	}
	if _, ok := p.Target(ROOT); ok {
		t.Fatal("ROOT is not a target")
	}
	idx := p.TargetIndex()
	if len(idx) != 2 || idx[APP] != 0 || idx[WORKER] != 1 {
		t.Fatalf("index %v", idx)
	}
}
