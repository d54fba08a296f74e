package registry

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestTraverse(t *testing.T) {
	entries := threeEntries()
	for _, tc := range []struct {
		name      string
		selected  string
		recursive bool
		want      []string
	}{
		{"D2 non-recursive from ROOT", root, false, []string{root, app}},
		{"D3 recursive from ROOT", root, true, []string{root, app, worker}},
		{"from APP", app, false, []string{app, worker}},
		{"leaf", worker, true, []string{worker}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Traverse(entries, tc.selected, tc.recursive)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pids(got), tc.want) {
				t.Fatalf("Traverse = %v, want %v", pids(got), tc.want)
			}
		})
	}
}

func TestTraverseCarriesEntries(t *testing.T) {
	entries := []Entry{
		entry(root, "root", ""),
		{Pid: app, Role: ptr("app"), ParentPid: ptr(root), ModuleHash: ptr(hash)},
		entry(app, "app-again", root), // a duplicate pid: the first reached entry stays
		entry(worker, "worker", app),
		entry(other, "other", worker),
	}
	got, err := Traverse(entries, root, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, entries[:2]) {
		t.Fatalf("got %s", show(got))
	}
	got, _ = Traverse(entries, app, true)
	if !reflect.DeepEqual(got, []Entry{entries[2], entries[3], entries[4]}) {
		t.Fatalf("selected must be the last entry with the pid: %s", show(got))
	}
}

func TestTraverseNotInRegistry(t *testing.T) {
	_, err := Traverse(threeEntries(), other, true)
	var missing *NotInRegistryError
	if !errors.Is(err, ErrCanisterNotInRegistry) || !errors.As(err, &missing) || missing.CanisterID != other {
		t.Fatalf("err = %v", err)
	}
}

func TestTraverseCycles(t *testing.T) {
	entries := []Entry{entry("a", "", "b"), entry("b", "", "a"), entry("c", "", "c"), entry("d", "", "c")}
	got, _ := Traverse(entries, "a", true)
	if !slices.Equal(pids(got), []string{"a", "b"}) {
		t.Fatalf("cycle: %v", pids(got))
	}
	got, _ = Traverse(entries, "c", true)
	if !slices.Equal(pids(got), []string{"c", "d"}) {
		t.Fatalf("self parent: %v", pids(got))
	}
}

// The indexed traversal equals the spec's rescanning algorithm on random registries.
func TestTraverseMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		entries := randomRegistry(r, r.IntN(30))
		for _, selected := range []string{"c0", "c1", "c2", "outside0"} {
			for _, recursive := range []bool{false, true} {
				want, ok := referenceTraverse(entries, selected, recursive)
				got, err := Traverse(entries, selected, recursive)
				if ok != (err == nil) || !reflect.DeepEqual(got, want) {
					t.Fatalf("Traverse(%s, %s, %v) = %s, %v\nwant %s", show(entries), selected, recursive,
						show(got), err, show(want))
				}
			}
		}
	}
}
