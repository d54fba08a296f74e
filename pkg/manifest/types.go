// Package manifest is the fleet backup manifest of DOMAIN §8 (file `fleet-backup-manifest.json`):
// its shape, its validation, and its construction from a finished plan and download journal.
//
// Two versions are read and written. Version 1 is the reference runner's format, kept rule for
// rule. Version 2 describes selections that version 1 cannot: fleets whose roles repeat and
// selections made of several disconnected subtrees. Its backup units name their members by
// canister id (docs/manifest-v2.md).
package manifest

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Manifest versions.
const (
	// Version1 is the reference format: backup units are keyed by role.
	Version1 uint16 = 1
	// Version2 adds each unit's member canister ids; units are keyed by member.
	Version2 uint16 = 2
)

// Fixed vocabulary of the manifest.
const (
	// HashAlgorithm is the only topology and checksum algorithm.
	HashAlgorithm = "sha256"
	// CheckStatus is the only verification check kind.
	CheckStatus = "status"
)

// Manifest is the fleet backup manifest. Field order is the file's.
type Manifest struct {
	ManifestVersion uint16           `json:"manifest_version"`
	BackupID        string           `json:"backup_id"`
	CreatedAt       string           `json:"created_at"`
	Tool            ToolMetadata     `json:"tool"`
	Source          SourceMetadata   `json:"source"`
	Consistency     Consistency      `json:"consistency"`
	Fleet           Fleet            `json:"fleet"`
	Verification    VerificationPlan `json:"verification"`
}

// ToolMetadata names the program that wrote the manifest.
type ToolMetadata struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// SourceMetadata names the fleet the backup came from.
type SourceMetadata struct {
	Environment  string `json:"environment"`
	RootCanister string `json:"root_canister"`
}

// Consistency groups the members into units that were captured, and must be restored, together.
type Consistency struct {
	BackupUnits []BackupUnit `json:"backup_units"`
}

// BackupUnit is one consistency unit. In version 1 its members are the fleet members whose role
// it lists and CanisterIDs is absent; in version 2 CanisterIDs lists its members and Roles lists
// their distinct roles.
type BackupUnit struct {
	UnitID      string   `json:"unit_id"`
	Kind        UnitKind `json:"kind"`
	Roles       []string `json:"roles"`
	CanisterIDs []string `json:"canister_ids,omitempty"`
}

// Fleet is the captured topology and its members.
type Fleet struct {
	TopologyHashAlgorithm   string   `json:"topology_hash_algorithm"`
	TopologyHashInput       string   `json:"topology_hash_input"`
	DiscoveryTopologyHash   string   `json:"discovery_topology_hash"`
	PreSnapshotTopologyHash string   `json:"pre_snapshot_topology_hash"`
	TopologyHash            string   `json:"topology_hash"`
	Members                 []Member `json:"members"`
}

// Member is one backed-up canister.
type Member struct {
	Role               string              `json:"role"`
	CanisterID         string              `json:"canister_id"`
	ParentCanisterID   *string             `json:"parent_canister_id"`
	SubnetCanisterID   *string             `json:"subnet_canister_id"`
	ControllerHint     *string             `json:"controller_hint"`
	IdentityMode       plan.IdentityMode   `json:"identity_mode"`
	VerificationChecks []VerificationCheck `json:"verification_checks"`
	SourceSnapshot     SourceSnapshot      `json:"source_snapshot"`
}

// SourceSnapshot says which snapshot a member was captured from and where its artifact is.
type SourceSnapshot struct {
	SnapshotID        string  `json:"snapshot_id"`
	ModuleHash        *string `json:"module_hash"`
	CodeVersion       *string `json:"code_version"`
	ArtifactPath      string  `json:"artifact_path"`
	ChecksumAlgorithm string  `json:"checksum_algorithm"`
	Checksum          *string `json:"checksum"`
}

// VerificationPlan lists the checks a restore runs, fleet-wide and per role.
type VerificationPlan struct {
	FleetChecks  []VerificationCheck        `json:"fleet_checks"`
	MemberChecks []MemberVerificationChecks `json:"member_checks"`
}

// MemberVerificationChecks are the checks for every member of one role.
type MemberVerificationChecks struct {
	Role   string              `json:"role"`
	Checks []VerificationCheck `json:"checks"`
}

// VerificationCheck is one named check over some roles.
type VerificationCheck struct {
	Kind  string   `json:"kind"`
	Roles []string `json:"roles"`
}

// UnitKind is how a backup unit's members hang together.
type UnitKind string

// Unit kinds.
const (
	// UnitSingle has no topology rule.
	UnitSingle UnitKind = "single"
	// UnitSubtree must be one connected subtree, closed under descendants.
	UnitSubtree UnitKind = "subtree"
)
