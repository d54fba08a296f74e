package artifact

import "github.com/fleetbackup/fleetbackup/pkg/checksum"

// NewEntry is a freshly snapshotted target's entry: state Created, no temp path, algorithm
// sha256, no checksum.
func NewEntry(canisterID, snapshotID, artifactPath, updatedAt string) Entry {
	return Entry{
		CanisterID:        canisterID,
		SnapshotID:        snapshotID,
		State:             StateCreated,
		ArtifactPath:      artifactPath,
		ChecksumAlgorithm: checksum.Algorithm,
		UpdatedAt:         updatedAt,
	}
}

// AdvanceTo moves the entry to next and stamps updatedAt. Same-state moves and forward skips are
// allowed; a backwards move fails with ErrInvalidStateTransition and changes nothing.
func (e *Entry) AdvanceTo(next State, updatedAt string) error {
	if !next.Valid() {
		return &EnumError{Field: "state", Value: string(next)}
	}
	if e.State.Order() > next.Order() {
		return &TransitionError{CanisterID: e.CanisterID, From: e.State, To: next}
	}
	e.State = next
	e.UpdatedAt = updatedAt
	return nil
}
