//go:build unix

package layout

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// blockBound is how long a call may take before the test calls it blocked on a FIFO. It is a
// bound, not a sleep: a call that returns ends the wait at once.
const blockBound = 20 * time.Second

// mkfifo makes a named pipe at path. Opening it for reading blocks until a writer opens it.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no FIFOs here:", err)
	}
}

// returnsWithin runs call and fails the test if it has not returned within blockBound: then it
// opens fifo for writing and closes it, which lets a reader blocked in open(2) see EOF, so that
// the goroutine ends.
func returnsWithin(t *testing.T, fifo string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(blockBound):
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatalf("blocked on the FIFO %s: it was opened", fifo)
		return nil
	}
}

// A document that is a FIFO (or a symlink to one) is refused without being opened: opening it
// would block the reader (verify, restore admission) for ever.
func TestDocumentFIFOIsNotOpened(t *testing.T) {
	dir := t.TempDir()
	mkfifo(t, filepath.Join(dir, ManifestFile))
	err := returnsWithin(t, filepath.Join(dir, ManifestFile), func() error {
		_, err := ReadManifest(dir)
		return err
	})
	if !errors.Is(err, ErrSpecialFile) {
		t.Fatalf("ReadManifest of a FIFO: %v, want ErrSpecialFile", err)
	}
	outside := filepath.Join(t.TempDir(), "fifo")
	mkfifo(t, outside)
	if err := os.Symlink(outside, filepath.Join(dir, PlanFile)); err != nil {
		t.Fatal(err)
	}
	err = returnsWithin(t, outside, func() error {
		_, err := ReadPlan(dir)
		return err
	})
	if !errors.Is(err, ErrSpecialFile) {
		t.Fatalf("ReadPlan of a symlink to a FIFO: %v, want ErrSpecialFile", err)
	}
}

// An artifact that is a FIFO inside the backup directory is refused, not hashed (hashing opens
// it, which blocks).
func TestArtifactFIFOIsNotOpened(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "artifacts", "root")
	mkfifo(t, fifo)
	if err := WriteManifest(dir, validManifest()); err != nil {
		t.Fatal(err)
	}
	if err := WriteDownloadJournal(dir, journalWithChecksum(hashHex)); err != nil {
		t.Fatal(err)
	}
	err := returnsWithin(t, fifo, func() error {
		_, err := LayoutIntegrity(dir)
		return err
	})
	if !errors.Is(err, ErrSpecialFile) {
		t.Fatalf("LayoutIntegrity over a FIFO artifact: %v, want ErrSpecialFile", err)
	}
}
