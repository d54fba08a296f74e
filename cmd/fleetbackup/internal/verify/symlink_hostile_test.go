//go:build linux

package verify

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// A backup directory someone else produced never leads verify out of it: a symlink (to /etc, to
// a file or a FIFO outside) as an artifact, inside an artifact or as a document is a problem
// and is neither followed nor opened. The outside sentinel is a FIFO: opening it blocks, so a
// verify that follows a link to it does not return (checkedWithin bounds the wait).
func TestSymlinksOutAreProblems(t *testing.T) {
	cases := []struct {
		name   string
		attack func(t *testing.T, dir, outside string) string // returns the problem's file
		want   []error
	}{
		{"artifact is a symlink to /etc", func(t *testing.T, dir, _ string) string {
			return replaceWithLink(t, dir, artifactDir(t, dir, 0), "/etc")
		}, []error{ErrUnsafeFile, layout.ErrArtifactPathEscapesBackup}},
		{"artifact is a symlink to a FIFO outside", func(t *testing.T, dir, outside string) string {
			return replaceWithLink(t, dir, artifactDir(t, dir, 0), filepath.Join(outside, "fifo"))
		}, []error{ErrUnsafeFile, layout.ErrArtifactPathEscapesBackup}},
		{"artifact is a symlink to another artifact", func(t *testing.T, dir, _ string) string {
			return replaceWithLink(t, dir, artifactDir(t, dir, 0), artifactDir(t, dir, 1))
		}, []error{ErrUnsafeFile}},
		{"manifest is a symlink to a FIFO outside", func(t *testing.T, dir, outside string) string {
			return replaceWithLink(t, dir, layout.ManifestFile, filepath.Join(outside, "fifo"))
		}, []error{ErrUnsafeFile}},
		{"download journal is a FIFO", func(t *testing.T, dir, _ string) string {
			os.Remove(filepath.Join(dir, layout.DownloadJournalFile))
			fifo(t, filepath.Join(dir, layout.DownloadJournalFile))
			return layout.DownloadJournalFile
		}, []error{ErrUnsafeFile}},
		{"artifact directory holds a symlink to a FIFO outside", func(t *testing.T, dir, outside string) string {
			link(t, filepath.Join(outside, "fifo"), filepath.Join(dir, artifactDir(t, dir, 0), "extra"))
			return artifactDir(t, dir, 0) + "/"
		}, []error{ErrUnsafeFile, layout.ErrArtifactPathEscapesBackup}},
		{"artifact directory holds a FIFO", func(t *testing.T, dir, _ string) string {
			fifo(t, filepath.Join(dir, artifactDir(t, dir, 0), "pipe"))
			return artifactDir(t, dir, 0) + "/"
		}, []error{ErrUnsafeFile}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, outside := backup(t), t.TempDir()
			fifo(t, filepath.Join(outside, "fifo"))
			file := c.attack(t, dir, outside)
			r := checkedWithin(t, dir, filepath.Join(outside, "fifo"))
			p := problemOf(t, r, file)
			for _, want := range c.want {
				if !errors.Is(p.Err, want) {
					t.Errorf("problem %s (%v) does not match %v", p, p.Err, want)
				}
			}
			for _, a := range r.Artifacts {
				if a.ArtifactPath+"/" == file || a.ArtifactPath == file {
					if a.Checksum != "" || a.Verified {
						t.Errorf("the unsafe artifact was hashed: %+v", a)
					}
				}
			}
		})
	}
}

// The recorded checksums include a file outside the backup that an artifact links to, so that
// following the link would verify: verify must still refuse the link, and leave it unread.
func TestSymlinkOutOfArtifactWithMatchingChecksum(t *testing.T) {
	dir := backup(t)
	art := artifactDir(t, dir, 0)
	before, err := checksum.Path(filepath.Join(dir, art))
	if err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("outside the backup"), 0o644); err != nil {
		t.Fatal(err)
	}
	link(t, secret, filepath.Join(dir, art, "secret"))
	after, err := checksum.Path(filepath.Join(dir, art)) // follows the link: the attacker's sum
	if err != nil || after == before {
		t.Fatalf("checksum with the link: %s, %v", after, err)
	}
	for _, doc := range []string{layout.ManifestFile, layout.DownloadJournalFile, layout.ExecutionJournalFile} {
		path := filepath.Join(dir, doc)
		data, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(data, []byte(before)) {
			t.Fatalf("%s does not record %s: %v", doc, before, err)
		}
		if err := os.WriteFile(path, bytes.ReplaceAll(data, []byte(before), []byte(after)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opened := watchOpens(t, secret)
	r := Check(dir)
	if opened() {
		t.Error("verify opened the file outside the backup")
	}
	p := problemOf(t, r, art+"/")
	if !errors.Is(p.Err, ErrUnsafeFile) || !errors.Is(p.Err, layout.ErrArtifactPathEscapesBackup) {
		t.Fatalf("problem %s (%v)", p, p.Err)
	}
	if r.Verified || r.Artifacts[0].Checksum != "" {
		t.Fatalf("verified %v, artifact %+v: the link out was followed", r.Verified, r.Artifacts[0])
	}
}

// A manifest that is a symlink to a valid copy outside the backup is a problem, and the copy is
// not read: following it would verify the backup.
func TestManifestLinkOutIsNotRead(t *testing.T) {
	dir := backup(t)
	copied := filepath.Join(t.TempDir(), layout.ManifestFile)
	if err := os.Rename(filepath.Join(dir, layout.ManifestFile), copied); err != nil {
		t.Fatal(err)
	}
	link(t, copied, filepath.Join(dir, layout.ManifestFile))
	opened := watchOpens(t, copied)
	r := Check(dir)
	if opened() {
		t.Error("verify opened the manifest outside the backup")
	}
	if p := problemOf(t, r, layout.ManifestFile); !errors.Is(p.Err, ErrUnsafeFile) {
		t.Fatalf("problem %s (%v)", p, p.Err)
	}
}

// checkedWithin runs Check and fails the test when it blocks on the FIFO sentinel (it opened
// it). This bounds a wait; it is not a sleep: Check's return ends it at once.
func checkedWithin(t *testing.T, dir, sentinel string) *Report {
	t.Helper()
	done := make(chan *Report, 1)
	go func() { done <- Check(dir) }()
	select {
	case r := <-done:
		return r
	case <-time.After(20 * time.Second):
		if w, err := os.OpenFile(sentinel, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close() // the blocked open returns, and reads EOF
		}
		<-done
		t.Fatalf("verify blocked opening %s: it followed a link out of the backup", sentinel)
		return nil
	}
}

// problemOf returns the one problem Check reported for file.
func problemOf(t *testing.T, r *Report, file string) Problem {
	t.Helper()
	var found []Problem
	for _, p := range r.Problems {
		if p.File == file {
			found = append(found, p)
		}
	}
	if r.Verified || len(found) != 1 || found[0].Message == "" {
		t.Fatalf("want one problem for %s, got verified %v, problems %v", file, r.Verified, r.Problems)
	}
	return found[0]
}

// replaceWithLink replaces dir/name with a symlink to target and returns name.
func replaceWithLink(t *testing.T, dir, name, target string) string {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	link(t, target, filepath.Join(dir, name))
	return name
}

func link(t *testing.T, target, name string) {
	t.Helper()
	if err := os.Symlink(target, name); err != nil {
		t.Fatal(err)
	}
}

func fifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
}
