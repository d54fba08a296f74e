package manifest

// validateVerificationAgainstFleet is step 7: every role named by a check or a member group is a
// fleet role, and member groups are unique per role. Both versions keep it unchanged: checks
// apply to every member of a role, which stays meaningful when roles repeat.
func (m *Manifest) validateVerificationAgainstFleet() *Error {
	fleetRoles := make(map[string]bool, len(m.Fleet.Members))
	for i := range m.Fleet.Members {
		fleetRoles[m.Fleet.Members[i].Role] = true
	}
	for i := range m.Verification.FleetChecks {
		if e := checkRoles(&m.Verification.FleetChecks[i], fleetRoles); e != nil {
			return e.at(i)
		}
	}
	for i := range m.Fleet.Members {
		member := &m.Fleet.Members[i]
		for j := range member.VerificationChecks {
			if e := checkRoles(&member.VerificationChecks[j], fleetRoles); e != nil {
				e.CanisterID = member.CanisterID
				return e.at(i)
			}
		}
	}
	return memberGroupRoles(m.Verification.MemberChecks, fleetRoles)
}

func memberGroupRoles(groups []MemberVerificationChecks, fleetRoles map[string]bool) *Error {
	seen := make(map[string]bool, len(groups))
	for i := range groups {
		g := &groups[i]
		if !fleetRoles[g.Role] {
			e := newErr(ErrUnknownVerificationRole)
			e.Field, e.Role = "verification.member_checks[].role", g.Role
			return e.at(i)
		}
		if seen[g.Role] {
			e := newErr(ErrDuplicateMemberVerificationRole)
			e.Field, e.Role = "verification.member_checks[].role", g.Role
			return e.at(i)
		}
		seen[g.Role] = true
		for j := range g.Checks {
			if e := checkRoles(&g.Checks[j], fleetRoles); e != nil {
				return e.at(i)
			}
		}
	}
	return nil
}

func checkRoles(c *VerificationCheck, fleetRoles map[string]bool) *Error {
	for _, role := range c.Roles {
		if !fleetRoles[role] {
			e := newErr(ErrUnknownVerificationRole)
			e.Field, e.Role = "verification.check.roles[]", role
			return e
		}
	}
	return nil
}
