package cli

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestResolveBackup(t *testing.T) {
	work, root := t.TempDir(), t.TempDir()
	t.Chdir(work)
	for _, dir := range []string{"here-1", "backups/there-1", "backups/here-1", filepath.Join(root, "rooted-1")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		arg, root, want string
	}{
		{"here-1", "", "here-1"},                             // a directory here wins over ./backups
		{"there-1", "", filepath.Join("backups", "there-1")}, // else a run id under ./backups
		{"rooted-1", root, filepath.Join(root, "rooted-1")},  // a backup root decides alone
		{"backups/there-1", root, "backups/there-1"},         // a path is a path
	}
	for _, c := range cases {
		got, err := resolveBackup(c.arg, c.root)
		if err != nil || got != c.want {
			t.Errorf("resolveBackup(%q, %q) = %q, %v; want %q", c.arg, c.root, got, err, c.want)
		}
	}
	for _, c := range [][2]string{{"here-1", root}, {"nope-1", ""}, {"no/such/dir", ""}} {
		if _, err := resolveBackup(c[0], c[1]); !errors.Is(err, ErrInput) || exitCode(err) != ExitUsage {
			t.Errorf("resolveBackup(%q, %q) = %v; want bad input (exit 2)", c[0], c[1], err)
		}
	}
}
