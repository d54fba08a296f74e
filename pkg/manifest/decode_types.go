package manifest

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// The *JSON types mirror the document for decoding: a required field is a pointer, so that
// absent and null are told apart from empty; optional fields decode as they are.

type manifestJSON struct {
	ManifestVersion *uint16           `json:"manifest_version"`
	BackupID        *string           `json:"backup_id"`
	CreatedAt       *string           `json:"created_at"`
	Tool            *toolJSON         `json:"tool"`
	Source          *sourceJSON       `json:"source"`
	Consistency     *consistencyJSON  `json:"consistency"`
	Fleet           *fleetJSON        `json:"fleet"`
	Verification    *verificationJSON `json:"verification"`
}

type toolJSON struct {
	Name    *string `json:"name"`
	Version *string `json:"version"`
}

type sourceJSON struct {
	Environment  *string `json:"environment"`
	RootCanister *string `json:"root_canister"`
}

type consistencyJSON struct {
	BackupUnits *[]unitJSON `json:"backup_units"`
}

type unitJSON struct {
	UnitID      *string   `json:"unit_id"`
	Kind        *UnitKind `json:"kind"`
	Roles       *[]string `json:"roles"`
	CanisterIDs []string  `json:"canister_ids"`
}

type fleetJSON struct {
	TopologyHashAlgorithm   *string       `json:"topology_hash_algorithm"`
	TopologyHashInput       *string       `json:"topology_hash_input"`
	DiscoveryTopologyHash   *string       `json:"discovery_topology_hash"`
	PreSnapshotTopologyHash *string       `json:"pre_snapshot_topology_hash"`
	TopologyHash            *string       `json:"topology_hash"`
	Members                 *[]memberJSON `json:"members"`
}

type memberJSON struct {
	Role               *string            `json:"role"`
	CanisterID         *string            `json:"canister_id"`
	ParentCanisterID   *string            `json:"parent_canister_id"`
	SubnetCanisterID   *string            `json:"subnet_canister_id"`
	ControllerHint     *string            `json:"controller_hint"`
	IdentityMode       *plan.IdentityMode `json:"identity_mode"`
	VerificationChecks *[]checkJSON       `json:"verification_checks"`
	SourceSnapshot     *snapshotJSON      `json:"source_snapshot"`
}

type snapshotJSON struct {
	SnapshotID        *string `json:"snapshot_id"`
	ModuleHash        *string `json:"module_hash"`
	CodeVersion       *string `json:"code_version"`
	ArtifactPath      *string `json:"artifact_path"`
	ChecksumAlgorithm *string `json:"checksum_algorithm"`
	Checksum          *string `json:"checksum"`
}

type verificationJSON struct {
	FleetChecks  *[]checkJSON `json:"fleet_checks"`
	MemberChecks *[]groupJSON `json:"member_checks"`
}

type groupJSON struct {
	Role   *string      `json:"role"`
	Checks *[]checkJSON `json:"checks"`
}

type checkJSON struct {
	Kind  *string   `json:"kind"`
	Roles *[]string `json:"roles"`
}
