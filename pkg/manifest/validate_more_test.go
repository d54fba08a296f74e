package manifest

import "testing"

type validationCase = struct {
	name   string
	mutate func(m *Manifest)
	want   error
	check  func(t *testing.T, e *Error)
}

// headerCases are the §8.2 rules of steps 1–3 that §11 does not pin.
var headerCases = []validationCase{
	{"version 3", func(m *Manifest) { m.ManifestVersion = 3 }, ErrUnsupportedManifestVersion,
		func(t *testing.T, e *Error) {
			if e.Version != 3 {
				t.Fatalf("version %d", e.Version)
			}
		}},
	{"blank backup id", func(m *Manifest) { m.BackupID = " \t" }, ErrEmptyField, field("backup_id")},
	{"blank created_at", func(m *Manifest) { m.CreatedAt = "" }, ErrEmptyField, field("created_at")},
	{"blank tool name", func(m *Manifest) { m.Tool.Name = "" }, ErrEmptyField, field("tool.name")},
	{"blank tool version", func(m *Manifest) { m.Tool.Version = " " }, ErrEmptyField, field("tool.version")},
	{"blank environment", func(m *Manifest) { m.Source.Environment = "" }, ErrEmptyField, field("source.environment")},
	{"bad root canister", func(m *Manifest) { m.Source.RootCanister = "aaaaa-a" }, ErrInvalidPrincipal, field("source.root_canister")},
	{"no units", func(m *Manifest) { m.Consistency.BackupUnits = []BackupUnit{} }, ErrEmptyCollection, field("consistency.backup_units")},
	{"blank unit id", func(m *Manifest) { m.Consistency.BackupUnits[0].UnitID = "" }, ErrEmptyField, field("consistency.backup_units[].unit_id")},
	{"unit without roles", func(m *Manifest) { setUnit(m, UnitSubtree) }, ErrEmptyCollection, field("consistency.backup_units[].roles")},
	{"blank unit role", func(m *Manifest) { addRole(m, " ") }, ErrEmptyField, field("consistency.backup_units[].roles[]")},
	{"unit kind set in memory", func(m *Manifest) { m.Consistency.BackupUnits[0].Kind = "forest" }, ErrUnknownKind, field("consistency.backup_units[].kind")},
	{"v1 unit with canister ids", func(m *Manifest) { m.Consistency.BackupUnits[0].CanisterIDs = []string{rootID} },
		ErrUnexpectedUnitMembers, nil},
}

// fleetCases are the §8.2 rules of steps 4–5 that §11 does not pin.
var fleetCases = []validationCase{
	{"algorithm md5", func(m *Manifest) { m.Fleet.TopologyHashAlgorithm = "md5" }, ErrUnsupportedHashAlgorithm, field("fleet.topology_hash_algorithm")},
	{"blank hash input", func(m *Manifest) { m.Fleet.TopologyHashInput = "" }, ErrEmptyField, field("fleet.topology_hash_input")},
	{"discovery hash bad", func(m *Manifest) { m.Fleet.DiscoveryTopologyHash = "bad" }, ErrInvalidHash, field("fleet.discovery_topology_hash")},
	{"accepted hash differs", func(m *Manifest) { m.Fleet.TopologyHash = hashF }, ErrAcceptedTopologyHashMismatch, nil},
	{"no members", func(m *Manifest) { m.Fleet.Members = []Member{} }, ErrEmptyCollection, field("fleet.members")},
	{"blank member role", func(m *Manifest) { m.Fleet.Members[1].Role = "" }, ErrEmptyField, field("fleet.members[].role")},
	{"bad parent", func(m *Manifest) { m.Fleet.Members[1].ParentCanisterID = strp("AAAAA-AA") }, ErrInvalidPrincipal, field("fleet.members[].parent_canister_id")},
	{"bad subnet", func(m *Manifest) { m.Fleet.Members[1].SubnetCanisterID = strp("x") }, ErrInvalidPrincipal, field("fleet.members[].subnet_canister_id")},
	{"bad controller hint", func(m *Manifest) { m.Fleet.Members[1].ControllerHint = strp("") }, ErrEmptyField, field("fleet.members[].controller_hint")},
	{"identity mode set in memory", func(m *Manifest) { m.Fleet.Members[1].IdentityMode = "" }, ErrUnknownIdentityMode, field("fleet.members[].identity_mode")},
	{"check kind other", func(m *Manifest) { m.Fleet.Members[0].VerificationChecks[0].Kind = "ping" }, ErrUnsupportedVerificationKind, nil},
	{"blank snapshot id", func(m *Manifest) { m.Fleet.Members[0].SourceSnapshot.SnapshotID = "" }, ErrEmptyField, field("fleet.members[].source_snapshot.snapshot_id")},
	{"blank module hash", func(m *Manifest) { m.Fleet.Members[0].SourceSnapshot.ModuleHash = strp(" ") }, ErrEmptyField, field("fleet.members[].source_snapshot.module_hash")},
	{"blank code version", func(m *Manifest) { m.Fleet.Members[0].SourceSnapshot.CodeVersion = strp("") }, ErrEmptyField, field("fleet.members[].source_snapshot.code_version")},
	{"blank artifact path", func(m *Manifest) { m.Fleet.Members[0].SourceSnapshot.ArtifactPath = "" }, ErrEmptyField, field("fleet.members[].source_snapshot.artifact_path")},
	{"checksum algorithm", func(m *Manifest) { m.Fleet.Members[0].SourceSnapshot.ChecksumAlgorithm = "SHA256" }, ErrUnsupportedHashAlgorithm, nil},
	{"duplicate canister", func(m *Manifest) { m.Fleet.Members[1].CanisterID = rootID }, ErrDuplicateCanisterID, nil},
	{"group without checks", func(m *Manifest) {
		addGroup(m, MemberVerificationChecks{Role: "root", Checks: []VerificationCheck{}})
	}, ErrEmptyCollection, field("verification.member_checks[].checks")},
	{"blank group role", func(m *Manifest) { addGroup(m, memberGroup(" ")) }, ErrEmptyField, field("verification.member_checks[].role")},
}
