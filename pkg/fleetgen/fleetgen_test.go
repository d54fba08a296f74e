package fleetgen

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// checkFleet verifies the invariants every generated fleet has and returns depths by pid.
func checkFleet(t *testing.T, entries []registry.Entry, want int) {
	t.Helper()
	if len(entries) != want {
		t.Fatalf("%d entries, want %d", len(entries), want)
	}
	index := map[string]int{}
	for i, e := range entries {
		if !principal.Valid(e.Pid) {
			t.Fatalf("entry %d: invalid id %q", i, e.Pid)
		}
		if _, dup := index[e.Pid]; dup {
			t.Fatalf("entry %d: duplicate id %s", i, e.Pid)
		}
		index[e.Pid] = i
		if e.Role == nil || *e.Role == "" || e.Kind != nil {
			t.Fatalf("entry %d: role %v kind %v", i, e.Role, e.Kind)
		}
		switch {
		case i == 0 && e.ParentPid != nil:
			t.Fatal("root has a parent")
		case i > 0 && e.ParentPid == nil:
			t.Fatalf("entry %d has no parent", i)
		case i > 0:
			p, ok := index[*e.ParentPid]
			if !ok || p >= i {
				t.Fatalf("entry %d: parent %s not listed before it", i, *e.ParentPid)
			}
		}
	}
	if len(entries) > 0 {
		if sub, err := registry.Traverse(entries, entries[0].Pid, true); err != nil || len(sub) != len(entries) {
			t.Fatalf("not one tree under the root: %d of %d, %v", len(sub), len(entries), err)
		}
	}
	if _, err := registry.TopologyHash(entries); err != nil {
		t.Fatal(err)
	}
}

func TestGenerate(t *testing.T) {
	entries := Generate(Spec{Levels: []int{3, 3}, Roles: []string{"app", "worker"}})
	checkFleet(t, entries, 13)
	if *entries[0].Role != "root" || entries[0].Pid == "aaaaa-aa" {
		t.Fatalf("root %s %s", entries[0].Pid, *entries[0].Role)
	}
	if entries[0].Pid != CanisterID(FirstCounter) || entries[12].Pid != CanisterID(FirstCounter+12) {
		t.Fatal("ids are not the counter sequence")
	}
	roles := []string{}
	for _, e := range entries[1:] {
		roles = append(roles, *e.Role)
	}
	if want := strings.Fields("app worker app worker app worker app worker app worker app worker"); !slices.Equal(roles, want) {
		t.Fatalf("roles %v", roles)
	}
	depths := registry.Depths(entries)
	for i, want := range []uint32{0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2} {
		if depths[entries[i].Pid] != want {
			t.Fatalf("entry %d depth %d, want %d", i, depths[entries[i].Pid], want)
		}
	}
	// breadth-first: children of member 1 come before those of member 2.
	if *entries[4].ParentPid != entries[1].Pid || *entries[7].ParentPid != entries[2].Pid {
		t.Fatal("not breadth-first")
	}
	if entries[0].ModuleHash != nil {
		t.Fatal("module hash without ModuleHash")
	}
}

func TestGenerateOptions(t *testing.T) {
	entries := Generate(Spec{Levels: []int{2, -1, 5}, RootRole: "orchestrator", ModuleHash: true})
	checkFleet(t, entries, 3)
	if *entries[0].Role != "orchestrator" || *entries[1].Role != "role-1" || *entries[2].Role != "role-2" {
		t.Fatal("roles")
	}
	for _, e := range entries {
		if e.ModuleHash == nil || len(*e.ModuleHash) != 64 {
			t.Fatal("module hash")
		}
	}
	checkFleet(t, Generate(Spec{}), 1)
	checkFleet(t, Generate(Spec{Levels: []int{0, 4}}), 1)
}

func TestGenerateDeterministic(t *testing.T) {
	spec := Spec{Levels: []int{4, 2, 3}, Roles: []string{"a", "b", "c"}, ModuleHash: true}
	first, second := Generate(spec), Generate(spec)
	if !reflect.DeepEqual(first, second) {
		t.Fatal("Generate is not deterministic")
	}
	checkFleet(t, first, 1+4+8+24)
	first[1].Role = nil
	*first[2].ParentPid = "changed"
	if second[1].Role == nil || *second[2].ParentPid == "changed" || *first[3].ParentPid == "changed" {
		t.Fatal("entries share memory")
	}
}

func TestSized(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 101, 1000, 10_000} {
		entries := Sized(n, []string{"app", "worker"})
		checkFleet(t, entries, n)
		for pid, d := range registry.Depths(entries) {
			if d > 2 {
				t.Fatalf("n=%d: %s at depth %d", n, pid, d)
			}
		}
	}
	if Sized(-5, nil) == nil {
		t.Fatal("nil fleet")
	}
	entries := Sized(10_000, nil)
	children := 0
	for _, e := range entries {
		if e.ParentPid != nil && *e.ParentPid == entries[0].Pid {
			children++
		}
	}
	if children != 100 || !reflect.DeepEqual(entries, Sized(10_000, nil)) {
		t.Fatalf("root has %d children", children)
	}
}

func TestJSON(t *testing.T) {
	entries := Generate(Spec{Levels: []int{2, 2}, ModuleHash: true})
	data, err := JSON(entries)
	if err != nil {
		t.Fatal(err)
	}
	back, err := registry.Parse(data)
	if err != nil || !reflect.DeepEqual(back, entries) {
		t.Fatalf("JSON does not round-trip: %v", err)
	}
}

func TestCanisterIDLikeRealIDs(t *testing.T) {
	// counter 3 is the local replica's r7inp-6aaaa-aaaaa-aaabq-cai (DOMAIN §0 example).
	if got := CanisterID(3); got != "r7inp-6aaaa-aaaaa-aaabq-cai" {
		t.Fatalf("CanisterID(3) = %s", got)
	}
}
