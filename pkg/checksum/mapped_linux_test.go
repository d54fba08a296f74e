package checksum

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

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
	if want := Bytes(append(first, more...)); got != want {
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
