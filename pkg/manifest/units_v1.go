package manifest

import "sort"

// validateUnitsAgainstFleet is step 6, per version.
func (m *Manifest) validateUnitsAgainstFleet() *Error {
	if m.ManifestVersion == Version2 {
		return validateUnitsByMember(m.Consistency.BackupUnits, m.Fleet.Members)
	}
	return validateUnitsByRole(m.Consistency.BackupUnits, m.Fleet.Members)
}

// validateUnitsByRole is version 1's step 6, exactly as the reference: unit roles are fleet
// roles; a subtree unit (its members: the fleet members with one of its roles) has exactly one
// top member and misses no descendant; every fleet role is covered, checked in sorted order.
func validateUnitsByRole(units []BackupUnit, members []Member) *Error {
	fleetRoles := make(map[string]bool, len(members))
	for i := range members {
		fleetRoles[members[i].Role] = true
	}
	covered := make(map[string]bool, len(fleetRoles))
	for i := range units {
		u := &units[i]
		for _, role := range u.Roles {
			if !fleetRoles[role] {
				e := newErr(ErrUnknownBackupUnitRole)
				e.UnitID, e.Role = u.UnitID, role
				return e.at(i)
			}
			covered[role] = true
		}
		if u.Kind != UnitSubtree {
			continue
		}
		if e := validateSubtreeByRole(u, members); e != nil {
			return e.at(i)
		}
	}
	return missingRole(fleetRoles, covered)
}

func missingRole(fleetRoles, covered map[string]bool) *Error {
	roles := make([]string, 0, len(fleetRoles))
	for role := range fleetRoles {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		if !covered[role] {
			e := newErr(ErrBackupUnitCoverageMissingRole)
			e.Role = role
			return e
		}
	}
	return nil
}

func validateSubtreeByRole(u *BackupUnit, members []Member) *Error {
	unitRoles := make(map[string]bool, len(u.Roles))
	for _, role := range u.Roles {
		unitRoles[role] = true
	}
	inUnit := make(map[string]bool)
	for i := range members {
		if unitRoles[members[i].Role] {
			inUnit[members[i].CanisterID] = true
		}
	}
	if topMembers(members, inUnit) != 1 {
		e := newErr(ErrSubtreeBackupUnitNotConnected)
		e.UnitID = u.UnitID
		return e
	}
	byID := membersByID(members)
	for i := range members {
		if inUnit[members[i].CanisterID] {
			continue
		}
		if parent, ok := firstUnitAncestor(&members[i], byID, inUnit); ok {
			e := newErr(ErrSubtreeBackupUnitMissingDescendant)
			e.UnitID, e.Parent, e.CanisterID = u.UnitID, parent, members[i].CanisterID
			return e
		}
	}
	return nil
}

// topMembers counts the unit members whose parent is null or outside the unit.
func topMembers(members []Member, inUnit map[string]bool) int {
	n := 0
	for i := range members {
		m := &members[i]
		if inUnit[m.CanisterID] && (m.ParentCanisterID == nil || !inUnit[*m.ParentCanisterID]) {
			n++
		}
	}
	return n
}

// membersByID indexes members by canister id; for a repeated id the first wins (validation has
// already rejected repeats by the time this runs).
func membersByID(members []Member) map[string]*Member {
	byID := make(map[string]*Member, len(members))
	for i := range members {
		if _, ok := byID[members[i].CanisterID]; !ok {
			byID[members[i].CanisterID] = &members[i]
		}
	}
	return byID
}

// firstUnitAncestor walks parent links through fleet members (cycle-safe) and returns the nearest
// ancestor inside the unit.
func firstUnitAncestor(m *Member, byID map[string]*Member, inUnit map[string]bool) (string, bool) {
	visited := make(map[string]bool)
	parent := m.ParentCanisterID
	for parent != nil {
		id := *parent
		if inUnit[id] {
			return id, true
		}
		if visited[id] {
			return "", false
		}
		visited[id] = true
		ancestor, ok := byID[id]
		if !ok {
			return "", false
		}
		parent = ancestor.ParentCanisterID
	}
	return "", false
}
