package manifest

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// componentUnits is version 2's units: one per connected component of the selection, where two
// targets are connected when one is the other's parent. A unit lists its members in plan order
// and their distinct roles in order of first appearance; it is `single` for one member, else
// `subtree`. Units are ordered by the plan position of their top member (the member whose parent
// is not selected; a component without one, a parent cycle, is placed by its first member and
// fails validation). One unit is named `backup-selection`, several `backup-selection-<n>`.
func componentUnits(p *plan.Plan) []BackupUnit {
	comps := components(p.Targets)
	units := make([]BackupUnit, len(comps))
	for n, comp := range comps {
		u := BackupUnit{UnitID: SelectionUnitID, Kind: UnitSubtree, Roles: []string{}, CanisterIDs: make([]string, len(comp))}
		if len(comps) > 1 {
			u.UnitID = fmt.Sprintf("%s-%d", SelectionUnitID, n+1)
		}
		if len(comp) == 1 {
			u.Kind = UnitSingle
		}
		seen := make(map[string]bool)
		for k, i := range comp {
			u.CanisterIDs[k] = p.Targets[i].CanisterID
			if role := targetRole(i, &p.Targets[i]); !seen[role] {
				seen[role] = true
				u.Roles = append(u.Roles, role)
			}
		}
		units[n] = u
	}
	return units
}

// components groups target indexes into connected components (each in plan order), ordered by
// the plan position of their top member, or of their first member when they have none.
func components(targets []plan.Target) [][]int {
	index := make(map[string]int, len(targets))
	for i := range targets {
		if _, ok := index[targets[i].CanisterID]; !ok {
			index[targets[i].CanisterID] = i
		}
	}
	uf := newUnionFind(len(targets))
	for i := range targets {
		if parent := targets[i].ParentCanisterID; parent != nil {
			if j, ok := index[*parent]; ok {
				uf.union(i, j)
			}
		}
	}
	// A component is ordered by its top member; a parent cycle has none and uses its first member.
	key := make(map[int]int)
	hasTop := make(map[int]bool)
	for i := range targets {
		r := uf.find(i)
		top := isTop(targets, index, i)
		if _, seen := key[r]; !seen || (top && !hasTop[r]) {
			key[r] = i
			hasTop[r] = hasTop[r] || top
		}
	}
	return groupByKey(targets, uf, key)
}

func hasIndex(index map[string]int, id string) bool {
	_, ok := index[id]
	return ok
}

// isTop reports whether target i has no selected parent.
func isTop(targets []plan.Target, index map[string]int, i int) bool {
	parent := targets[i].ParentCanisterID
	return parent == nil || !hasIndex(index, *parent)
}
