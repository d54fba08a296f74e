package layout

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
)

// A tree is a directory's regular files by slash-separated relative path.
type tree map[string]string

// writeTree creates dir holding exactly the files of tr.
func writeTree(t *testing.T, dir string, tr tree) {
	t.Helper()
	for rel, content := range tr {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree reads the files below dir; nil when dir does not exist.
func readTree(t *testing.T, dir string) tree {
	t.Helper()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	tr := tree{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		tr[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// treeSum is the artifact checksum of tr, computed on a copy written elsewhere.
func treeSum(t *testing.T, tr tree) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "copy")
	writeTree(t, dir, tr)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sum, err := checksum.PathContext(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// Promote moves a staged artifact to its durable name, replacing a stale one; repeated after
// the move it checks the durable artifact's checksum instead; with neither it fails.
func TestPromote(t *testing.T) {
	snap := tree{"snapshot.bin": "new bytes", "meta/info.json": `{"id":"snap-2"}`}
	stale := tree{"snapshot.bin": "old bytes", "leftover": "x"}
	tests := []struct {
		name            string
		staged, durable tree // nil: absent
		sumOf           tree // Promote's expected checksum is this tree's
		calls           int
		wantErr         error // nil: no error
		wantDurable     tree
	}{
		{name: "staged is renamed", staged: snap, sumOf: snap, calls: 1, wantDurable: snap},
		{name: "repeated after the rename", staged: snap, sumOf: snap, calls: 2, wantDurable: snap},
		{name: "already promoted", durable: snap, sumOf: snap, calls: 1, wantDurable: snap},
		{name: "stale durable replaced", staged: snap, durable: stale, sumOf: snap, calls: 1, wantDurable: snap},
		{name: "durable of another checksum", durable: stale, sumOf: snap, calls: 1,
			wantErr: checksum.ErrMismatch, wantDurable: stale},
		{name: "neither staged nor durable", sumOf: snap, calls: 1, wantErr: fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			staging, durable := filepath.Join(dir, "seg.tmp"), filepath.Join(dir, "seg")
			if tt.staged != nil {
				writeTree(t, staging, tt.staged)
			}
			if tt.durable != nil {
				writeTree(t, durable, tt.durable)
			}
			sum := treeSum(t, tt.sumOf)
			var err error
			for range tt.calls {
				if err = Promote(t.Context(), dir, staging, durable, sum); err != nil {
					break
				}
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Promote = %v, want %v", err, tt.wantErr)
			}
			if got := readTree(t, durable); !maps.Equal(got, tt.wantDurable) || (got == nil) != (tt.wantDurable == nil) {
				t.Errorf("durable holds %v, want %v", got, tt.wantDurable)
			}
			if left := readTree(t, staging); left != nil {
				t.Errorf("staging still holds %v", left)
			}
		})
	}
}
