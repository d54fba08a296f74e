//go:build linux

package restore

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// Admission reads nothing outside the backup directory (Admit's contract): an artifact directory
// holding a symlink to a file outside, whose recorded checksums are those the link gives, is
// refused with or without the layout integrity step, and the file outside is never opened.
func TestAdmitDoesNotFollowALinkOut(t *testing.T) {
	for _, tc := range []struct {
		skipIntegrity bool
		step          string
		want          error
	}{
		{false, StepLayoutIntegrity, layout.ErrArtifactPathEscapesBackup},
		{true, StepArtifacts, ErrArtifactUnsafeType},
	} {
		dir := writeFixtureDir(t, nil)
		secret := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(secret, []byte("outside the backup"), 0o600); err != nil {
			t.Fatal(err)
		}
		linkedArtifact(t, dir, "artifacts/app", secret)
		opened := watchOpens(t, secret)
		_, err := Admit(dir, AdmitOptions{SkipLayoutIntegrity: tc.skipIntegrity})
		var ae *AdmissionError
		if !errors.As(err, &ae) || ae.Step != tc.step || !errors.Is(err, tc.want) {
			t.Errorf("skip integrity %v: %v, want step %s matching %v", tc.skipIntegrity, err, tc.step, tc.want)
		}
		if opened() {
			t.Errorf("skip integrity %v: the file outside the backup was opened", tc.skipIntegrity)
		}
	}
}

// linkedArtifact turns the file artifact at rel into a directory holding it and a symlink to
// target, and records the checksum that following the link gives in the manifest and the
// download journal.
func linkedArtifact(t *testing.T, dir, rel, target string) {
	t.Helper()
	art := filepath.Join(dir, rel)
	data, err := os.ReadFile(art)
	if err != nil {
		t.Fatal(err)
	}
	old := checksum.Bytes(data)
	if err := os.Remove(art); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(art, "memory.bin"), string(data))
	if err := os.Symlink(target, filepath.Join(art, "leak")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	sum, err := checksum.Path(art)
	if err != nil {
		t.Fatal(err)
	}
	m, err := layout.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	dl, err := layout.ReadDownloadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Fleet.Members {
		if s := m.Fleet.Members[i].SourceSnapshot.Checksum; s != nil && *s == old {
			m.Fleet.Members[i].SourceSnapshot.Checksum = sp(sum)
		}
	}
	for i := range dl.Artifacts {
		if s := dl.Artifacts[i].Checksum; s != nil && *s == old {
			dl.Artifacts[i].Checksum = sp(sum)
		}
	}
	if err := layout.WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	if err := layout.WriteDownloadJournal(dir, dl); err != nil {
		t.Fatal(err)
	}
}

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
