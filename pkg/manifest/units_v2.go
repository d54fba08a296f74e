package manifest

// validateUnitsByMember is version 2's step 6. Units name their members by canister id; the
// role-keyed rules of version 1 become: every listed id is a fleet member and belongs to one unit
// only; a unit's roles are exactly its members' roles; a subtree unit has exactly one top member
// and is closed under descendants; every fleet member is in some unit.
func validateUnitsByMember(units []BackupUnit, members []Member) *Error {
	byID := membersByID(members)
	owner, e := assignMembers(units, byID)
	if e != nil {
		return e
	}
	for i := range units {
		if e := unitRolesMatch(&units[i], byID); e != nil {
			return e.at(i)
		}
		if units[i].Kind == UnitSubtree && unitTopMembers(i, units[i].CanisterIDs, byID, owner) != 1 {
			e := newErr(ErrSubtreeBackupUnitNotConnected)
			e.UnitID = units[i].UnitID
			return e.at(i)
		}
	}
	if e := closedUnderDescendants(units, members, owner); e != nil {
		return e
	}
	return coverMembers(members, owner)
}

// assignMembers maps each listed canister id to the index of its unit.
func assignMembers(units []BackupUnit, byID map[string]*Member) (map[string]int, *Error) {
	owner := make(map[string]int, len(byID))
	for i := range units {
		u := &units[i]
		for _, id := range u.CanisterIDs {
			if _, ok := byID[id]; !ok {
				e := newErr(ErrUnknownBackupUnitMember)
				e.UnitID, e.CanisterID = u.UnitID, id
				return nil, e.at(i)
			}
			if j, ok := owner[id]; ok {
				e := newErr(ErrDuplicateBackupUnitMember)
				e.UnitID, e.CanisterID, e.Expected = u.UnitID, id, units[j].UnitID
				return nil, e.at(i)
			}
			owner[id] = i
		}
	}
	return owner, nil
}

// unitRolesMatch requires the unit's roles to be exactly the set of its members' roles.
func unitRolesMatch(u *BackupUnit, byID map[string]*Member) *Error {
	memberRoles := make(map[string]bool, len(u.CanisterIDs))
	for _, id := range u.CanisterIDs {
		memberRoles[byID[id].Role] = true
	}
	listed := make(map[string]bool, len(u.Roles))
	for _, role := range u.Roles {
		if !memberRoles[role] {
			e := newErr(ErrUnknownBackupUnitRole)
			e.UnitID, e.Role = u.UnitID, role
			return e
		}
		listed[role] = true
	}
	for _, id := range u.CanisterIDs {
		if role := byID[id].Role; !listed[role] {
			e := newErr(ErrBackupUnitMemberRoleNotListed)
			e.UnitID, e.CanisterID, e.Role = u.UnitID, id, role
			return e
		}
	}
	return nil
}

// unitTopMembers counts the members of unit i whose parent is null or not in unit i.
func unitTopMembers(i int, ids []string, byID map[string]*Member, owner map[string]int) int {
	n := 0
	for _, id := range ids {
		parent := byID[id].ParentCanisterID
		if parent == nil {
			n++
			continue
		}
		if j, ok := owner[*parent]; !ok || j != i {
			n++
		}
	}
	return n
}

// closedUnderDescendants reports the first member (fleet order) whose parent is in a subtree unit
// other than its own. Such a parent link exists exactly when some member outside a subtree unit
// has an ancestor inside it, so one pass over the members decides closure for every unit.
func closedUnderDescendants(units []BackupUnit, members []Member, owner map[string]int) *Error {
	for i := range members {
		m := &members[i]
		if m.ParentCanisterID == nil {
			continue
		}
		pu, ok := owner[*m.ParentCanisterID]
		if !ok || units[pu].Kind != UnitSubtree {
			continue
		}
		if mu, ok := owner[m.CanisterID]; !ok || mu != pu {
			e := newErr(ErrSubtreeBackupUnitMissingDescendant)
			e.UnitID, e.Parent, e.CanisterID = units[pu].UnitID, *m.ParentCanisterID, m.CanisterID
			return e.at(pu)
		}
	}
	return nil
}

// coverMembers requires every fleet member to be in some unit.
func coverMembers(members []Member, owner map[string]int) *Error {
	for i := range members {
		if _, ok := owner[members[i].CanisterID]; !ok {
			e := newErr(ErrBackupUnitCoverageMissingMember)
			e.CanisterID, e.Role = members[i].CanisterID, members[i].Role
			return e.at(i)
		}
	}
	return nil
}
