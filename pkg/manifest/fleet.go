package manifest

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// validate is step 4: hashes, then every member, then unique canister ids.
func (f *Fleet) validate() *Error {
	if e := algorithm("fleet.topology_hash_algorithm", f.TopologyHashAlgorithm); e != nil {
		return e
	}
	if e := nonEmpty("fleet.topology_hash_input", f.TopologyHashInput); e != nil {
		return e
	}
	if e := f.validateHashes(); e != nil {
		return e
	}
	if len(f.Members) == 0 {
		e := newErr(ErrEmptyCollection)
		e.Field = "fleet.members"
		return e
	}
	seen := make(map[string]bool, len(f.Members))
	for i := range f.Members {
		m := &f.Members[i]
		if e := m.validate(); e != nil {
			return e.at(i)
		}
		if seen[m.CanisterID] {
			e := newErr(ErrDuplicateCanisterID)
			e.CanisterID = m.CanisterID
			return e.at(i)
		}
		seen[m.CanisterID] = true
	}
	return nil
}

func (f *Fleet) validateHashes() *Error {
	if e := validHash("fleet.discovery_topology_hash", f.DiscoveryTopologyHash); e != nil {
		return e
	}
	if e := validHash("fleet.pre_snapshot_topology_hash", f.PreSnapshotTopologyHash); e != nil {
		return e
	}
	if e := validHash("fleet.topology_hash", f.TopologyHash); e != nil {
		return e
	}
	if f.DiscoveryTopologyHash != f.PreSnapshotTopologyHash {
		e := newErr(ErrTopologyHashMismatch)
		e.Field, e.Expected, e.Actual = "fleet.pre_snapshot_topology_hash", f.DiscoveryTopologyHash, f.PreSnapshotTopologyHash
		return e
	}
	if f.TopologyHash != f.DiscoveryTopologyHash {
		e := newErr(ErrAcceptedTopologyHashMismatch)
		e.Field, e.Expected, e.Actual = "fleet.topology_hash", f.DiscoveryTopologyHash, f.TopologyHash
		return e
	}
	return nil
}

func (m *Member) validate() *Error {
	e := m.validateIDs()
	if e == nil {
		e = m.validateChecks()
	}
	if e == nil {
		e = m.SourceSnapshot.validate()
	}
	if e != nil && e.CanisterID == "" {
		e.CanisterID = m.CanisterID
	}
	return e
}

func (m *Member) validateIDs() *Error {
	if e := nonEmpty("fleet.members[].role", m.Role); e != nil {
		return e
	}
	if e := validPrincipal("fleet.members[].canister_id", m.CanisterID); e != nil {
		return e
	}
	if e := optionalPrincipal("fleet.members[].parent_canister_id", m.ParentCanisterID); e != nil {
		return e
	}
	if e := optionalPrincipal("fleet.members[].subnet_canister_id", m.SubnetCanisterID); e != nil {
		return e
	}
	if e := optionalPrincipal("fleet.members[].controller_hint", m.ControllerHint); e != nil {
		return e
	}
	if m.IdentityMode != plan.IdentityFixed && m.IdentityMode != plan.IdentityRelocatable {
		e := newErr(ErrUnknownIdentityMode)
		e.Field, e.Value = "fleet.members[].identity_mode", string(m.IdentityMode)
		return e
	}
	return nil
}

func (m *Member) validateChecks() *Error {
	if len(m.VerificationChecks) == 0 {
		e := newErr(ErrMissingMemberVerificationChecks)
		e.Field, e.CanisterID = "fleet.members[].verification_checks", m.CanisterID
		return e
	}
	for i := range m.VerificationChecks {
		if e := m.VerificationChecks[i].validate(); e != nil {
			return e
		}
	}
	return nil
}

func (s *SourceSnapshot) validate() *Error {
	if e := nonEmpty("fleet.members[].source_snapshot.snapshot_id", s.SnapshotID); e != nil {
		return e
	}
	if e := optionalNonEmpty("fleet.members[].source_snapshot.module_hash", s.ModuleHash); e != nil {
		return e
	}
	if e := optionalNonEmpty("fleet.members[].source_snapshot.code_version", s.CodeVersion); e != nil {
		return e
	}
	if e := nonEmpty("fleet.members[].source_snapshot.artifact_path", s.ArtifactPath); e != nil {
		return e
	}
	if e := algorithm("fleet.members[].source_snapshot.checksum_algorithm", s.ChecksumAlgorithm); e != nil {
		return e
	}
	return optionalHash("fleet.members[].source_snapshot.checksum", s.Checksum)
}

// validate is step 5: every fleet check, then every member group and its checks.
func (v *VerificationPlan) validate() *Error {
	for i := range v.FleetChecks {
		if e := v.FleetChecks[i].validate(); e != nil {
			return e.at(i)
		}
	}
	for i := range v.MemberChecks {
		g := &v.MemberChecks[i]
		if e := nonEmpty("verification.member_checks[].role", g.Role); e != nil {
			return e.at(i)
		}
		if len(g.Checks) == 0 {
			e := newErr(ErrEmptyCollection)
			e.Field, e.Role = "verification.member_checks[].checks", g.Role
			return e.at(i)
		}
		for j := range g.Checks {
			if e := g.Checks[j].validate(); e != nil {
				return e.at(i)
			}
		}
	}
	return nil
}

// validate checks one verification check: kind `status`, roles non-empty and unique. An empty
// role list is allowed (the reference's fixtures use it).
func (c *VerificationCheck) validate() *Error {
	if e := nonEmpty("verification.check.kind", c.Kind); e != nil {
		return e
	}
	if c.Kind != CheckStatus {
		e := newErr(ErrUnsupportedVerificationKind)
		e.Field, e.Value = "verification.check.kind", c.Kind
		return e
	}
	for _, role := range c.Roles {
		if e := nonEmpty("verification.check.roles[]", role); e != nil {
			return e
		}
	}
	if role, dup := firstDuplicate(c.Roles); dup {
		e := newErr(ErrDuplicateVerificationCheckRole)
		e.Value, e.Role = c.Kind, role
		return e
	}
	return nil
}
