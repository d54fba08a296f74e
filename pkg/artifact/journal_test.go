package artifact

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// J1: a one-entry Durable journal with checksum HASH and an RFC 3339 updated_at validates, and
// is written field for field as the fixture file.
func TestDurableJournalValidates(t *testing.T) {
	j := durableJournal()
	if err := j.Validate(); err != nil {
		t.Fatalf("J1: %v", err)
	}
	got, err := document.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtureBytes(t); !bytes.Equal(got, want) {
		t.Fatalf("J1 encoding differs from testdata:\n%s\nwant\n%s", got, want)
	}
}

// J7: a JSON round trip still validates and loses nothing.
func TestRoundTrip(t *testing.T) {
	j := durableJournal()
	j.Upsert(entryIn(workerID, "snap-worker", StateDownloaded))
	data, err := document.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatalf("J7: %v", err)
	}
	if !reflect.DeepEqual(back, j) {
		t.Fatalf("J7: round trip changed the journal:\n%+v\n%+v", back, j)
	}
}

func TestLoadFixture(t *testing.T) {
	j, err := Load(fixtureBytes(t))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(j, durableJournal()) {
		t.Fatalf("fixture = %+v", j)
	}
}

func TestNewAndUpsert(t *testing.T) {
	j := New("run-1", hash)
	if j.Artifacts == nil || len(j.Artifacts) != 0 || *j.DiscoveryTopologyHash != hash || *j.PreSnapshotTopologyHash != hash {
		t.Fatalf("New = %+v", j)
	}
	if err := j.Validate(); !errors.Is(err, ErrEmptyCollection) {
		t.Fatalf("a journal without entries must not validate: %v", err)
	}
	j.Upsert(NewEntry(appID, "snap-1", appID, "unix:1"))
	j.Upsert(NewEntry(workerID, "snap-2", workerID, "unix:2"))
	if j.OperationMetrics.TargetCount != 2 {
		t.Fatalf("target_count = %d after two appends", j.OperationMetrics.TargetCount)
	}
	// Replacing keeps the position and the count, and replaces the entry entirely.
	j.OperationMetrics.TargetCount = 7
	j.Upsert(NewEntry(appID, "snap-3", "elsewhere", "unix:3"))
	if j.OperationMetrics.TargetCount != 7 || len(j.Artifacts) != 2 {
		t.Fatalf("replace changed target_count or length: %+v", j)
	}
	e, ok := j.Entry(appID)
	if !ok || e != &j.Artifacts[0] || e.SnapshotID != "snap-3" || e.ArtifactPath != "elsewhere" {
		t.Fatalf("Entry(app) = %+v, %v", e, ok)
	}
	if _, ok := j.Entry(rootID); ok {
		t.Fatal("Entry(root) found")
	}
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestNewEntry(t *testing.T) {
	e := NewEntry(appID, "snap", appID, "unix:5")
	want := Entry{CanisterID: appID, SnapshotID: "snap", State: StateCreated, ArtifactPath: appID,
		ChecksumAlgorithm: "sha256", UpdatedAt: "unix:5"}
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("NewEntry = %+v", e)
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAssemble(t *testing.T) {
	header := New("run-1", hash).Header()
	entries := []Entry{entryIn(workerID, "s2", StateDurable), entryIn(appID, "s1", StateChecksumVerified)}
	j, err := Assemble(header, entries)
	if err != nil {
		t.Fatal(err)
	}
	if j.JournalVersion != Version || j.BackupID != "run-1" || j.OperationMetrics != (Metrics{TargetCount: 2}) {
		t.Fatalf("Assemble header = %+v", j)
	}
	if !reflect.DeepEqual(j.Artifacts, entries) {
		t.Fatal("Assemble must keep the given order")
	}
	entries[0].SnapshotID = "changed"
	if j.Artifacts[0].SnapshotID != "s2" {
		t.Fatal("Assemble must copy the entries")
	}
	if _, err := Assemble(header, nil); !errors.Is(err, ErrEmptyCollection) {
		t.Fatalf("no entries: %v", err)
	}
	bad := []Entry{entryIn(appID, "s1", StateDurable), entryIn(appID, "s1", StateCreated)}
	var dup *DuplicateError
	if _, err := Assemble(header, bad); !errors.As(err, &dup) || dup.Index != 1 {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestMarshalNilArtifacts(t *testing.T) {
	data, err := document.Marshal(&Journal{JournalVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"artifacts": []`) || !strings.Contains(string(data), `"discovery_topology_hash": null`) {
		t.Fatalf("encoding = %s", data)
	}
}

func TestLoadRejects(t *testing.T) {
	fixture := string(fixtureBytes(t))
	cases := []struct {
		name string
		data string
		want error
	}{
		{"unknown state", strings.Replace(fixture, `"Durable"`, `"Finished"`, 1), ErrUnknownEnum},
		{"lower-case state", strings.Replace(fixture, `"Durable"`, `"durable"`, 1), ErrUnknownEnum},
		{"null state", strings.Replace(fixture, `"Durable"`, `null`, 1), ErrUnknownEnum},
		{"missing state", strings.Replace(fixture, `"state": "Durable",`, ``, 1), ErrUnknownEnum},
		{"version 2", strings.Replace(fixture, `"journal_version": 1`, `"journal_version": 2`, 1), ErrUnsupportedJournalVersion},
		{"negative metric", strings.Replace(fixture, `"target_count": 1`, `"target_count": -1`, 1), ErrNegativeMetric},
		{"null artifacts", strings.Replace(fixture, `"artifacts": [`, `"artifacts": null, "x": [`, 1), ErrEmptyCollection},
		{"bad hash", strings.Replace(fixture, `"discovery_topology_hash": "0`, `"discovery_topology_hash": "z`, 1), ErrInvalidHash},
		{"too large", fixture + strings.Repeat(" ", document.MaxSize), document.ErrTooLarge},
	}
	for _, c := range cases {
		if _, err := Load([]byte(c.data)); !errors.Is(err, c.want) {
			t.Errorf("%s: Load error = %v, want %v", c.name, err, c.want)
		}
	}
	for _, junk := range []string{"", "null", "[]", "{", `{"journal_version": 65536}`, `{"artifacts": {}}`, fixture + "x"} {
		if _, err := Load([]byte(junk)); err == nil {
			t.Errorf("Load(%q) succeeded", junk)
		}
	}
}

func TestLoadToleratesUnknownFieldsAndMissingOptionals(t *testing.T) {
	data := `{"journal_version":1,"backup_id":"b","extra":true,"artifacts":[` +
		`{"canister_id":"` + appID + `","snapshot_id":"s","state":"Created","artifact_path":"p",` +
		`"checksum_algorithm":"sha256","updated_at":"unix:1","wasm_hash":"x"}]}`
	j, err := Load([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if j.DiscoveryTopologyHash != nil || j.Artifacts[0].TempPath != nil || j.OperationMetrics != (Metrics{}) {
		t.Fatalf("defaults = %+v", j)
	}
}
