package candid

import (
	"fmt"
	"testing"
)

// benchFleet is a registry of n canisters under one root, each with a module hash.
func benchFleet(n int) []RegistryEntry {
	hash := make(Bytes, 32)
	entries := []RegistryEntry{{Pid: pidRoot, Role: "root", Record: CanisterRecord{Pid: pidRoot, Role: "root"}}}
	for i := 1; i < n; i++ {
		role := fmt.Sprintf("worker_%d", i)
		entries = append(entries, RegistryEntry{Pid: pidApp, Role: role, Record: CanisterRecord{
			Pid: pidApp, Role: role, ParentPid: ptr(pidRoot), ModuleHash: hash, CreatedAt: uint64(i)}})
	}
	return entries
}

func BenchmarkDecodeRegistryReply(b *testing.B) {
	for _, n := range []int{20, 1000} {
		data, err := EncodeRegistry(benchFleet(n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%d-canisters", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeRegistryReply(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
