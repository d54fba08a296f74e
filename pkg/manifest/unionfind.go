package manifest

import (
	"sort"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// unionFind is a disjoint-set forest over target indexes.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	uf := &unionFind{parent: make([]int, n)}
	for i := range uf.parent {
		uf.parent[i] = i
	}
	return uf
}

func (uf *unionFind) find(i int) int {
	for uf.parent[i] != i {
		uf.parent[i] = uf.parent[uf.parent[i]]
		i = uf.parent[i]
	}
	return i
}

func (uf *unionFind) union(a, b int) {
	ra, rb := uf.find(a), uf.find(b)
	if ra == rb {
		return
	}
	if ra < rb {
		uf.parent[rb] = ra
	} else {
		uf.parent[ra] = rb
	}
}

// groupByKey lists each component's members in plan order, components ordered by key.
func groupByKey(targets []plan.Target, uf *unionFind, key map[int]int) [][]int {
	byRoot := make(map[int][]int, len(key))
	for i := range targets {
		r := uf.find(i)
		byRoot[r] = append(byRoot[r], i)
	}
	comps := make([][]int, 0, len(byRoot))
	for _, comp := range byRoot {
		comps = append(comps, comp)
	}
	sort.Slice(comps, func(a, b int) bool {
		return key[uf.find(comps[a][0])] < key[uf.find(comps[b][0])]
	})
	return comps
}
