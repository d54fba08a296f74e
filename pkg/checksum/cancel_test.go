package checksum

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// largeFileSize and largeFiles shape the cancellation fixtures: several buffers per file, so that
// "stopped after at most one buffer" is a real claim.
const (
	largeFileSize = 8 << 20
	largeFiles    = 4
)

// largeDir writes largeFiles files of largeFileSize bytes into a fresh directory.
func largeDir(t testing.TB) string {
	t.Helper()
	root := t.TempDir()
	data := pattern(largeFileSize)
	for i := range largeFiles {
		writeFile(t, filepath.Join(root, fmt.Sprintf("part-%02d.bin", i)), data)
	}
	return root
}

func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// wantCanceled fails unless err wraps context.Canceled inside a *fs.PathError naming path.
func wantCanceled(t *testing.T, what string, err error, path string) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%s: err = %v, want context.Canceled", what, err)
	}
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("%s: err = %#v, want a *fs.PathError for %s", what, err, path)
	}
}

// Issue 10: a cancelled context stops the hashing of a large file before anything is read.
func TestFileContextCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.bin")
	writeFile(t, path, pattern(largeFileSize))
	ctx := cancelled()
	sum, err := FileContext(ctx, path)
	if sum != "" {
		t.Fatalf("FileContext returned a sum %s with a cancelled context", sum)
	}
	wantCanceled(t, "FileContext", err, path)
	_, err = PathContext(ctx, path)
	wantCanceled(t, "PathContext(file)", err, path)

	// Nothing is even opened: a missing file reports the cancellation, not its absence.
	missing := filepath.Join(t.TempDir(), "missing")
	_, err = FileContext(ctx, missing)
	wantCanceled(t, "FileContext(missing)", err, missing)
	_, err = PathContext(ctx, missing)
	wantCanceled(t, "PathContext(missing)", err, missing)
}

// Issue 10: a cancelled context stops a directory of several large files before any is hashed.
func TestDirContextCancelled(t *testing.T) {
	root := largeDir(t)
	ctx := cancelled()
	sum, err := DirContext(ctx, root)
	if sum != "" {
		t.Fatalf("DirContext returned a sum %s with a cancelled context", sum)
	}
	wantCanceled(t, "DirContext", err, root)
	_, err = PathContext(ctx, root)
	wantCanceled(t, "PathContext(dir)", err, root)
}

// The walk checks the context before reading each directory.
func TestWalkStopsWhenCancelled(t *testing.T) {
	root := largeDir(t)
	info, err := os.Stat(root)
	if err != nil {
		t.Fatal(err)
	}
	w := &walker{ctx: cancelled(), ancestors: newDirSet()}
	err = w.dir(root, "", info)
	wantCanceled(t, "walker.dir", err, root)
	if len(w.files) != 0 {
		t.Fatalf("walker collected %d files after cancellation", len(w.files))
	}
}

// The workers check the context before each file: with a cancelled context no file is opened, so
// missing files report the cancellation rather than their absence.
func TestHashAllCancelledOpensNothing(t *testing.T) {
	dir := t.TempDir()
	var files []file
	for i := range 3 * largeFiles {
		name := fmt.Sprintf("gone-%02d", i)
		files = append(files, file{rel: name, path: filepath.Join(dir, name)})
	}
	sums, err := hashAll(cancelled(), files, 0)
	if sums != nil {
		t.Fatalf("hashAll returned sums %q with a cancelled context", sums)
	}
	wantCanceled(t, "hashAll", err, files[0].path)
}

// A deadline that has passed is reported as context.DeadlineExceeded.
func TestDirContextDeadline(t *testing.T) {
	root := largeDir(t)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	if _, err := DirContext(ctx, root); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("DirContext past deadline: %v", err)
	}
	if _, err := FileContext(ctx, filepath.Join(root, "part-00.bin")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("FileContext past deadline: %v", err)
	}
}

// cancellingReader serves data in reads of at most len(p) bytes and cancels its context during
// read number cancelAt, as a cancellation from elsewhere arriving mid-hash would.
type cancellingReader struct {
	r        io.Reader
	reads    int
	cancelAt int
	cancel   context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	c.reads++
	if c.reads == c.cancelAt {
		c.cancel()
	}
	return c.r.Read(p)
}

// Cancellation while hashing: the read during which ctx is cancelled is the last one; no further
// buffer is read and the error is ctx.Err().
func TestCopyStopsAfterCurrentBuffer(t *testing.T) {
	for _, cancelAt := range []int{1, 2, 5} {
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancellingReader{r: bytes.NewReader(pattern(largeFileSize)), cancelAt: cancelAt, cancel: cancel}
		buf := make([]byte, bufferSize)
		sum, err := readerWith(ctx, r, buf)
		cancel()
		if sum != "" || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel at read %d: readerWith = %q, %v; want context.Canceled", cancelAt, sum, err)
		}
		if r.reads != cancelAt {
			t.Fatalf("cancel at read %d: %d reads made, want no read after the cancellation", cancelAt, r.reads)
		}
	}
}

// With a live context the Context variants agree with the plain functions.
func TestContextVariantsMatch(t *testing.T) {
	root := largeDir(t)
	writeFile(t, filepath.Join(root, "sub", "small.txt"), []byte("small"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	file := filepath.Join(root, "part-01.bin")
	for _, c := range []struct {
		name  string
		plain func(string) (string, error)
		withC func(context.Context, string) (string, error)
		path  string
	}{
		{"File", File, FileContext, file},
		{"Path(file)", Path, PathContext, file},
		{"Dir", Dir, DirContext, root},
		{"Path(dir)", Path, PathContext, root},
	} {
		want, err := c.plain(c.path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, err := c.withC(ctx, c.path); err != nil || got != want {
			t.Fatalf("%sContext = %s, %v; want %s", c.name, got, err, want)
		}
	}
	if got, err := FileContext(ctx, file); err != nil || got != Bytes(pattern(largeFileSize)) {
		t.Fatalf("FileContext = %s, %v; want the in-memory sum", got, err)
	}
}
