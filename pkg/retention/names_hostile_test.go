package retention

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Entries of a backup root whose names only look like run ids (look-alikes, marks, wildcards,
// dots) or that are symlinks to backups elsewhere are ignored with a reason, and a prune that
// removes every backup it may touches none of them and nothing outside the root.
func TestPruneIgnoresHostileNames(t *testing.T) {
	parent := t.TempDir()
	root, outside := filepath.Join(parent, "backups"), filepath.Join(parent, "outside")
	for _, id := range []string{"nightly-1", "nightly-2", "nightly-3"} {
		writeBackup(t, root, id, "unix:176455"+strings.TrimPrefix(id, "nightly-")+"000")
	}
	writeBackup(t, outside, "nightly-0", "unix:1000")
	hostile := []string{"a b", "ｎｉｇｈｔｌｙ-4", "n\u0456ghtly-4", "nightly-4\u200f", "\u202enightly-4",
		"night\u200dly-4", "%2e%2e", "a.b", "...", "*", ">", "-nightly", " nightly-4", strings.Repeat("a", 129)}
	for _, name := range hostile {
		writeBackup(t, root, name, "unix:1")
	}
	must(t, os.Symlink(filepath.Join(outside, "nightly-0"), filepath.Join(root, "nightly-5")))
	must(t, os.Symlink(outside, filepath.Join(root, "nightly-6")))
	before := fingerprint(t, parent)

	inv, err := Scan(root)
	must(t, err)
	var ids, ignored []string
	for _, d := range inv.Dirs {
		ids = append(ids, d.ID)
	}
	for _, ig := range inv.Ignored {
		if ig.Reason == "" {
			t.Errorf("%q ignored without a reason", ig.Name)
		}
		ignored = append(ignored, ig.Name)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"nightly-1", "nightly-2", "nightly-3"}) {
		t.Fatalf("backups found: %q", ids)
	}
	if len(ignored) != len(hostile)+2 {
		t.Fatalf("ignored %q, want the %d hostile names and the two symlinks", ignored, len(hostile))
	}
	p, err := NewPlan(inv, Policy{Last: 1}, Options{IncludeIncomplete: true})
	must(t, err)
	if _, err := Apply(p); err != nil {
		t.Fatal(err)
	}
	after := fingerprint(t, parent)
	if _, kept := after["backups/nightly-1"]; kept || after["backups/nightly-3"] != "dir" {
		t.Fatalf("prune did not remove nightly-1 and keep nightly-3: %v", p.Decisions)
	}
	for path, v := range before {
		removable := strings.HasPrefix(path, "backups/nightly-1/") || strings.HasPrefix(path, "backups/nightly-2/") ||
			path == "backups/nightly-1" || path == "backups/nightly-2"
		if after[path] != v && !removable {
			t.Errorf("%q was changed or removed by prune", path)
		}
	}
	if len(after) > len(before) {
		t.Errorf("prune created files")
	}
}

// fingerprint maps every path under root (relative, '/'-separated) to its type and content,
// symlinks not followed.
func fingerprint(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	must(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			out[rel] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			out[rel] = "link " + target
			return err
		default:
			data, err := os.ReadFile(p)
			out[rel] = "file " + string(data)
			return err
		}
		return nil
	}))
	return out
}
