package manifest

import (
	"errors"
	"fmt"
)

// Validation sentinels, one per DOMAIN §8.2 variant. Every validation failure is an *Error whose
// Err is one of these; match with errors.Is.
var (
	ErrUnsupportedManifestVersion         = errors.New("unsupported manifest version")
	ErrEmptyField                         = errors.New("empty field")
	ErrEmptyCollection                    = errors.New("empty collection")
	ErrInvalidPrincipal                   = errors.New("invalid principal")
	ErrInvalidHash                        = errors.New("invalid sha256 hex")
	ErrUnsupportedHashAlgorithm           = errors.New("unsupported hash algorithm")
	ErrUnsupportedVerificationKind        = errors.New("unsupported verification kind")
	ErrTopologyHashMismatch               = errors.New("topology hash mismatch")
	ErrAcceptedTopologyHashMismatch       = errors.New("accepted topology hash mismatch")
	ErrDuplicateCanisterID                = errors.New("duplicate canister id")
	ErrDuplicateBackupUnitID              = errors.New("duplicate backup unit id")
	ErrDuplicateBackupUnitRole            = errors.New("duplicate backup unit role")
	ErrMissingMemberVerificationChecks    = errors.New("member without verification checks")
	ErrUnknownBackupUnitRole              = errors.New("unknown backup unit role")
	ErrBackupUnitCoverageMissingRole      = errors.New("role not covered by any backup unit")
	ErrUnknownVerificationRole            = errors.New("unknown verification role")
	ErrDuplicateMemberVerificationRole    = errors.New("duplicate member verification role")
	ErrDuplicateVerificationCheckRole     = errors.New("duplicate verification check role")
	ErrSubtreeBackupUnitNotConnected      = errors.New("subtree backup unit not connected")
	ErrSubtreeBackupUnitMissingDescendant = errors.New("subtree backup unit misses a descendant")
)

// Version 2 sentinels: the member-keyed rules that replace the role-keyed ones (docs/manifest-v2.md).
var (
	// ErrUnknownBackupUnitMember: a unit lists a canister id that is not a fleet member.
	ErrUnknownBackupUnitMember = errors.New("backup unit member is not a fleet member")
	// ErrDuplicateBackupUnitMember: a canister id is listed twice, in one unit or in two.
	ErrDuplicateBackupUnitMember = errors.New("backup unit member listed twice")
	// ErrBackupUnitMemberRoleNotListed: a unit member's role is missing from the unit's roles.
	ErrBackupUnitMemberRoleNotListed = errors.New("backup unit member role not listed")
	// ErrBackupUnitCoverageMissingMember: a fleet member belongs to no unit.
	ErrBackupUnitCoverageMissingMember = errors.New("member not covered by any backup unit")
	// ErrUnexpectedUnitMembers: a version 1 unit carries canister ids, which version 1 cannot express.
	ErrUnexpectedUnitMembers = errors.New("backup unit members in a version 1 manifest")
)

// Decoding and construction sentinels.
var (
	// ErrMissingField: a non-optional JSON field is absent or null (DOMAIN §0).
	ErrMissingField = errors.New("missing json field")
	// ErrUnknownKind: a unit kind that is neither single nor subtree (decoding also matches
	// plan.ErrUnknownEnum; validation catches one set in memory).
	ErrUnknownKind = errors.New("unknown backup unit kind")
	// ErrUnknownIdentityMode: an identity mode set in memory that is neither fixed nor relocatable
	// (decoding rejects it with plan.ErrUnknownEnum).
	ErrUnknownIdentityMode = errors.New("unknown identity mode")
	// ErrMissingArtifactEntry: a target has no Durable download journal entry at finalize (§7.6).
	ErrMissingArtifactEntry = errors.New("missing durable artifact entry")
	// ErrMissingInput: Build was called without a plan.
	ErrMissingInput = errors.New("missing manifest input")
	// ErrUnfinalizablePlan: CheckPlan found that the plan can never produce a valid manifest.
	ErrUnfinalizablePlan = errors.New("plan can never produce a valid manifest")
)

// Error is a manifest failure. Err is the sentinel it matches; the other fields carry the
// variant's data and say where. Fields that do not apply keep their zero value.
type Error struct {
	Err        error
	Field      string // JSON path in the reference's notation, e.g. "fleet.members[].role"
	Index      int    // position of the unit, member, check or group concerned; -1 when none
	Value      string // offending value (principal, algorithm, kind; the check kind for DuplicateVerificationCheckRole)
	UnitID     string // backup unit concerned
	Role       string // role concerned
	CanisterID string // member concerned (the descendant, for SubtreeBackupUnitMissingDescendant)
	Parent     string // SubtreeBackupUnitMissingDescendant: the nearest ancestor inside the unit
	Expected   string // hash mismatches: the discovery hash; DuplicateBackupUnitMember: the earlier unit
	Actual     string // hash mismatches: the pre-snapshot or accepted hash
	Version    uint16 // UnsupportedManifestVersion
	Sequence   uint64 // MissingArtifactEntry: the reference's sequence (the largest machine word)
}

// Unwrap returns the sentinel, so errors.Is(err, ErrX) works.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	msg := e.describe()
	if e.Index >= 0 {
		msg += fmt.Sprintf(" (at index %d)", e.Index)
	}
	return "manifest: " + msg
}

// newErr builds an error without a position.
func newErr(variant error) *Error { return &Error{Err: variant, Index: -1} }

// at records the position in the innermost list.
func (e *Error) at(i int) *Error {
	e.Index = i
	return e
}

// PlanCheckError says why a plan was rejected before anything was stopped: the manifest its
// finalize would build from it can never validate.
type PlanCheckError struct {
	PlanID string
	Err    error
}

func (e *PlanCheckError) Error() string {
	return fmt.Sprintf("plan %s can never produce a valid manifest: %v", e.PlanID, e.Err)
}

// Unwrap matches both ErrUnfinalizablePlan and the validation error behind it.
func (e *PlanCheckError) Unwrap() []error { return []error{ErrUnfinalizablePlan, e.Err} }
