package manifest

import "fmt"

// describe renders the variant's message with its data, after the reference's wording.
func (e *Error) describe() string {
	switch e.Err {
	case ErrUnsupportedManifestVersion:
		return fmt.Sprintf("unsupported manifest version %d", e.Version)
	case ErrEmptyField:
		return fmt.Sprintf("field %s must not be empty", e.Field)
	case ErrEmptyCollection:
		return fmt.Sprintf("collection %s must not be empty", e.Field)
	case ErrInvalidPrincipal:
		return fmt.Sprintf("field %s must be a valid principal: %q", e.Field, e.Value)
	case ErrInvalidHash:
		return fmt.Sprintf("field %s must be a non-empty sha256 hex string", e.Field)
	case ErrUnsupportedHashAlgorithm:
		return fmt.Sprintf("field %s: unsupported hash algorithm %q", e.Field, e.Value)
	case ErrUnsupportedVerificationKind:
		return fmt.Sprintf("field %s: unsupported verification kind %q", e.Field, e.Value)
	case ErrTopologyHashMismatch:
		return fmt.Sprintf("topology hash mismatch between discovery %s and pre-snapshot %s", e.Expected, e.Actual)
	case ErrAcceptedTopologyHashMismatch:
		return fmt.Sprintf("accepted topology hash %s does not match discovery hash %s", e.Actual, e.Expected)
	case ErrMissingMemberVerificationChecks:
		return fmt.Sprintf("fleet member %s has no verification checks", e.CanisterID)
	case ErrDuplicateCanisterID:
		return fmt.Sprintf("duplicate canister id %s", e.CanisterID)
	case ErrDuplicateBackupUnitID:
		return fmt.Sprintf("duplicate backup unit id %s", e.UnitID)
	case ErrUnexpectedUnitMembers:
		return fmt.Sprintf("backup unit %s lists canister_ids, which version 1 does not have", e.UnitID)
	}
	return e.describeRoles()
}

func (e *Error) describeRoles() string {
	switch e.Err {
	case ErrDuplicateBackupUnitRole:
		return fmt.Sprintf("backup unit %s repeats role %s", e.UnitID, e.Role)
	case ErrUnknownBackupUnitRole:
		return fmt.Sprintf("backup unit %s references unknown role %s", e.UnitID, e.Role)
	case ErrBackupUnitCoverageMissingRole:
		return fmt.Sprintf("fleet role %s is not covered by any backup unit", e.Role)
	case ErrUnknownVerificationRole:
		return fmt.Sprintf("verification plan references unknown role %s", e.Role)
	case ErrDuplicateMemberVerificationRole:
		return fmt.Sprintf("duplicate member verification role %s", e.Role)
	case ErrDuplicateVerificationCheckRole:
		return fmt.Sprintf("verification check %s repeats role %s", e.Value, e.Role)
	case ErrSubtreeBackupUnitNotConnected:
		return fmt.Sprintf("subtree backup unit %s is not connected (it needs exactly one top member)", e.UnitID)
	case ErrSubtreeBackupUnitMissingDescendant:
		return fmt.Sprintf("subtree backup unit %s includes parent %s but omits descendant %s", e.UnitID, e.Parent, e.CanisterID)
	}
	return e.describeMembers()
}

func (e *Error) describeMembers() string {
	switch e.Err {
	case ErrUnknownBackupUnitMember:
		return fmt.Sprintf("backup unit %s lists %s, which is not a fleet member", e.UnitID, e.CanisterID)
	case ErrDuplicateBackupUnitMember:
		if e.Expected != "" {
			return fmt.Sprintf("backup unit %s lists %s, already in unit %s", e.UnitID, e.CanisterID, e.Expected)
		}
		return fmt.Sprintf("backup unit %s lists %s twice", e.UnitID, e.CanisterID)
	case ErrBackupUnitMemberRoleNotListed:
		return fmt.Sprintf("backup unit %s member %s has role %s, which the unit does not list", e.UnitID, e.CanisterID, e.Role)
	case ErrBackupUnitCoverageMissingMember:
		return fmt.Sprintf("fleet member %s (role %s) is not covered by any backup unit", e.CanisterID, e.Role)
	case ErrUnknownKind, ErrUnknownIdentityMode:
		return fmt.Sprintf("field %s: %v %q", e.Field, e.Err, e.Value)
	case ErrMissingField:
		return fmt.Sprintf("missing or null field %s", e.Field)
	case ErrMissingArtifactEntry:
		return fmt.Sprintf("backup operation %d: no durable download journal entry for %s", e.Sequence, e.CanisterID)
	case ErrMissingInput:
		return fmt.Sprintf("missing %s", e.Field)
	}
	return fmt.Sprintf("%v", e.Err)
}
