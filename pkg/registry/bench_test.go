package registry_test

import (
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

func benchFleet(b *testing.B) []registry.Entry {
	entries := fleetgen.Sized(10_000, []string{"app", "worker", "store"})
	b.ReportAllocs()
	b.ResetTimer()
	return entries
}

func BenchmarkTraverse10k(b *testing.B) {
	entries := benchFleet(b)
	for b.Loop() {
		if out, err := registry.Traverse(entries, entries[0].Pid, true); err != nil || len(out) != len(entries) {
			b.Fatal(err, len(out))
		}
	}
}

func BenchmarkDepths10k(b *testing.B) {
	entries := benchFleet(b)
	for b.Loop() {
		if len(registry.Depths(entries)) != len(entries) {
			b.Fatal("missing depths")
		}
	}
}

func BenchmarkTopologyHash10k(b *testing.B) {
	entries := benchFleet(b)
	for b.Loop() {
		if _, err := registry.TopologyHash(entries); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse10k(b *testing.B) {
	data, err := fleetgen.JSON(fleetgen.Sized(10_000, nil))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := registry.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
