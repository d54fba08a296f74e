package plan

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// The bound of a limit: the limit itself, the default for zero or less; a count over it is a
// *TargetsError naming what, the count, the limit and the flag that raises it.
func TestCheckTargetCount(t *testing.T) {
	cases := []struct {
		count, limit, bound int
		over                bool
	}{
		{count: 3, limit: 3, bound: 3},
		{count: 4, limit: 3, bound: 3, over: true},
		{count: 0, limit: 1, bound: 1},
		{count: DefaultMaxTargets, limit: 0, bound: DefaultMaxTargets},
		{count: DefaultMaxTargets + 1, limit: 0, bound: DefaultMaxTargets, over: true},
		{count: DefaultMaxTargets + 1, limit: -5, bound: DefaultMaxTargets, over: true},
		{count: 20_000, limit: 20_000, bound: 20_000},
	}
	for _, c := range cases {
		if got := TargetLimit(c.limit); got != c.bound {
			t.Errorf("TargetLimit(%d) = %d, want %d", c.limit, got, c.bound)
		}
		err := CheckTargetCount("the selection", c.count, c.limit)
		if !c.over {
			if err != nil {
				t.Errorf("%d targets, limit %d: %v", c.count, c.limit, err)
			}
			continue
		}
		var te *TargetsError
		if !errors.Is(err, ErrTooManyTargets) || !errors.As(err, &te) || te.Count != c.count || te.Limit != c.bound {
			t.Errorf("%d targets, limit %d: %#v, want a TargetsError over %d", c.count, c.limit, err, c.bound)
			continue
		}
		checkTargetsMessage(t, err, "the selection", c.count, c.bound)
	}
	if msg := (&TargetsError{Count: 2, Limit: 1}).Error(); !strings.Contains(msg, "the run has 2 targets") {
		t.Errorf("message without what: %q", msg)
	}
}

// checkTargetsMessage fails unless err's message names what, the count, the limit and the flag.
func checkTargetsMessage(t *testing.T, err error, what string, count, limit int) {
	t.Helper()
	msg := err.Error()
	for _, want := range []string{what, strconv.Itoa(count) + " targets", "limit of " + strconv.Itoa(limit), "--max-targets"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %q", msg, want)
		}
	}
}

// Build refuses a selection of more targets than BuildInput.MaxTargets before it builds any
// target, and builds one of exactly as many.
func TestBuildRefusesMoreTargetsThanTheLimit(t *testing.T) {
	cases := []struct {
		name     string
		scope    ScopeKind
		limit    int
		targets  int
		refusing bool
	}{
		{"maintenance-root over", ScopeMaintenanceRoot, 2, 3, true},
		{"maintenance-root at", ScopeMaintenanceRoot, 3, 3, false},
		{"subtree over", ScopeSubtree, 1, 2, true},
		{"subtree at", ScopeSubtree, 2, 2, false},
		{"non-root-fleet over", ScopeNonRootFleet, 1, 2, true},
		{"member over", ScopeMember, 1, 2, true}, // a member keeps its direct children
		{"member at", ScopeMember, 2, 2, false},
		{"default", ScopeMaintenanceRoot, 0, 3, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := buildInput(c.scope, sp(APP))
			if c.scope == ScopeMaintenanceRoot {
				in.SelectedCanisterID = sp(ROOT)
			}
			in.MaxTargets = c.limit
			p, err := Build(in)
			if c.refusing {
				if p != nil || !errors.Is(err, ErrTooManyTargets) {
					t.Fatalf("plan %v, err %v: want refused", p != nil, err)
				}
				checkTargetsMessage(t, err, "the selection", c.targets, c.limit)
				return
			}
			if err != nil || len(p.Targets) != c.targets {
				t.Fatalf("err %v, want a plan of %d targets", err, c.targets)
			}
		})
	}
}

// Without a limit of its own, Build refuses a whole fleet of DefaultMaxTargets+2 canisters
// (DefaultMaxTargets+1 targets without the root).
func TestBuildDefaultLimit(t *testing.T) {
	entries := fleetgen.Sized(DefaultMaxTargets+2, nil)
	hash, err := registry.TopologyHash(entries)
	if err != nil {
		t.Fatal(err)
	}
	in := buildInput(ScopeNonRootFleet, nil)
	in.RootCanisterID, in.Registry, in.TopologyHash = entries[0].Pid, entries, hash
	_, err = Build(in)
	var te *TargetsError
	if !errors.As(err, &te) || te.Count != DefaultMaxTargets+1 || te.Limit != DefaultMaxTargets {
		t.Fatalf("err = %v, want %d targets over the default %d", err, DefaultMaxTargets+1, DefaultMaxTargets)
	}
}
