package artifact

import (
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Validate checks the journal against DOMAIN §5.3, first failure wins: version, backup_id,
// topology hashes, a non-empty artifact list, then each entry in order (Entry.Validate rules)
// followed by the uniqueness of its (canister_id, snapshot_id) pair.
func (j *Journal) Validate() error {
	if j.JournalVersion != Version {
		return &VersionError{Version: j.JournalVersion}
	}
	if blank(j.BackupID) {
		return &FieldError{Err: ErrEmptyField, Field: "backup_id", Index: noIndex}
	}
	if err := optionalHash("discovery_topology_hash", j.DiscoveryTopologyHash); err != nil {
		return err
	}
	if err := optionalHash("pre_snapshot_topology_hash", j.PreSnapshotTopologyHash); err != nil {
		return err
	}
	if len(j.Artifacts) == 0 {
		return &FieldError{Err: ErrEmptyCollection, Field: "artifacts", Index: noIndex}
	}
	type pair struct{ canister, snapshot string }
	seen := make(map[pair]bool, len(j.Artifacts))
	for i := range j.Artifacts {
		e := &j.Artifacts[i]
		if err := e.validate(i); err != nil {
			return err
		}
		key := pair{e.CanisterID, e.SnapshotID}
		if seen[key] {
			return &DuplicateError{CanisterID: e.CanisterID, SnapshotID: e.SnapshotID, Index: i}
		}
		seen[key] = true
	}
	return nil
}

// Validate checks one entry on its own (DOMAIN §5.3 entry rules), as the pipeline does for each
// per-entry record: canister_id non-empty and a principal; snapshot_id, artifact_path,
// checksum_algorithm and updated_at non-empty; algorithm sha256; a known state; temp_path when
// Downloaded or ChecksumVerified; a sha256 hex checksum when ChecksumVerified or Durable.
func (e *Entry) Validate() error {
	return e.validate(noIndex)
}

func (e *Entry) validate(index int) error {
	fail := func(err error, field, value string) error {
		return &FieldError{Err: err, Field: field, Value: value, Index: index, CanisterID: e.CanisterID}
	}
	if blank(e.CanisterID) {
		return fail(ErrEmptyField, "artifacts[].canister_id", "")
	}
	if !principal.Valid(e.CanisterID) {
		return fail(ErrInvalidPrincipal, "artifacts[].canister_id", e.CanisterID)
	}
	for _, f := range []struct{ name, value string }{
		{"artifacts[].snapshot_id", e.SnapshotID},
		{"artifacts[].artifact_path", e.ArtifactPath},
		{"artifacts[].checksum_algorithm", e.ChecksumAlgorithm},
		{"artifacts[].updated_at", e.UpdatedAt},
	} {
		if blank(f.value) {
			return fail(ErrEmptyField, f.name, "")
		}
	}
	if e.ChecksumAlgorithm != checksum.Algorithm {
		return fail(ErrUnsupportedHashAlgorithm, "artifacts[].checksum_algorithm", e.ChecksumAlgorithm)
	}
	if !e.State.Valid() {
		return fail(ErrUnknownEnum, "artifacts[].state", string(e.State))
	}
	if (e.State == StateDownloaded || e.State == StateChecksumVerified) && (e.TempPath == nil || blank(*e.TempPath)) {
		return fail(ErrEmptyField, "artifacts[].temp_path", "")
	}
	if e.State == StateChecksumVerified || e.State == StateDurable {
		if e.Checksum == nil || blank(*e.Checksum) {
			return fail(ErrEmptyField, "artifacts[].checksum", "")
		}
		if !checksum.ValidHex(*e.Checksum) {
			return fail(ErrInvalidHash, "artifacts[].checksum", *e.Checksum)
		}
	}
	return nil
}

func optionalHash(field string, hash *string) error {
	if hash != nil && !checksum.ValidHex(*hash) {
		return &FieldError{Err: ErrInvalidHash, Field: field, Value: *hash, Index: noIndex}
	}
	return nil
}

// blank is the negation of DOMAIN §0 "non-empty": nothing left after trimming whitespace.
func blank(s string) bool {
	return strings.TrimSpace(s) == ""
}
