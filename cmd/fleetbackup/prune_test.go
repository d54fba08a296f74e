package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// copyBackup copies the demo's completed backup to root/id with the manifest's created_at set
// to at: a real backup directory, dated as the test needs.
func copyBackup(t *testing.T, root, id string, at time.Time) string {
	t.Helper()
	dir := filepath.Join(root, id)
	if err := os.CopyFS(dir, os.DirFS(demoBackup(t))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "fleet-backup-manifest.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	created := regexp.MustCompile(`"created_at": "unix:\d+"`)
	if !created.Match(data) {
		t.Fatalf("no created_at marker in %s", path)
	}
	marker := []byte(`"created_at": "unix:` + strconv.FormatInt(at.Unix(), 10) + `"`)
	if err := os.WriteFile(path, created.ReplaceAll(data, marker), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// entries lists the names under dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// pruneRoot is a backup root with five completed backups (two on 2026-11-03), one of them read by
// a restore, a failed run, and two things that are not backups.
func pruneRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }
	copyBackup(t, root, "nightly-1031", at(time.October, 31, 2))
	read := copyBackup(t, root, "nightly-1101", at(time.November, 1, 2))
	copyBackup(t, root, "nightly-1102", at(time.November, 2, 2))
	copyBackup(t, root, "manual-1103", at(time.November, 3, 1))
	copyBackup(t, root, "nightly-1103", at(time.November, 3, 2))
	// An unfinished restore (no apply journal yet) reads nightly-1101.
	check(t, os.MkdirAll(filepath.Join(read, "restores", "restore-1"), 0o755))
	// A run that failed before its manifest, last touched on 2026-10-30.
	failed := copyBackup(t, root, "failed-1030", at(time.October, 30, 2))
	check(t, os.Remove(filepath.Join(failed, "fleet-backup-manifest.json")))
	old := at(time.October, 30, 2)
	check(t, filepath.WalkDir(failed, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	}))
	check(t, os.MkdirAll(filepath.Join(root, "photos"), 0o755))
	check(t, os.WriteFile(filepath.Join(root, "photos", "cat.jpg"), []byte("meow"), 0o644))
	check(t, os.WriteFile(filepath.Join(root, "README.txt"), []byte("backups"), 0o644))
	return root
}

func TestPruneRemovesExactlyTheRightDirectories(t *testing.T) {
	root := pruneRoot(t)
	all := entries(t, root)
	r := fb(t, "", "prune", "--backup-root", root, "--keep-daily", "2", "--dry-run")
	wantCode(t, r, 0)
	wantIn(t, "prune --dry-run", r.stdout, "remove  manual-1103", "remove  nightly-1031",
		"keep    nightly-1103", "daily 2026-11-03, newest completed backup", "keep    nightly-1101",
		"restore reading it: restore-1", "incomplete run (no manifest)", "photos", "README.txt",
		"2 backup directories would be removed")
	if got := entries(t, root); !slices.Equal(got, all) {
		t.Fatalf("a dry run changed the root: %v", got)
	}

	r = fb(t, "", "prune", "--backup-root", root, "--keep-daily", "2")
	wantCode(t, r, 0)
	wantIn(t, "prune", r.stdout, "removed 2 backup directories, kept 4")
	want := []string{"README.txt", "failed-1030", "nightly-1101", "nightly-1102", "nightly-1103", "photos"}
	if got := entries(t, root); !slices.Equal(got, want) {
		t.Fatalf("left under the root: %v, want %v", got, want)
	}
	if _, err := os.Stat(filepath.Join(root, "photos", "cat.jpg")); err != nil {
		t.Fatalf("a stray file was touched: %v", err)
	}
}

func TestPruneIncludeIncompleteJSON(t *testing.T) {
	root := pruneRoot(t)
	// The backup root from the environment, like the other commands.
	r := fbWithEnv(t, []string{"FLEETBACKUP_BACKUP_ROOT=" + root}, "prune", "--keep-last", "1", "--include-incomplete", "--json")
	wantCode(t, r, 0)
	var report struct {
		TimeZone string `json:"time_zone"`
		Backups  []struct {
			RunID      string   `json:"run_id"`
			Remove     bool     `json:"remove"`
			TimeSource string   `json:"time_source"`
			Reasons    []string `json:"reasons"`
		} `json:"backups"`
		Ignored []struct{ Name string } `json:"ignored"`
		Removed []struct {
			RunID   string `json:"run_id"`
			Removed bool   `json:"removed"`
		} `json:"removed"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("prune --json is not JSON: %v\n%s", err, r)
	}
	if report.TimeZone != "UTC" || len(report.Backups) != 6 || len(report.Ignored) != 2 || len(report.Removed) != 4 {
		t.Fatalf("unexpected report:\n%s", r.stdout)
	}
	want := []string{"README.txt", "nightly-1101", "nightly-1103", "photos"}
	if got := entries(t, root); !slices.Equal(got, want) {
		t.Fatalf("left under the root: %v, want %v", got, want)
	}
}

func TestPruneUsage(t *testing.T) {
	root := t.TempDir()
	for _, args := range [][]string{
		{"prune", "--keep-last", "1"},                                             // no backup root
		{"prune", "--backup-root", root},                                          // no policy
		{"prune", "--backup-root", root, "--keep-last", "0"},                      // keeps nothing
		{"prune", "--backup-root", root, "--keep-weekly", "-1"},                   // negative
		{"prune", "--backup-root", root, "--keep-last", "x"},                      // not a number
		{"prune", "--backup-root", filepath.Join(root, "no"), "--keep-last", "1"}, // no such root
		{"prune", "--backup-root", root, "--keep-last", "1", "extra"},             // an argument
	} {
		r := fb(t, "", args...)
		wantCode(t, r, 2)
	}
	r := fb(t, "", "prune", "--backup-root", root, "--keep-last", "1")
	wantCode(t, r, 0)
	wantIn(t, "prune of an empty root", r.stdout, "no backup directories", "removed 0 backup directories")
}
