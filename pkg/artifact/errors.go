package artifact

import (
	"errors"
	"fmt"
)

// Sentinels, one per DOMAIN §5 error variant; match them with errors.Is.
var (
	// ErrUnsupportedJournalVersion: journal_version is not 1.
	ErrUnsupportedJournalVersion = errors.New("unsupported download journal version")
	// ErrEmptyField: a required text is missing or blank.
	ErrEmptyField = errors.New("empty field")
	// ErrInvalidHash: a hash is not 64 hex digits.
	ErrInvalidHash = errors.New("invalid hash")
	// ErrEmptyCollection: a list that needs entries has none.
	ErrEmptyCollection = errors.New("empty collection")
	// ErrInvalidPrincipal: a canister id is not a canonical principal text.
	ErrInvalidPrincipal = errors.New("invalid principal")
	// ErrUnsupportedHashAlgorithm: checksum_algorithm is not sha256.
	ErrUnsupportedHashAlgorithm = errors.New("unsupported hash algorithm")
	// ErrDuplicateArtifact: two entries share a (canister_id, snapshot_id) pair.
	ErrDuplicateArtifact = errors.New("duplicate artifact")
	// ErrInvalidStateTransition: an entry would move backwards.
	ErrInvalidStateTransition = errors.New("invalid artifact state transition")
	// ErrUnknownEnum: a state or resume action not defined by DOMAIN §5.
	ErrUnknownEnum = errors.New("unknown enum value")
	// ErrNegativeMetric: an operation metric below zero (the reference's counters are unsigned).
	ErrNegativeMetric = errors.New("negative operation metric")
)

// noIndex marks an error that is not about one entry of a journal, or about an entry validated alone.
const noIndex = -1

// FieldError reports a field that breaks a rule. Field is spelled as in DOMAIN §5.3
// (e.g. "artifacts[].temp_path"); Index and CanisterID say which entry, when one is concerned.
type FieldError struct {
	Err        error
	Field      string
	Value      string
	Index      int
	CanisterID string
}

// Error says which rule, which field and which entry.
func (e *FieldError) Error() string {
	msg := fmt.Sprintf("%v: %s", e.Err, e.Field)
	if e.Value != "" {
		msg += fmt.Sprintf(" = %q", e.Value)
	}
	return where(e.Index, e.CanisterID) + msg
}

// Unwrap returns the variant's sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

// VersionError carries an unsupported journal_version.
type VersionError struct {
	Version uint16
}

// Error names the version found and the one supported.
func (e *VersionError) Error() string {
	return fmt.Sprintf("%v: %d (want %d)", ErrUnsupportedJournalVersion, e.Version, Version)
}

// Unwrap returns ErrUnsupportedJournalVersion.
func (e *VersionError) Unwrap() error { return ErrUnsupportedJournalVersion }

// DuplicateError names the repeated (canister_id, snapshot_id) pair and the later entry's index.
type DuplicateError struct {
	CanisterID string
	SnapshotID string
	Index      int
}

// Error names the repeated pair and where it repeats.
func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s%v: canister %s snapshot %s", where(e.Index, ""), ErrDuplicateArtifact, e.CanisterID, e.SnapshotID)
}

// Unwrap returns ErrDuplicateArtifact.
func (e *DuplicateError) Unwrap() error { return ErrDuplicateArtifact }

// TransitionError is a refused backwards move of one entry.
type TransitionError struct {
	CanisterID string
	From       State
	To         State
}

// Error names the entry and both states.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("%v: canister %s from %s to %s", ErrInvalidStateTransition, e.CanisterID, e.From, e.To)
}

// Unwrap returns ErrInvalidStateTransition.
func (e *TransitionError) Unwrap() error { return ErrInvalidStateTransition }

// EnumError is a value outside an enum; Field names where it was found.
type EnumError struct {
	Field string
	Value string
}

// Error names the field and the unknown value.
func (e *EnumError) Error() string {
	return fmt.Sprintf("%v: %s %q", ErrUnknownEnum, e.Field, e.Value)
}

// Unwrap returns ErrUnknownEnum.
func (e *EnumError) Unwrap() error { return ErrUnknownEnum }

func where(index int, canisterID string) string {
	switch {
	case index >= 0 && canisterID != "":
		return fmt.Sprintf("artifacts[%d] (canister %s): ", index, canisterID)
	case index >= 0:
		return fmt.Sprintf("artifacts[%d]: ", index)
	case canisterID != "":
		return fmt.Sprintf("artifact (canister %s): ", canisterID)
	}
	return ""
}
