// Package layout reads and writes the files of a backup directory (DOMAIN §9) and checks that
// they agree: the plan with its execution journal, the manifest with the download journal and
// the artifacts on disk.
//
// Every document is validated before it is written (an invalid one leaves the directory
// untouched) and after it is read, and written durably through pkg/document.
package layout

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// File names under a backup directory.
const (
	PlanFile             = "backup-plan.json"
	ExecutionJournalFile = "backup-execution-journal.json"
	DownloadJournalFile  = "download-journal.json"
	ManifestFile         = "fleet-backup-manifest.json"
)

// WritePlan validates p (§2.5) and writes it to dir/backup-plan.json.
func WritePlan(dir string, p *plan.Plan) error {
	return write(filepath.Join(dir, PlanFile), ErrInvalidBackupPlan, p, p == nil)
}

// ReadPlan reads and validates dir/backup-plan.json.
func ReadPlan(dir string) (*plan.Plan, error) {
	return read[plan.Plan](filepath.Join(dir, PlanFile), ErrInvalidBackupPlan, plan.Load)
}

// WriteJournal validates j (§4.4) and writes it to dir/backup-execution-journal.json.
func WriteJournal(dir string, j *journal.Journal) error {
	return write(filepath.Join(dir, ExecutionJournalFile), ErrInvalidExecutionJournal, j, j == nil)
}

// ReadJournal reads and validates dir/backup-execution-journal.json.
func ReadJournal(dir string) (*journal.Journal, error) {
	return read[journal.Journal](filepath.Join(dir, ExecutionJournalFile), ErrInvalidExecutionJournal, journal.Load)
}

// WriteDownloadJournal validates j (§5.3) and writes it to dir/download-journal.json.
func WriteDownloadJournal(dir string, j *artifact.Journal) error {
	return write(filepath.Join(dir, DownloadJournalFile), ErrInvalidJournal, j, j == nil)
}

// ReadDownloadJournal reads and validates dir/download-journal.json.
func ReadDownloadJournal(dir string) (*artifact.Journal, error) {
	return read[artifact.Journal](filepath.Join(dir, DownloadJournalFile), ErrInvalidJournal, artifact.Load)
}

// WriteManifest validates m (§8.2) and writes it to dir/fleet-backup-manifest.json.
func WriteManifest(dir string, m *manifest.Manifest) error {
	return write(filepath.Join(dir, ManifestFile), ErrInvalidManifest, m, m == nil)
}

// ReadManifest reads and validates dir/fleet-backup-manifest.json (versions 1 and 2).
func ReadManifest(dir string) (*manifest.Manifest, error) {
	return read[manifest.Manifest](filepath.Join(dir, ManifestFile), ErrInvalidManifest, manifest.Load)
}

// errNilDocument is the cause when a nil document is given to a writer.
var errNilDocument = errors.New("nil document")

// write validates doc, then writes it durably; nothing is touched when it is invalid.
func write(path string, invalid error, doc document.Validator, isNil bool) error {
	if isNil {
		return &Error{Err: invalid, Path: path, Cause: errNilDocument}
	}
	if err := doc.Validate(); err != nil {
		return &Error{Err: invalid, Path: path, Cause: err}
	}
	data, err := document.Marshal(doc)
	if err != nil {
		return &Error{Err: ErrDecode, Path: path, Cause: err}
	}
	return document.WriteFileDurable(path, data)
}

// read loads the document at path with load (decode and validate). A load failure is a decode
// error when the bytes do not even decode into T, and an invalid-document error otherwise.
func read[T any](path string, invalid error, load func([]byte) (*T, error)) (*T, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	v, err := load(data)
	if err == nil {
		return v, nil
	}
	var probe T
	if len(data) > document.MaxSize || json.Unmarshal(data, &probe) != nil {
		return nil, &Error{Err: ErrDecode, Path: path, Cause: err}
	}
	return nil, &Error{Err: invalid, Path: path, Cause: err}
}

// readFile reads the file, refusing (without reading it whole) one over document.MaxSize, and
// without opening it one that is not a regular file (a FIFO would block the open for ever).
func readFile(path string) ([]byte, error) {
	if info, err := os.Stat(path); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, &Error{Err: ErrSpecialFile, Path: path}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := document.ReadAllLimited(f)
	if err != nil {
		return nil, &Error{Err: ErrDecode, Path: path, Cause: err}
	}
	return data, nil
}
