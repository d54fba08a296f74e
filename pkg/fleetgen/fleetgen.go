// Package fleetgen builds deterministic demo and test fleets as registry entries: a root and a
// breadth-first tree of canisters with ids shaped like real canister ids.
//
// The same Spec always yields the same entries, so tests, benchmarks and the simulator can share
// fleets by description instead of by file.
package fleetgen

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// FirstCounter is the canister counter of a generated root; member i (0 = root, breadth-first)
// gets FirstCounter + i. It is high enough that generated ids never equal the small ids the
// DOMAIN fixtures use (aaaaa-aa, renrk-..., rno2w-..., rdmx6-..., r7inp-...).
const FirstCounter = 1 << 16

// DefaultRootRole is the root's role when Spec.RootRole is empty.
const DefaultRootRole = "root"

// Spec describes a fleet: a root plus Levels[k] children for every canister at depth k.
type Spec struct {
	// Levels is the number of children of each canister at each level below the root, e.g.
	// {3, 3} is a root with 3 children with 3 children each (13 canisters). Negative counts are 0.
	Levels []int
	// Roles is the role cycle of non-root members in breadth-first order; empty gives every
	// member its own role "role-<n>" (n = breadth-first index, root = 0).
	Roles []string
	// RootRole is the root's role, DefaultRootRole when empty.
	RootRole string
	// ModuleHash gives every canister a module hash: the SHA-256 of its role, so members of one
	// role share a hash as they would share a wasm.
	ModuleHash bool
}

// Generate returns the fleet of spec: the root first, then every level breadth-first, each
// child listed right after its earlier siblings and in the order of its parent.
func Generate(spec Spec) []registry.Entry {
	counts := []int{}
	width := 1
	for _, n := range spec.Levels {
		n = max(n, 0)
		for range width {
			counts = append(counts, n)
		}
		width *= n
	}
	return build(counts, spec)
}

// CanisterID is the principal text of the canister with the given counter, laid out like a
// real canister id: the 8-byte big-endian counter followed by 0x01 0x01.
func CanisterID(counter uint64) string {
	blob := make([]byte, 10)
	binary.BigEndian.PutUint64(blob, counter)
	blob[8], blob[9] = 1, 1
	return principal.Encode(blob)
}

// JSON renders entries as the root canister's registry answer ({"Ok": [...]}).
func JSON(entries []registry.Entry) ([]byte, error) {
	return registry.Encode(entries)
}

// build lays out a fleet breadth-first; counts[i] is the number of children of member i
// (members past the end of counts have none).
func build(counts []int, spec Spec) []registry.Entry {
	total := 1
	for _, n := range counts {
		total += max(n, 0)
	}
	entries := make([]registry.Entry, 0, total)
	entries = append(entries, member(0, nil, rootRole(spec), spec.ModuleHash))
	for p := 0; p < len(entries) && p < len(counts); p++ {
		parent := entries[p].Pid
		for range max(counts[p], 0) {
			i := len(entries)
			entries = append(entries, member(i, &parent, memberRole(spec.Roles, i), spec.ModuleHash))
		}
	}
	return entries
}

// member is the entry of breadth-first member i; every pointer is its own allocation.
func member(i int, parent *string, role string, withHash bool) registry.Entry {
	e := registry.Entry{Pid: CanisterID(FirstCounter + uint64(i)), Role: &role}
	if parent != nil {
		p := *parent
		e.ParentPid = &p
	}
	if withHash {
		sum := sha256.Sum256([]byte(role))
		h := hex.EncodeToString(sum[:])
		e.ModuleHash = &h
	}
	return e
}

func rootRole(spec Spec) string {
	if spec.RootRole == "" {
		return DefaultRootRole
	}
	return spec.RootRole
}

// memberRole is the role of non-root member i (i >= 1).
func memberRole(roles []string, i int) string {
	if len(roles) == 0 {
		return "role-" + strconv.Itoa(i)
	}
	return roles[(i-1)%len(roles)]
}
