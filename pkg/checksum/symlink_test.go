//go:build unix

package checksum

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// Symlinks are followed: a link to a file is included under the link's name, a link to a
// directory is descended, broken links, self links, loops and special files are skipped.
func TestDirFollowsSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "ext.txt"), []byte("external"))
	writeFile(t, filepath.Join(outside, "sub", "deep.txt"), []byte("deep"))

	root := t.TempDir()
	writeFile(t, filepath.Join(root, "real.txt"), []byte("real"))
	symlink(t, filepath.Join(outside, "ext.txt"), filepath.Join(root, "file-link"))
	symlink(t, outside, filepath.Join(root, "dir-link"))
	symlink(t, filepath.Join(root, "missing"), filepath.Join(root, "broken"))
	symlink(t, "self", filepath.Join(root, "self"))
	symlink(t, ".", filepath.Join(root, "loop"))
	writeFile(t, filepath.Join(root, "sub", "s.txt"), []byte("s"))
	symlink(t, "..", filepath.Join(root, "sub", "up"))
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}

	want := feed(
		[2]string{"dir-link/ext.txt", "external"},
		[2]string{"dir-link/sub/deep.txt", "deep"},
		[2]string{"file-link", "external"},
		[2]string{"real.txt", "real"},
		[2]string{"sub/s.txt", "s"},
	)
	if got := mustDir(t, root); got != want {
		t.Fatalf("Dir = %s, want %s", got, want)
	}
}

// A directory reached through two unrelated links is not a loop: both paths are included.
func TestDirSameDirectoryTwice(t *testing.T) {
	shared := t.TempDir()
	writeFile(t, filepath.Join(shared, "x"), []byte("x"))
	root := t.TempDir()
	symlink(t, shared, filepath.Join(root, "one"))
	symlink(t, shared, filepath.Join(root, "two"))
	want := feed([2]string{"one/x", "x"}, [2]string{"two/x", "x"})
	if got := mustDir(t, root); got != want {
		t.Fatalf("Dir = %s, want %s", got, want)
	}
}

// A root that is itself a symlink to a directory is a directory for Path.
func TestPathFollowsRootSymlink(t *testing.T) {
	target := t.TempDir()
	writeFile(t, filepath.Join(target, "a.txt"), []byte("alpha"))
	link := filepath.Join(t.TempDir(), "link")
	symlink(t, target, link)
	got, err := Path(link)
	if err != nil {
		t.Fatal(err)
	}
	if want := feed([2]string{"a.txt", "alpha"}); got != want {
		t.Fatalf("Path(link) = %s, want %s", got, want)
	}
}

func TestDirUnreadableSubdirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory")
	}
	root := t.TempDir()
	locked := filepath.Join(root, "locked")
	if err := os.Mkdir(locked, 0o000); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	if _, err := Dir(root); err == nil {
		t.Fatal("Dir over an unreadable directory succeeded")
	}
}
