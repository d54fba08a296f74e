// Package checksum computes the artifact checksums of DOMAIN §6: SHA-256 of a file's bytes, or of a
// directory's sorted file list, in lower-case hex.
//
// Files are hashed from read-only memory mappings where the system has them (Linux), window by
// window, else streamed through large buffers; they are never loaded whole. A directory's files
// are hashed concurrently (at most GOMAXPROCS at a time) so that hashing, not reading, bounds the
// speed.
//
// The Context variants (FileContext, DirContext, PathContext) stop once their context is done:
// the context is checked before any file is opened, before each directory is read and before each
// buffer is read, so after cancellation at most one in-flight read per worker completes. The error
// then wraps ctx.Err(), so errors.Is(err, context.Canceled) (or context.DeadlineExceeded) holds.
// A read that is itself blocked (a stalled network file system) is not interrupted.
package checksum

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"io/fs"
	"os"
	"sync"
)

// Algorithm is the only checksum algorithm, as it is spelled in journals and manifests.
const Algorithm = "sha256"

// EmptyHash is the checksum of empty input, and so of an empty directory.
const EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// HexLen is the length of a checksum text.
const HexLen = 2 * sha256.Size

// bufferSize is the read size per file: large enough that syscalls are a small share of the work.
const bufferSize = 1 << 20

// errInvalidRead reports a Reader that returned an impossible count, as io.Copy does.
var errInvalidRead = errors.New("invalid read count")

var buffers = sync.Pool{New: func() any { b := make([]byte, bufferSize); return &b }}

// Bytes returns the checksum of b.
func Bytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Reader returns the checksum of everything read from r until EOF.
func Reader(r io.Reader) (string, error) {
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	return readerWith(context.Background(), r, *buf)
}

// File returns the checksum of the file at path (symlinks followed), streamed.
// It is FileContext without cancellation.
func File(path string) (string, error) {
	return FileContext(context.Background(), path)
}

// FileContext returns the checksum of the file at path (symlinks followed), streamed. It stops
// before opening the file, and between buffers, once ctx is done, with an error wrapping ctx.Err().
func FileContext(ctx context.Context, path string) (string, error) {
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	return fileWith(ctx, path, *buf)
}

// Path returns the checksum of path: Dir when path is a directory (following symlinks), else File.
// It is PathContext without cancellation.
func Path(path string) (string, error) {
	return PathContext(context.Background(), path)
}

// PathContext returns the checksum of path: DirContext when path is a directory (following
// symlinks), else FileContext. Once ctx is done it stops with an error wrapping ctx.Err().
func PathContext(ctx context.Context, path string) (string, error) {
	return PathWorkers(ctx, path, 0)
}

// PathWorkers is PathContext hashing at most workers files of a directory at once; zero or
// less means GOMAXPROCS.
func PathWorkers(ctx context.Context, path string, workers int) (string, error) {
	if err := done(ctx); err != nil {
		return "", &fs.PathError{Op: "checksum", Path: path, Err: err}
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if info.IsDir() {
		return dirWith(ctx, path, workers)
	}
	return FileContext(ctx, path)
}

// Verify checks that algorithm is sha256 and that actual equals expected exactly (case-sensitive).
func Verify(algorithm, expected, actual string) error {
	if algorithm != Algorithm {
		return &UnsupportedAlgorithmError{Algorithm: algorithm}
	}
	if expected != actual {
		return &MismatchError{Expected: expected, Actual: actual}
	}
	return nil
}

// ValidHex reports whether s is a checksum text: exactly 64 ASCII hex digits (upper case accepted,
// as DOMAIN §0 says validators do).
func ValidHex(s string) bool {
	if len(s) != HexLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// done returns ctx.Err() once ctx is done, else nil, without blocking. It runs once per buffer, so
// it must stay cheap: a non-blocking receive (context.Background's nil channel never fires).
func done(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}

// fileWith hashes the file at path through buf. A done ctx is reported as a *fs.PathError
// wrapping ctx.Err(), whether it is seen before the open or between reads.
func fileWith(ctx context.Context, path string, buf []byte) (string, error) {
	if err := done(ctx); err != nil {
		return "", &fs.PathError{Op: "checksum", Path: path, Err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum, err := openFileSum(ctx, f, buf)
	if err != nil && (errors.Is(err, ctx.Err()) || errors.Is(err, ErrFileChanged)) { // errors.Is(err, nil) is false
		err = &fs.PathError{Op: "checksum", Path: path, Err: err}
	}
	return sum, err
}

// openFileSum hashes the open file f: memory-mapped where the system allows it (mapInto), the
// rest (or all of it) read through buf until EOF.
func openFileSum(ctx context.Context, f *os.File, buf []byte) (string, error) {
	h := sha256.New()
	mapped, err := mapInto(ctx, h, f)
	if err == nil && mapped > 0 {
		_, err = f.Seek(mapped, io.SeekStart)
	}
	if err == nil {
		err = copyInto(ctx, h, f, buf)
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readerWith hashes r through buf. It reads by hand rather than with io.CopyBuffer, which would
// hand an *os.File to its own WriteTo and its small internal buffer.
func readerWith(ctx context.Context, r io.Reader, buf []byte) (string, error) {
	h := sha256.New()
	if err := copyInto(ctx, h, r, buf); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// copyInto feeds r into h through buf until EOF. ctx is checked before every read, so once it is
// done no further read starts and ctx.Err() is returned as is.
func copyInto(ctx context.Context, h hash.Hash, r io.Reader, buf []byte) error {
	for {
		if err := done(ctx); err != nil {
			return err
		}
		n, err := r.Read(buf)
		if n < 0 || n > len(buf) {
			return errInvalidRead
		}
		h.Write(buf[:n])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
