package restore

import (
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Document names and versions.
const (
	// PlanFile is the restore plan's file name (RESTORE §8).
	PlanFile = "restore-plan.json"
	// JournalFile is the apply journal's file name (RESTORE §8).
	JournalFile = "restore-apply-journal.json"
	// PlanVersion is the only restore plan version.
	PlanVersion uint16 = 1
	// RelationshipParentBeforeChild is the only ordering relationship.
	RelationshipParentBeforeChild = "parent-before-child"
)

// Readiness reasons (RESTORE §1.4).
const (
	ReasonMissingSnapshotChecksum     = "missing-snapshot-checksum"
	ReasonMissingVerificationChecks   = "missing-verification-checks"
	ReasonMissingArtifacts            = "missing-artifacts"
	ReasonArtifactChecksumsIncomplete = "artifact-checksum-validation-incomplete"
	ReasonMissingArtifactValidation   = "missing-artifact-validation"
)

// Plan is the restore plan (`restore-plan.json`, RESTORE §2.2, 0.108 shape). Field order is the
// file's.
type Plan struct {
	PlanVersion                  uint16                       `json:"plan_version"`
	BackupID                     string                       `json:"backup_id"`
	SourceEnvironment            string                       `json:"source_environment"`
	SourceRootCanister           string                       `json:"source_root_canister"`
	TopologyHash                 string                       `json:"topology_hash"`
	MemberCount                  int                          `json:"member_count"`
	IdentitySummary              IdentitySummary              `json:"identity_summary"`
	SnapshotSummary              SnapshotSummary              `json:"snapshot_summary"`
	VerificationSummary          VerificationSummary          `json:"verification_summary"`
	ReadinessSummary             ReadinessSummary             `json:"readiness_summary"`
	OperationSummary             OperationSummary             `json:"operation_summary"`
	OrderingSummary              OrderingSummary              `json:"ordering_summary"`
	DeploymentVerificationChecks []manifest.VerificationCheck `json:"deployment_verification_checks"`
	Members                      []Member                     `json:"members"`
}

// IdentitySummary counts members by identity mode and by whether they move.
type IdentitySummary struct {
	MappingSupplied    bool `json:"mapping_supplied"`
	AllSourcesMapped   bool `json:"all_sources_mapped"`
	FixedMembers       int  `json:"fixed_members"`
	RelocatableMembers int  `json:"relocatable_members"`
	InPlaceMembers     int  `json:"in_place_members"`
	MappedMembers      int  `json:"mapped_members"`
	RemappedMembers    int  `json:"remapped_members"`
}

// SnapshotSummary counts members whose source snapshot records a module hash, a code version
// and a checksum.
type SnapshotSummary struct {
	AllMembersHaveModuleHash  bool `json:"all_members_have_module_hash"`
	AllMembersHaveCodeVersion bool `json:"all_members_have_code_version"`
	AllMembersHaveChecksum    bool `json:"all_members_have_checksum"`
	MembersWithModuleHash     int  `json:"members_with_module_hash"`
	MembersWithCodeVersion    int  `json:"members_with_code_version"`
	MembersWithChecksum       int  `json:"members_with_checksum"`
}

// VerificationSummary counts the checks a restore runs after its loads.
type VerificationSummary struct {
	VerificationRequired bool `json:"verification_required"`
	AllMembersHaveChecks bool `json:"all_members_have_checks"`
	DeploymentChecks     int  `json:"deployment_checks"`
	MemberChecks         int  `json:"member_checks"`
	MembersWithChecks    int  `json:"members_with_checks"`
	TotalChecks          int  `json:"total_checks"`
}

// ReadinessSummary says whether the plan can be restored and, if not, why (RESTORE §1.4).
type ReadinessSummary struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons"`
}

// OperationSummary counts the operations the reference's 0.108 dry-run would render
// (4N + checks); fleetbackup's journal adds one finalize-restore operation to these.
type OperationSummary struct {
	PlannedCanisterStops      int `json:"planned_canister_stops"`
	PlannedCanisterStarts     int `json:"planned_canister_starts"`
	PlannedSnapshotUploads    int `json:"planned_snapshot_uploads"`
	PlannedSnapshotLoads      int `json:"planned_snapshot_loads"`
	PlannedVerificationChecks int `json:"planned_verification_checks"`
	PlannedOperations         int `json:"planned_operations"`
}

// OrderingSummary counts members with and without a parent in the plan.
type OrderingSummary struct {
	OrderedMembers        int `json:"ordered_members"`
	DependencyFreeMembers int `json:"dependency_free_members"`
	ParentEdges           int `json:"parent_edges"`
}

// Member is one canister to restore: where its snapshot came from and where it goes.
type Member struct {
	SourceCanister       string                       `json:"source_canister"`
	TargetCanister       string                       `json:"target_canister"`
	Role                 string                       `json:"role"`
	ParentSourceCanister *string                      `json:"parent_source_canister"`
	ParentTargetCanister *string                      `json:"parent_target_canister"`
	OrderingDependency   *OrderingDependency          `json:"ordering_dependency"`
	MemberOrder          int                          `json:"member_order"`
	IdentityMode         plan.IdentityMode            `json:"identity_mode"`
	VerificationChecks   []manifest.VerificationCheck `json:"verification_checks"`
	SourceSnapshot       manifest.SourceSnapshot      `json:"source_snapshot"`
}

// OrderingDependency names the parent a member is restored after.
type OrderingDependency struct {
	SourceCanister string `json:"source_canister"`
	TargetCanister string `json:"target_canister"`
	Relationship   string `json:"relationship"`
}

// Mapping restores members onto other canisters (RESTORE §2.1). It must list every member; an
// in-place member maps to itself.
type Mapping struct {
	Members []MappingEntry `json:"members"`
}

// MappingEntry maps one source canister onto one target canister.
type MappingEntry struct {
	SourceCanister string `json:"source_canister"`
	TargetCanister string `json:"target_canister"`
}

// LoadPlan decodes a restore plan strictly and validates it (RESTORE §2.6).
func LoadPlan(data []byte) (*Plan, error) {
	var p Plan
	if err := decodeStrict(data, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// EncodePlan validates p and renders it as `restore-plan.json` bytes.
func EncodePlan(p *Plan) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return encodeStrict(p)
}

// LoadMapping decodes a mapping document strictly; BuildPlan validates it against a manifest.
func LoadMapping(data []byte) (*Mapping, error) {
	var m Mapping
	if err := decodeStrict(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
