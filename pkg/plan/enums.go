package plan

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrUnknownEnum is matched by every JSON decode of an enum value the domain does not define.
var ErrUnknownEnum = errors.New("unknown enum value")

// ScopeKind is the kind of selection (DOMAIN §1.3).
type ScopeKind string

// Scope kinds.
const (
	ScopeMember          ScopeKind = "member"
	ScopeSubtree         ScopeKind = "subtree"
	ScopeNonRootFleet    ScopeKind = "non-root-fleet"
	ScopeMaintenanceRoot ScopeKind = "maintenance-root"
)

// OperationKind is the kind of a plan phase (DOMAIN §2.4).
type OperationKind string

// Operation kinds, spelled as in the plan file.
const (
	KindValidateTopology     OperationKind = "validate-topology"
	KindValidateControl      OperationKind = "validate-control-authority"
	KindValidateSnapshotRead OperationKind = "validate-snapshot-read-authority"
	KindValidateQuiescence   OperationKind = "validate-quiescence-policy"
	KindStop                 OperationKind = "stop"
	KindCreateSnapshot       OperationKind = "create-snapshot"
	KindStart                OperationKind = "start"
	KindDownloadSnapshot     OperationKind = "download-snapshot"
	KindVerifyArtifact       OperationKind = "verify-artifact"
	KindFinalizeManifest     OperationKind = "finalize-manifest"
	// Restore kinds (DESIGN §10): a restore run's plan uses them with stop and start.
	KindUploadSnapshot  OperationKind = "upload-snapshot"
	KindLoadSnapshot    OperationKind = "load-snapshot"
	KindCheckMember     OperationKind = "check-member"
	KindFinalizeRestore OperationKind = "finalize-restore"
)

// IsPreflight reports whether k is one of the four validate kinds.
func (k OperationKind) IsPreflight() bool {
	switch k {
	case KindValidateTopology, KindValidateControl, KindValidateSnapshotRead, KindValidateQuiescence:
		return true
	}
	return false
}

// AuthorityEvidence is how an authority is known.
type AuthorityEvidence string

// Evidence levels.
const (
	EvidenceProven   AuthorityEvidence = "proven"
	EvidenceDeclared AuthorityEvidence = "declared"
	EvidenceUnknown  AuthorityEvidence = "unknown"
)

// ControlSourceKind is the `kind` tag of a ControlSource.
type ControlSourceKind string

// Control source kinds.
const (
	ControlUnknown             ControlSourceKind = "unknown"
	ControlRootController      ControlSourceKind = "root-controller"
	ControlOperatorController  ControlSourceKind = "operator-controller"
	ControlAlternateController ControlSourceKind = "alternate-controller"
)

// SnapshotReadSource says how snapshots are read back.
type SnapshotReadSource string

// Snapshot read sources.
const (
	ReadUnknown              SnapshotReadSource = "unknown"
	ReadOperatorController   SnapshotReadSource = "operator-controller"
	ReadSnapshotVisibility   SnapshotReadSource = "snapshot-visibility"
	ReadRootConfiguredRead   SnapshotReadSource = "root-configured-read"
	ReadRootMediatedTransfer SnapshotReadSource = "root-mediated-transfer"
)

// QuiescencePolicy is how quiet the fleet must be when snapshotted.
type QuiescencePolicy string

// Quiescence policies.
const (
	QuiescenceCrashConsistent QuiescencePolicy = "crash-consistent"
	QuiescenceRootCoordinated QuiescencePolicy = "root-coordinated"
	QuiescenceAppQuiesced     QuiescencePolicy = "app-quiesced"
)

// IdentityMode says whether a restored canister must keep its id.
type IdentityMode string

// Identity modes.
const (
	IdentityFixed       IdentityMode = "fixed"
	IdentityRelocatable IdentityMode = "relocatable"
)

// ProofSource says what proved an authority receipt (DOMAIN §2.2).
type ProofSource string

// Proof sources.
const (
	ProofRootCoordination  ProofSource = "root-coordination"
	ProofManagementStatus  ProofSource = "management-status"
	ProofSnapshotReadCheck ProofSource = "snapshot-read-check"
	ProofDeclaration       ProofSource = "declaration"
	ProofUnknown           ProofSource = "unknown"
)

func unmarshalEnum[T ~string](data []byte, dst *T, name string, allowed ...T) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, a := range allowed {
		if T(s) == a {
			*dst = a
			return nil
		}
	}
	return fmt.Errorf("%w: %s %q", ErrUnknownEnum, name, s)
}

// UnmarshalJSON rejects values that are not scope kinds.
func (s *ScopeKind) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, s, "selected_scope_kind", ScopeMember, ScopeSubtree, ScopeNonRootFleet, ScopeMaintenanceRoot)
}

// UnmarshalJSON rejects values that are not operation kinds.
func (k *OperationKind) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, k, "kind", KindValidateTopology, KindValidateControl, KindValidateSnapshotRead,
		KindValidateQuiescence, KindStop, KindCreateSnapshot, KindStart, KindDownloadSnapshot,
		KindVerifyArtifact, KindFinalizeManifest, KindUploadSnapshot, KindLoadSnapshot, KindCheckMember,
		KindFinalizeRestore)
}

// UnmarshalJSON rejects values that are not evidence levels.
func (e *AuthorityEvidence) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, e, "evidence", EvidenceProven, EvidenceDeclared, EvidenceUnknown)
}

// UnmarshalJSON rejects values that are not control source kinds.
func (k *ControlSourceKind) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, k, "source.kind", ControlUnknown, ControlRootController, ControlOperatorController, ControlAlternateController)
}

// UnmarshalJSON rejects values that are not snapshot read sources.
func (s *SnapshotReadSource) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, s, "snapshot_read_authority.source", ReadUnknown, ReadOperatorController,
		ReadSnapshotVisibility, ReadRootConfiguredRead, ReadRootMediatedTransfer)
}

// UnmarshalJSON rejects values that are not quiescence policies.
func (q *QuiescencePolicy) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, q, "quiescence_policy", QuiescenceCrashConsistent, QuiescenceRootCoordinated, QuiescenceAppQuiesced)
}

// UnmarshalJSON rejects values that are not identity modes.
func (m *IdentityMode) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, m, "identity_mode", IdentityFixed, IdentityRelocatable)
}

// UnmarshalJSON rejects values that are not proof sources.
func (p *ProofSource) UnmarshalJSON(b []byte) error {
	return unmarshalEnum(b, p, "proof_source", ProofRootCoordination, ProofManagementStatus, ProofSnapshotReadCheck, ProofDeclaration, ProofUnknown)
}

// IsFinal reports whether k ends a run: finalize-manifest (backups) or finalize-restore.
func (k OperationKind) IsFinal() bool {
	return k == KindFinalizeManifest || k == KindFinalizeRestore
}
