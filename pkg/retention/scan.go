package retention

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// TimeSource says where a backup's time comes from.
type TimeSource string

const (
	// TimeManifest is the manifest's created_at.
	TimeManifest TimeSource = "manifest"
	// TimeModified is the directory's modification time: a manifest without a readable
	// created_at, or, for an incomplete run, the newest modification time of anything in it.
	TimeModified TimeSource = "mtime"
)

// Dir is one backup directory under the root.
type Dir struct {
	Backup
	Path       string     `json:"path"`
	TimeSource TimeSource `json:"time_source"`
	// Complete is true when the directory holds fleet-backup-manifest.json, which the
	// finalizer writes last.
	Complete bool `json:"complete"`
	// Restores are the restores reading the directory (see ReadingRestores).
	Restores []string `json:"restores,omitempty"`
}

// Ignored is an entry of the backup root that is not a backup directory; prune never touches it.
type Ignored struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Inventory is what Scan found under a backup root.
type Inventory struct {
	Root    string    `json:"backup_root"`
	Dirs    []Dir     `json:"-"`
	Ignored []Ignored `json:"ignored"`
}

// Scan lists the backup directories under root. An entry is a backup directory when it is a
// real directory (not a symlink) whose name is a run id and which holds fleetbackup's files:
// the manifest (a completed backup), or, for an incomplete run, another of the backup's
// documents or an artifact directory (<canister id> or <canister id>.tmp). Anything else is
// listed as ignored with the reason. A manifest that does not read is ignored too: prune does
// not decide about what it cannot read.
func Scan(root string) (*Inventory, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("reading backup root: %w", err)
	}
	inv := &Inventory{Root: root, Dirs: []Dir{}, Ignored: []Ignored{}}
	for _, e := range entries {
		d, reason := inspect(root, e)
		if reason != "" {
			inv.Ignored = append(inv.Ignored, Ignored{Name: e.Name(), Reason: reason})
			continue
		}
		inv.Dirs = append(inv.Dirs, d)
	}
	return inv, nil
}

// inspect classifies one entry of the root: a Dir, or the reason it is ignored.
func inspect(root string, e fs.DirEntry) (Dir, string) {
	name := e.Name()
	switch {
	case e.Type()&fs.ModeSymlink != 0:
		return Dir{}, "a symbolic link"
	case !e.IsDir():
		return Dir{}, "not a directory"
	case !runs.IDPattern.MatchString(name):
		return Dir{}, "name is not a run id"
	}
	d := Dir{Backup: Backup{ID: name}, Path: filepath.Join(root, name)}
	complete, err := hasManifest(d.Path)
	if err != nil {
		return Dir{}, err.Error()
	}
	if complete {
		if err := d.readComplete(); err != nil {
			return Dir{}, "manifest unreadable: " + err.Error()
		}
	} else if err := d.readIncomplete(); err != nil {
		return Dir{}, err.Error()
	}
	d.Restores = ReadingRestores(d.Path)
	return d, ""
}

// hasManifest reports whether dir holds a manifest file.
func hasManifest(dir string) (bool, error) {
	info, err := os.Lstat(filepath.Join(dir, layout.ManifestFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case !info.Mode().IsRegular():
		return false, fmt.Errorf("%s is not a regular file", layout.ManifestFile)
	}
	return true, nil
}

// readComplete reads the manifest: its created_at is the backup's time when it is a
// `unix:<seconds>` marker, the directory's modification time otherwise.
func (d *Dir) readComplete() error {
	m, err := layout.ReadManifest(d.Path)
	if err != nil {
		return err
	}
	d.Complete = true
	if secs, err := timestamp.Parse(m.CreatedAt); err == nil && secs <= 1<<62 {
		d.Time, d.TimeSource = time.Unix(int64(secs), 0).UTC(), TimeManifest
		return nil
	}
	info, err := os.Stat(d.Path)
	if err != nil {
		return err
	}
	d.Time, d.TimeSource = info.ModTime().UTC(), TimeModified
	return nil
}

// readIncomplete checks that a directory without a manifest holds fleetbackup's files and
// dates it by its last activity: the newest modification time of anything inside.
func (d *Dir) readIncomplete() error {
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(entries, fleetbackupFile) {
		return errors.New("no fleetbackup files in it")
	}
	var newest time.Time
	err = filepath.WalkDir(d.Path, func(_ string, e fs.DirEntry, err error) error {
		if err == nil {
			var info fs.FileInfo
			if info, err = e.Info(); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a running run renamed or removed it meanwhile
		}
		return err
	})
	d.Time, d.TimeSource = newest.UTC(), TimeModified
	return err
}

// fleetbackupFile reports whether an entry of a run's directory is one fleetbackup writes.
func fleetbackupFile(e fs.DirEntry) bool {
	switch name := e.Name(); {
	case !e.IsDir():
		return name == layout.PlanFile || name == layout.ExecutionJournalFile || name == layout.DownloadJournalFile
	default:
		return principal.Valid(strings.TrimSuffix(name, ".tmp"))
	}
}
