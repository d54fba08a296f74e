package checksum

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestMappedSizesMatchSHA256 hashes files around the page, buffer and window sizes, where a
// mapping's last window or last chunk is partial, and compares with crypto/sha256 in memory.
func TestMappedSizesMatchSHA256(t *testing.T) {
	dir := t.TempDir()
	for _, size := range []int{0, 1, 4095, 4096, 4097, bufferSize + 1, mapWindow + 3} {
		data := pattern(size)
		path := filepath.Join(dir, "f")
		writeFile(t, path, data)
		got, err := File(path)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if want := sumOf(data); got != want {
			t.Fatalf("size %d: got %s, want %s", size, got, want)
		}
	}
}

// TestTruncatedWhileMappedIsAnError truncates a file after its first megabyte was hashed from
// the mapping (a context whose Done truncates on its third call: before the open, before the
// first chunk, before the second). Reading the mapping past the new end faults; the fault must
// come back as ErrFileChanged naming the file, not crash the process or yield a checksum.
func TestTruncatedWhileMappedIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	writeFile(t, path, pattern(4*bufferSize))
	ctx := &onDone{Context: context.Background(), call: 3, do: func() error { return os.Truncate(path, 0) }}

	sum, err := FileContext(ctx, path)
	if ctx.err != nil {
		t.Fatal(ctx.err)
	}
	var pathErr *fs.PathError
	if !errors.Is(err, ErrFileChanged) || !errors.As(err, &pathErr) || pathErr.Path != path {
		t.Fatalf("FileContext after truncation = %q, %v; want a path error for %s wrapping ErrFileChanged", sum, err, path)
	}
}

// TestGrownWhileHashedIsHashedToTheEnd appends to a file once hashing began: the mapping covers
// the size seen at the start, and the rest is read to the end of the file, so the checksum is of
// every byte, as a plain read would give.
func TestGrownWhileHashedIsHashedToTheEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	first, more := pattern(2*bufferSize+5), []byte("appended after the mapping was made")
	writeFile(t, path, first)
	ctx := &onDone{Context: context.Background(), call: 3, do: func() error { return appendTo(path, more) }}

	got, err := FileContext(ctx, path)
	if err != nil || ctx.err != nil {
		t.Fatal(err, ctx.err)
	}
	if want := sumOf(append(first, more...)); got != want {
		t.Fatalf("got %s, want %s (the grown file)", got, want)
	}
}

// onDone is a context that runs do on the call-th call of Done: a deterministic point inside
// hashing, since checksum checks the context before opening a file and before every chunk.
type onDone struct {
	context.Context
	call, calls int
	do          func() error
	err         error
}

func (c *onDone) Done() <-chan struct{} {
	c.calls++
	if c.calls == c.call {
		c.err = c.do()
	}
	return c.Context.Done()
}

func appendTo(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sumOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
