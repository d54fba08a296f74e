package retention

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// RestoresDir is the subdirectory of a backup directory where restores export their plan and
// apply journal, one directory per restore run: <backup>/restores/<restore run id>/
// (docs/restore.md).
const RestoresDir = restore.RestoresDir

// ReadingRestores lists the restores that may be reading the backup directory dir, so that prune
// leaves it alone. A restore is every entry of dir/restores/; it has finished only when it is a
// directory holding restore-apply-journal.json that reads, validates and has every operation
// completed. Anything else (no journal yet, a journal exported when the restore stopped for
// attention, an unreadable one, a stray file) counts as reading the backup.
//
// The planner creates a restore's directory when it admits the restore, before anything is
// uploaded. A restores/ that cannot be read is reported as one restore, "restores", to stay on
// the safe side.
func ReadingRestores(dir string) []string {
	entries, err := os.ReadDir(filepath.Join(dir, RestoresDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []string{RestoresDir}
	}
	var reading []string
	for _, e := range entries {
		if !finished(filepath.Join(dir, RestoresDir, e.Name())) {
			reading = append(reading, e.Name())
		}
	}
	return reading
}

// finished reports whether the restore exported under path has a completed apply journal.
func finished(path string) bool {
	name := filepath.Join(path, restore.JournalFile)
	if info, err := os.Lstat(name); err != nil || !info.Mode().IsRegular() {
		return false // a FIFO would block the open; a link or device is not our journal
	}
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	data, err := document.ReadAllLimited(f)
	if err != nil {
		return false
	}
	j, err := restore.LoadJournal(data)
	return err == nil && j.Done()
}
