package retention

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// touchTree sets the modification time of dir and everything inside to t.
func touchTree(t *testing.T, dir string, tm time.Time) {
	t.Helper()
	must(t, filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(path, tm, tm)
	}))
}

func TestScanClassifiesEveryEntry(t *testing.T) {
	root := t.TempDir()
	writeBackup(t, root, "nightly-1", "unix:1764554400") // 2025-12-01T02:00:00Z
	iso := writeBackup(t, root, "nightly-2", "2025-12-02T02:00:00Z")
	modified := time.Date(2025, 12, 2, 3, 0, 0, 0, time.UTC)
	must(t, os.Chtimes(iso, modified, modified))
	partial := writeIncomplete(t, root, "nightly-3")
	touchTree(t, partial, time.Date(2025, 12, 3, 2, 30, 0, 0, time.UTC))
	writeFile(t, filepath.Join(root, "photos", "cat.jpg"), "meow")
	writeFile(t, filepath.Join(root, "notes.txt"), "hello")
	writeFile(t, filepath.Join(root, "bad.name", layout.ManifestFile), "{}")
	writeFile(t, filepath.Join(root, "broken", layout.ManifestFile), "{not json")
	must(t, os.MkdirAll(filepath.Join(root, "empty-run"), 0o755))
	must(t, os.Symlink(filepath.Join(root, "nightly-1"), filepath.Join(root, "link-1")))

	inv, err := Scan(root)
	must(t, err)
	want := map[string]struct {
		complete bool
		time     time.Time
		source   TimeSource
	}{
		"nightly-1": {true, time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC), TimeManifest},
		"nightly-2": {true, modified, TimeModified},
		"nightly-3": {false, time.Date(2025, 12, 3, 2, 30, 0, 0, time.UTC), TimeModified},
	}
	if len(inv.Dirs) != len(want) {
		t.Fatalf("dirs = %+v", inv.Dirs)
	}
	for _, d := range inv.Dirs {
		w, ok := want[d.ID]
		if !ok || d.Complete != w.complete || !d.Time.Equal(w.time) || d.TimeSource != w.source {
			t.Errorf("%s: complete %t, time %v (%s); want %+v", d.ID, d.Complete, d.Time, d.TimeSource, w)
		}
	}
	ignored := map[string]bool{}
	for _, ig := range inv.Ignored {
		ignored[ig.Name] = true
		if ig.Reason == "" {
			t.Errorf("%s ignored without a reason", ig.Name)
		}
	}
	for _, name := range []string{"photos", "notes.txt", "bad.name", "broken", "empty-run", "link-1"} {
		if !ignored[name] {
			t.Errorf("%s is not listed as ignored: %+v", name, inv.Ignored)
		}
	}
}

func TestReadingRestores(t *testing.T) {
	root := t.TempDir()
	dir := writeBackup(t, root, "nightly-1", "unix:1764554400")
	if got := ReadingRestores(dir); len(got) != 0 {
		t.Fatalf("no restores/: reading = %v", got)
	}
	writeRestore(t, dir, "restore-done", true)
	if got := ReadingRestores(dir); len(got) != 0 {
		t.Fatalf("a finished restore reads nothing: %v", got)
	}
	writeRestore(t, dir, "restore-ready", false)
	must(t, os.MkdirAll(filepath.Join(dir, RestoresDir, "restore-starting"), 0o755))
	writeFile(t, filepath.Join(dir, RestoresDir, "restore-garbled", "restore-apply-journal.json"), "{")
	got := ReadingRestores(dir)
	want := []string{"restore-garbled", "restore-ready", "restore-starting"}
	if len(got) != len(want) {
		t.Fatalf("reading = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reading = %v, want %v", got, want)
		}
	}
}
