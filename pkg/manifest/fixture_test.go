package manifest

import (
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Ids and hash of the DOMAIN §11 manifest fixture.
const (
	rootID   = "aaaaa-aa"
	childID  = "renrk-eyaaa-aaaaa-aaada-cai"
	workerID = "rno2w-sqaaa-aaaaa-aaacq-cai"
	otherID  = "rdmx6-jaaaa-aaaaa-aaadq-cai"
	extraID  = "r7inp-6aaaa-aaaaa-aaabq-cai"
	hashHex  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	hashF    = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
)

func strp(s string) *string { return &s }

// validManifest is the §11 fixture: one subtree unit `core` [root, app]; members root (no
// parent) and app (parent root), both with subnet and controller hints and checksums; one
// fleet `status` check.
func validManifest() *Manifest {
	return &Manifest{
		ManifestVersion: Version1,
		BackupID:        "fbk_test_001",
		CreatedAt:       "2026-04-10T12:00:00Z",
		Tool:            ToolMetadata{Name: "canic", Version: "v1"},
		Source:          SourceMetadata{Environment: "local", RootCanister: rootID},
		Consistency: Consistency{BackupUnits: []BackupUnit{
			{UnitID: "core", Kind: UnitSubtree, Roles: []string{"root", "app"}},
		}},
		Fleet: Fleet{
			TopologyHashAlgorithm:   "sha256",
			TopologyHashInput:       "sorted(pid,parent_pid,role,module_hash)",
			DiscoveryTopologyHash:   hashHex,
			PreSnapshotTopologyHash: hashHex,
			TopologyHash:            hashHex,
			Members: []Member{
				fixtureMember("root", rootID, nil, plan.IdentityFixed),
				fixtureMember("app", childID, strp(rootID), plan.IdentityRelocatable),
			},
		},
		Verification: VerificationPlan{
			FleetChecks:  []VerificationCheck{{Kind: "status", Roles: []string{}}},
			MemberChecks: []MemberVerificationChecks{},
		},
	}
}

func fixtureMember(role, id string, parent *string, mode plan.IdentityMode) Member {
	return Member{
		Role:               role,
		CanisterID:         id,
		ParentCanisterID:   parent,
		SubnetCanisterID:   strp(childID),
		ControllerHint:     strp(rootID),
		IdentityMode:       mode,
		VerificationChecks: []VerificationCheck{{Kind: "status", Roles: []string{}}},
		SourceSnapshot: SourceSnapshot{
			SnapshotID:        "snap-" + role,
			ModuleHash:        strp(hashHex),
			CodeVersion:       strp("v0.30.0"),
			ArtifactPath:      "artifacts/" + role,
			ChecksumAlgorithm: "sha256",
			Checksum:          strp(hashHex),
		},
	}
}

func memberGroup(role string, roles ...string) MemberVerificationChecks {
	return MemberVerificationChecks{Role: role, Checks: []VerificationCheck{{Kind: "status", Roles: append([]string{}, roles...)}}}
}
