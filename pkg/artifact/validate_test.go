package artifact

import (
	"errors"
	"strings"
	"testing"
)

// TestValidateRules covers DOMAIN §5.3 one rule per row, J5 and J6 among them. Each row breaks
// the second entry of a valid two-entry journal (index 1) unless it breaks the header.
func TestValidateRules(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(j *Journal, e *Entry)
		want  error
		field string
	}{
		{"version 0", func(j *Journal, _ *Entry) { j.JournalVersion = 0 }, ErrUnsupportedJournalVersion, ""},
		{"blank backup id", func(j *Journal, _ *Entry) { j.BackupID = " \t" }, ErrEmptyField, "backup_id"},
		{"discovery hash", func(j *Journal, _ *Entry) { j.DiscoveryTopologyHash = ptr("bad") }, ErrInvalidHash, "discovery_topology_hash"},
		{"pre-snapshot hash", func(j *Journal, _ *Entry) { j.PreSnapshotTopologyHash = ptr("") }, ErrInvalidHash, "pre_snapshot_topology_hash"},
		{"empty artifacts", func(j *Journal, _ *Entry) { j.Artifacts = j.Artifacts[:0] }, ErrEmptyCollection, "artifacts"},
		{"blank canister", func(_ *Journal, e *Entry) { e.CanisterID = " " }, ErrEmptyField, "artifacts[].canister_id"},
		{"bad principal", func(_ *Journal, e *Entry) { e.CanisterID = "aaaaa-a" }, ErrInvalidPrincipal, "artifacts[].canister_id"},
		{"upper-case principal", func(_ *Journal, e *Entry) { e.CanisterID = strings.ToUpper(workerID) }, ErrInvalidPrincipal, "artifacts[].canister_id"},
		{"blank snapshot", func(_ *Journal, e *Entry) { e.SnapshotID = "" }, ErrEmptyField, "artifacts[].snapshot_id"},
		{"blank artifact path", func(_ *Journal, e *Entry) { e.ArtifactPath = "\n" }, ErrEmptyField, "artifacts[].artifact_path"},
		{"blank algorithm", func(_ *Journal, e *Entry) { e.ChecksumAlgorithm = "" }, ErrEmptyField, "artifacts[].checksum_algorithm"},
		{"blank updated_at", func(_ *Journal, e *Entry) { e.UpdatedAt = "" }, ErrEmptyField, "artifacts[].updated_at"},
		{"md5", func(_ *Journal, e *Entry) { e.ChecksumAlgorithm = "md5" }, ErrUnsupportedHashAlgorithm, "artifacts[].checksum_algorithm"},
		{"unknown state", func(_ *Journal, e *Entry) { e.State = "Lost" }, ErrUnknownEnum, "artifacts[].state"},
		{"downloaded without temp", func(_ *Journal, e *Entry) { e.State, e.TempPath = StateDownloaded, nil }, ErrEmptyField, "artifacts[].temp_path"},
		{"verified with blank temp", func(_ *Journal, e *Entry) { e.State, e.TempPath = StateChecksumVerified, ptr(" ") }, ErrEmptyField, "artifacts[].temp_path"},
		// J5
		{"durable without checksum", func(_ *Journal, e *Entry) { e.Checksum = nil }, ErrEmptyField, "artifacts[].checksum"},
		{"durable with bad checksum", func(_ *Journal, e *Entry) { e.Checksum = ptr("not-a-sha") }, ErrInvalidHash, "artifacts[].checksum"},
		{"verified without checksum", func(_ *Journal, e *Entry) {
			e.State, e.TempPath, e.Checksum = StateChecksumVerified, ptr("t"), nil
		}, ErrEmptyField, "artifacts[].checksum"},
		// J6
		{"duplicate pair", func(_ *Journal, e *Entry) { e.CanisterID, e.SnapshotID = appID, "snap-app" }, ErrDuplicateArtifact, ""},
	}
	for _, c := range cases {
		j := durableJournal()
		j.Upsert(entryIn(workerID, "snap-worker", StateDurable))
		c.edit(j, &j.Artifacts[1])
		err := j.Validate()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: Validate = %v, want %v", c.name, err, c.want)
			continue
		}
		var fe *FieldError
		if c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field) {
			t.Errorf("%s: error %v does not name field %s", c.name, err, c.field)
		}
		if fe != nil && strings.HasPrefix(c.field, "artifacts[]") && fe.Index != 1 {
			t.Errorf("%s: index = %d, want 1", c.name, fe.Index)
		}
	}
}

// What §5.3 deliberately does not check: Durable with a leftover temp path, Created with a
// checksum; absent topology hashes and upper-case hex are fine too.
func TestValidateTolerates(t *testing.T) {
	j := durableJournal()
	j.Artifacts[0].TempPath = ptr("left-over.tmp")
	created := entryIn(workerID, "s", StateCreated)
	created.Checksum = ptr("anything")
	j.Upsert(created)
	j.DiscoveryTopologyHash, j.PreSnapshotTopologyHash = ptr(strings.ToUpper(hash)), nil
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	j.Artifacts[0].Checksum = ptr(strings.ToUpper(hash))
	if err := j.Validate(); err != nil {
		t.Fatalf("upper-case hex: %v", err)
	}
}

// The same canister with two snapshots is not a duplicate pair.
func TestValidateSameCanisterOtherSnapshot(t *testing.T) {
	j := durableJournal()
	j.Artifacts = append(j.Artifacts, entryIn(appID, "snap-other", StateCreated))
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDuplicateError(t *testing.T) {
	j := durableJournal()
	j.Artifacts = append(j.Artifacts, j.Artifacts[0])
	var dup *DuplicateError
	if err := j.Validate(); !errors.As(err, &dup) || dup.CanisterID != appID || dup.SnapshotID != "snap-app" || dup.Index != 1 {
		t.Fatalf("J6: %v", err)
	}
}

// Entry.Validate works alone, as the pipeline's per-entry records need, and reports no index.
func TestEntryValidateAlone(t *testing.T) {
	e := entryIn(appID, "s", StateDownloaded)
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	e.TempPath = nil
	var fe *FieldError
	err := e.Validate()
	if !errors.As(err, &fe) || fe.Index != noIndex || fe.CanisterID != appID || fe.Field != "artifacts[].temp_path" {
		t.Fatalf("Entry.Validate = %v", err)
	}
	if !strings.Contains(err.Error(), appID) || !strings.Contains(err.Error(), "temp_path") {
		t.Fatalf("message %q must say what and where", err)
	}
}

func TestErrorMessages(t *testing.T) {
	j := durableJournal()
	j.Artifacts[0].Checksum = ptr("zz")
	err := j.Validate()
	for _, part := range []string{"artifacts[0]", appID, "artifacts[].checksum", `"zz"`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("message %q lacks %q", err, part)
		}
	}
	for _, e := range []error{&VersionError{Version: 3}, &EnumError{Field: "state", Value: "x"},
		&TransitionError{CanisterID: appID, From: StateDurable, To: StateCreated}} {
		if e.Error() == "" {
			t.Errorf("%T has an empty message", e)
		}
	}
}
