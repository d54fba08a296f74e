//go:build unix

package checksum

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// Cancellation from another goroutine while a directory's files are being hashed, made
// deterministic without sleeps or hooks: besides the directory's large files, the workers are
// given a FIFO (first, so a worker surely takes it) whose writer feeds one buffer, cancels, then
// offers 16 more buffers. The worker on the FIFO must give up after at most the one read in flight
// at the cancellation, close the FIFO (so the writer sees EPIPE) and report context.Canceled.
func TestHashAllCancelWhileHashing(t *testing.T) {
	files, fifo := filesWithFIFO(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	writer := feedFIFO(fifo, cancel)

	sums, err := hashAll(ctx, files, 0)
	// Should the FIFO never have been opened for reading, unblock the writer's open.
	if r, openErr := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); openErr == nil {
		r.Close()
	}
	got := <-writer

	if sums != nil {
		t.Fatalf("hashAll returned sums %q after cancellation", sums)
	}
	wantCanceled(t, "hashAll", err, fifo)
	if got.before != bufferSize {
		t.Fatalf("writer fed %d bytes before cancelling (%v), want %d", got.before, got.err, bufferSize)
	}
	if !errors.Is(got.err, syscall.EPIPE) {
		t.Fatalf("writer after cancellation: %d bytes, err %v; want EPIPE once hashing stopped", got.after, got.err)
	}
	// At most the read in flight at the cancellation (one buffer) plus what the pipe holds.
	if got.after >= 2*bufferSize {
		t.Fatalf("%d bytes consumed after cancellation, want less than %d", got.after, 2*bufferSize)
	}
	t.Logf("bytes accepted after cancel: %d (buffer %d)", got.after, bufferSize)
}

// filesWithFIFO collects largeDir's files and puts a fresh FIFO first among them; it returns
// the files and the FIFO's path.
func filesWithFIFO(t *testing.T) ([]file, string) {
	t.Helper()
	root := largeDir(t)
	files, err := collect(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != largeFiles {
		t.Fatalf("collected %d files, want %d", len(files), largeFiles)
	}
	fifo := filepath.Join(t.TempDir(), "stream")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return slices.Insert(files, 0, file{rel: "stream", path: fifo}), fifo
}

// fifoFeed is what the FIFO's writer managed to write before and after cancelling.
type fifoFeed struct {
	before, after int
	err           error
}

// feedFIFO opens fifo for writing in a goroutine, feeds it one buffer, calls cancel, then
// offers 16 more buffers; the channel receives what was written.
func feedFIFO(fifo string, cancel context.CancelFunc) <-chan fifoFeed {
	writer := make(chan fifoFeed, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			writer <- fifoFeed{err: err}
			return
		}
		defer w.Close()
		// This Write returns only once the hashing worker has read all but a pipe's worth of it.
		before, err := w.Write(pattern(bufferSize))
		if err != nil {
			writer <- fifoFeed{before: before, err: err}
			return
		}
		cancel()
		after, err := w.Write(make([]byte, 16*bufferSize))
		writer <- fifoFeed{before: before, after: after, err: err}
	}()
	return writer
}
