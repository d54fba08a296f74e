package registry

import (
	"errors"
	"os"
	"reflect"
	"testing"
)

func FuzzParse(f *testing.F) {
	fixture, err := os.ReadFile("testdata/registry-wrapped.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture)
	for _, seed := range []string{
		`[]`, `{"Ok":[]}`, `[{"pid":"p","role":"r","kind":null,"record":{"kind":"k","parent_pid":[],"module_hash":[1,2]}}]`,
		`[{"pid":"a","record":{"parent_pid":"b"}},{"pid":"b","record":{"parent_pid":["a"]}}]`,
		`[{"pid":"a","record":{"created_at":"1715090400"}},{"pid":"b","record":{"created_at":17}},{"pid":"c","record":{"created_at":"-1"}}]`,
		`{"Ok":{}}`, `"x"`, `[1,]`, `[{"pid":"\ud800"}]`, `[1e400]`, `[[[[[]]]]]`, "[\"\xff\"]", ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrJSON) && !errors.Is(err, ErrInvalidShape) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if entries == nil {
			t.Fatal("nil entries without error")
		}
		encoded, err := Encode(entries)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Parse(encoded)
		if err != nil || !reflect.DeepEqual(again, entries) {
			t.Fatalf("round trip: %v\n%s\n%s", err, show(entries), show(again))
		}
		if len(entries) <= 100 { // the reference algorithms are quadratic
			exercise(t, entries)
		}
	})
}

// exercise runs the registry's questions on parsed entries and checks them against the spec's
// algorithms.
func exercise(t *testing.T, entries []Entry) {
	if got, want := Depths(entries), referenceDepths(entries); !reflect.DeepEqual(got, want) {
		t.Fatalf("Depths = %v, want %v", got, want)
	}
	for _, e := range entries {
		got, err := Traverse(entries, e.Pid, true)
		want, _ := referenceTraverse(entries, e.Pid, true)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("Traverse(%q) = %s, %v; want %s", e.Pid, show(got), err, show(want))
		}
		_, _ = ResolveSelector(entries, e.Pid)
	}
	if _, err := TopologyHash(entries); err != nil && !errors.Is(err, ErrInvalidPrincipal) {
		t.Fatalf("TopologyHash: %v", err)
	}
}
