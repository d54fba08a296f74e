package fleetgen

import (
	"math"

	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// Sized returns a fleet of exactly n canisters (none for n <= 0) for benchmarks: a root with
// c = ceil(sqrt(n-1)) children and the remaining n-1-c canisters spread as evenly as possible
// below those children (earlier children take one more), so 10,000 canisters is a root, 100
// children and 98 or 99 grandchildren each. Roles cycle through roles (unique roles when
// empty); every canister has a module hash.
func Sized(n int, roles []string) []registry.Entry {
	if n <= 0 {
		return []registry.Entry{}
	}
	spec := Spec{Roles: roles, ModuleHash: true}
	if n == 1 {
		return build(nil, spec)
	}
	children := int(math.Ceil(math.Sqrt(float64(n - 1))))
	rest := n - 1 - children
	counts := make([]int, 1+children)
	counts[0] = children
	for k := range children {
		counts[1+k] = rest / children
		if k < rest%children {
			counts[1+k]++
		}
	}
	return build(counts, spec)
}
