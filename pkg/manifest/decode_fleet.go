package manifest

func (c *converter) fleet(r *fleetJSON) Fleet {
	if r == nil {
		c.missing("fleet", -1)
		return Fleet{Members: []Member{}}
	}
	f := Fleet{
		TopologyHashAlgorithm:   c.str(r.TopologyHashAlgorithm, "fleet.topology_hash_algorithm", -1),
		TopologyHashInput:       c.str(r.TopologyHashInput, "fleet.topology_hash_input", -1),
		DiscoveryTopologyHash:   c.str(r.DiscoveryTopologyHash, "fleet.discovery_topology_hash", -1),
		PreSnapshotTopologyHash: c.str(r.PreSnapshotTopologyHash, "fleet.pre_snapshot_topology_hash", -1),
		TopologyHash:            c.str(r.TopologyHash, "fleet.topology_hash", -1),
		Members:                 []Member{},
	}
	if r.Members == nil {
		c.missing("fleet.members", -1)
		return f
	}
	f.Members = make([]Member, len(*r.Members))
	for i := range *r.Members {
		f.Members[i] = c.member(&(*r.Members)[i], i)
	}
	return f
}

func (c *converter) member(r *memberJSON, i int) Member {
	m := Member{
		Role:             c.str(r.Role, "fleet.members[].role", i),
		CanisterID:       c.str(r.CanisterID, "fleet.members[].canister_id", i),
		ParentCanisterID: r.ParentCanisterID,
		SubnetCanisterID: r.SubnetCanisterID,
		ControllerHint:   r.ControllerHint,
	}
	if r.IdentityMode == nil {
		c.missing("fleet.members[].identity_mode", i)
	} else {
		m.IdentityMode = *r.IdentityMode
	}
	m.VerificationChecks = c.checks(r.VerificationChecks, "fleet.members[].verification_checks", i)
	s := r.SourceSnapshot
	if s == nil {
		c.missing("fleet.members[].source_snapshot", i)
		return m
	}
	m.SourceSnapshot = SourceSnapshot{
		SnapshotID:        c.str(s.SnapshotID, "fleet.members[].source_snapshot.snapshot_id", i),
		ModuleHash:        s.ModuleHash,
		CodeVersion:       s.CodeVersion,
		ArtifactPath:      c.str(s.ArtifactPath, "fleet.members[].source_snapshot.artifact_path", i),
		ChecksumAlgorithm: c.str(s.ChecksumAlgorithm, "fleet.members[].source_snapshot.checksum_algorithm", i),
		Checksum:          s.Checksum,
	}
	return m
}

func (c *converter) checks(r *[]checkJSON, field string, index int) []VerificationCheck {
	if r == nil {
		c.missing(field, index)
		return []VerificationCheck{}
	}
	checks := make([]VerificationCheck, len(*r))
	for i, k := range *r {
		checks[i] = VerificationCheck{
			Kind:  c.str(k.Kind, "verification.check.kind", index),
			Roles: c.strs(k.Roles, "verification.check.roles", index),
		}
	}
	return checks
}

func (c *converter) verification(r *verificationJSON) VerificationPlan {
	v := VerificationPlan{FleetChecks: []VerificationCheck{}, MemberChecks: []MemberVerificationChecks{}}
	if r == nil {
		c.missing("verification", -1)
		return v
	}
	v.FleetChecks = c.checks(r.FleetChecks, "verification.fleet_checks", -1)
	if r.MemberChecks == nil {
		c.missing("verification.member_checks", -1)
		return v
	}
	v.MemberChecks = make([]MemberVerificationChecks, len(*r.MemberChecks))
	for i, g := range *r.MemberChecks {
		v.MemberChecks[i] = MemberVerificationChecks{
			Role:   c.str(g.Role, "verification.member_checks[].role", i),
			Checks: c.checks(g.Checks, "verification.member_checks[].checks", i),
		}
	}
	return v
}
