package registry

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestDepths(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []Entry
		want    map[string]uint32
	}{
		{"three entries", threeEntries(), map[string]uint32{root: 0, app: 1, worker: 2}},
		{"parent outside counts one hop", []Entry{entry("a", "", "x"), entry("b", "", "a")},
			map[string]uint32{"a": 1, "b": 2}},
		{"empty parent is a parent outside", []Entry{entry("a", "", ""), {Pid: "b", ParentPid: ptr("")}},
			map[string]uint32{"a": 0, "b": 1}},
		{"self parent", []Entry{entry("a", "", "a"), entry("b", "", "a")}, map[string]uint32{"a": 1, "b": 2}},
		{"two-cycle and a tail", []Entry{entry("a", "", "b"), entry("b", "", "a"), entry("c", "", "b"),
			entry("d", "", "c")}, map[string]uint32{"a": 2, "b": 2, "c": 3, "d": 4}},
		{"duplicate pid: last parent wins", []Entry{entry("a", "", ""), entry("b", "", "a"), entry("a", "", "x")},
			map[string]uint32{"a": 1, "b": 2}},
		{"empty", nil, map[string]uint32{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Depths(tc.entries); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Depths = %v, want %v", got, tc.want)
			}
		})
	}
}

// The memoised depths equal the spec's walk per pid on random registries full of cycles.
func TestDepthsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		entries := randomRegistry(r, r.IntN(40))
		if got, want := Depths(entries), referenceDepths(entries); !reflect.DeepEqual(got, want) {
			t.Fatalf("Depths(%s) = %v, want %v", show(entries), got, want)
		}
	}
}

func TestDepthsLongChain(t *testing.T) {
	const n = 100_000
	entries := make([]Entry, n)
	for i := range entries {
		entries[i].Pid = string(rune(0x4e00+i%20000)) + string(rune('a'+i/20000))
		if i > 0 {
			entries[i].ParentPid = &entries[i-1].Pid
		}
	}
	entries[0].ParentPid = &entries[n-1].Pid // one big cycle
	for _, d := range Depths(entries) {
		if d != n {
			t.Fatalf("depth %d, want %d", d, n)
		}
	}
}
