package layout

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
)

// TestRoundTrips covers S1 (manifest), S2 (download journal), S3 (plan, phases equal) and S5
// (execution journal).
func TestRoundTrips(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "backup")
	m, dl, p := validManifest(), journalWithChecksum(hashHex), fixturePlan(t)
	j := fixtureJournal(t, p)
	for _, err := range []error{WriteManifest(dir, m), WriteDownloadJournal(dir, dl), WritePlan(dir, p), WriteJournal(dir, j)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	gotM, err := ReadManifest(dir)
	if err != nil || gotM.BackupID != m.BackupID {
		t.Fatalf("S1: %v", err)
	}
	gotDL, err := ReadDownloadJournal(dir)
	if err != nil || gotDL.BackupID != dl.BackupID || len(gotDL.Artifacts) != 1 {
		t.Fatalf("S2: %v", err)
	}
	gotP, err := ReadPlan(dir)
	if err != nil || !reflect.DeepEqual(gotP.Phases, p.Phases) {
		t.Fatalf("S3: %v", err)
	}
	gotJ, err := ReadJournal(dir)
	if err != nil || gotJ.PlanID != j.PlanID || len(gotJ.Operations) != len(j.Operations) {
		t.Fatalf("S5: %v", err)
	}
	for _, name := range []string{PlanFile, ExecutionJournalFile, DownloadJournalFile, ManifestFile} {
		if _, err := os.Stat(filepath.Join(dir, name+".tmp")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s: temp file left behind", name)
		}
	}
}

// TestInvalidDocumentsAreNotWritten covers S4 (plan), S6 (execution journal) and S9 (manifest):
// the invalid-document error, and no file (not even the directory) created.
func TestInvalidDocumentsAreNotWritten(t *testing.T) {
	p := fixturePlan(t)
	j := fixtureJournal(t, p)
	p.PlanID = ""
	j.PlanID = ""
	m := validManifest()
	m.Fleet.DiscoveryTopologyHash = "bad"
	dl := journalWithChecksum(hashHex)
	dl.BackupID = " "
	cases := []struct {
		name  string
		write func(dir string) error
		want  error
		cause error
	}{
		{"S4 plan", func(dir string) error { return WritePlan(dir, p) }, ErrInvalidBackupPlan, nil},
		{"S6 execution journal", func(dir string) error { return WriteJournal(dir, j) }, ErrInvalidExecutionJournal, nil},
		{"S9 manifest", func(dir string) error { return WriteManifest(dir, m) }, ErrInvalidManifest, manifest.ErrInvalidHash},
		{"download journal", func(dir string) error { return WriteDownloadJournal(dir, dl) }, ErrInvalidJournal, nil},
		{"nil manifest", func(dir string) error { return WriteManifest(dir, nil) }, ErrInvalidManifest, nil},
		{"nil plan", func(dir string) error { return WritePlan(dir, nil) }, ErrInvalidBackupPlan, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "backup")
			err := c.write(dir)
			if !errors.Is(err, c.want) || (c.cause != nil && !errors.Is(err, c.cause)) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("directory touched: %v", err)
			}
		})
	}
}

// TestReadClassifiesFailures: a file that is not the document's JSON is ErrDecode; one that
// decodes but breaks a rule is the invalid-document error; a missing file is os.ErrNotExist.
func TestReadClassifiesFailures(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadManifest(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing: %v", err)
	}
	put := func(name, content string) {
		if err := document.WriteFileDurable(filepath.Join(dir, name), []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	put(ManifestFile, `{"manifest_version": `)
	if _, err := ReadManifest(dir); !errors.Is(err, ErrDecode) {
		t.Fatalf("malformed: %v", err)
	}
	m := validManifest()
	m.BackupID = ""
	data, _ := document.Marshal(m)
	put(ManifestFile, string(data))
	if _, err := ReadManifest(dir); !errors.Is(err, ErrInvalidManifest) || !errors.Is(err, manifest.ErrEmptyField) {
		t.Fatalf("invalid: %v", err)
	}
	put(PlanFile, `{"plan_id": 5}`)
	if _, err := ReadPlan(dir); !errors.Is(err, ErrDecode) {
		t.Fatalf("plan type error: %v", err)
	}
	put(DownloadJournalFile, `{"journal_version": 1, "backup_id": "b", "artifacts": []}`)
	if _, err := ReadDownloadJournal(dir); !errors.Is(err, ErrInvalidJournal) {
		t.Fatalf("empty journal: %v", err)
	}
}

// TestVersion2ManifestThroughLayout: readers accept version 2.
func TestVersion2ManifestThroughLayout(t *testing.T) {
	dir := t.TempDir()
	m := validManifest()
	m.ManifestVersion = manifest.Version2
	m.Consistency.BackupUnits[0].CanisterIDs = []string{rootID}
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(dir)
	if err != nil || got.ManifestVersion != manifest.Version2 || len(got.Consistency.BackupUnits[0].CanisterIDs) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
}
