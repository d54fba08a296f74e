//go:build linux

package layout

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
)

// watchOpens reports, through the returned function, whether path was opened or read since
// watchOpens was called (inotify: stat, lstat and readlink do not count, open does).
func watchOpens(t *testing.T, path string) func() bool {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		t.Skip("no inotify here:", err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if _, err := syscall.InotifyAddWatch(fd, path, syscall.IN_OPEN|syscall.IN_ACCESS); err != nil {
		t.Fatal(err)
	}
	return func() bool {
		buf := make([]byte, 4096)
		n, err := syscall.Read(fd, buf)
		return err == nil && n > 0
	}
}

// An artifact directory holding a symlink that leads out of the backup (to a file, to a
// directory, or through a directory of the backup that links out) is refused, and the file
// outside is not read, even when the recorded checksum is the one the link would give.
func TestArtifactLinkOutIsNotFollowed(t *testing.T) {
	tests := []struct {
		name string
		link func(t *testing.T, dir, art, outside string)
	}{
		{"link to a file outside", func(t *testing.T, _, art, outside string) {
			symlinkOrSkip(t, filepath.Join(outside, "secret"), filepath.Join(art, "leak"))
		}},
		{"link to a directory outside", func(t *testing.T, _, art, outside string) {
			symlinkOrSkip(t, outside, filepath.Join(art, "leak"))
		}},
		{"link to a directory of the backup that links out", func(t *testing.T, dir, art, outside string) {
			hop := filepath.Join(dir, "hop")
			if err := os.Mkdir(hop, 0o755); err != nil {
				t.Fatal(err)
			}
			symlinkOrSkip(t, filepath.Join(outside, "secret"), filepath.Join(hop, "leak"))
			symlinkOrSkip(t, "../../hop", filepath.Join(art, "hop"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, outside := t.TempDir(), t.TempDir()
			secret := filepath.Join(outside, "secret")
			if err := os.WriteFile(secret, []byte("outside the backup"), 0o600); err != nil {
				t.Fatal(err)
			}
			art := filepath.Join(dir, "artifacts", "root")
			writeArtifact(t, dir, nil)
			os.Remove(art)
			if err := os.MkdirAll(art, 0o755); err != nil {
				t.Fatal(err)
			}
			tt.link(t, dir, art, outside)
			writeDocsFor(t, dir, art)
			opened := watchOpens(t, secret)
			if _, err := LayoutIntegrity(dir); !errors.Is(err, ErrArtifactPathEscapesBackup) {
				t.Fatalf("LayoutIntegrity: %v, want ErrArtifactPathEscapesBackup", err)
			}
			if opened() {
				t.Fatal("the file outside the backup was opened")
			}
		})
	}
}

// A symlink that stays inside the backup is followed, as the reference does (DOMAIN §6).
func TestArtifactLinkInsideIsFollowed(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "artifacts", "root")
	if err := os.MkdirAll(art, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "common.bin"), []byte("common"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlinkOrSkip(t, "../../common.bin", filepath.Join(art, "common"))
	writeDocsFor(t, dir, art)
	if _, err := LayoutIntegrity(dir); err != nil {
		t.Fatalf("a link inside the backup: %v", err)
	}
}

// writeDocsFor writes the manifest and a durable download journal recording art's checksum
// as checksum.Path computes it (following links).
func writeDocsFor(t *testing.T, dir, art string) {
	t.Helper()
	sum, err := checksum.Path(art)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteManifest(dir, validManifest()); err != nil {
		t.Fatal(err)
	}
	if err := WriteDownloadJournal(dir, journalWithChecksum(sum)); err != nil {
		t.Fatal(err)
	}
}

func symlinkOrSkip(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
}
