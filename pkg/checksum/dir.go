package checksum

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
)

var errNotDirectory = errors.New("not a directory")

// Dir returns the checksum of the directory at path (DOMAIN §6): every regular file below it
// (symlinks followed, loops, broken links and special files skipped), sorted component-wise by
// relative path, each fed as `path 0x00 hex(sha256(file)) '\n'` into one SHA-256.
// An empty directory hashes like empty input. It is DirContext without cancellation.
func Dir(path string) (string, error) {
	return DirContext(context.Background(), path)
}

// DirContext returns the checksum of the directory at path, as Dir does. Once ctx is done it
// stops, while walking (before each directory is read) or while hashing (before each file and
// each buffer), with an error wrapping ctx.Err().
func DirContext(ctx context.Context, path string) (string, error) {
	return dirWith(ctx, path, 0)
}

// dirWith is DirContext hashing at most workers files at once (hashAll).
func dirWith(ctx context.Context, path string, workers int) (string, error) {
	files, err := collect(ctx, path)
	if err != nil {
		return "", err
	}
	slices.SortFunc(files, func(a, b file) int { return comparePaths(a.rel, b.rel) })
	sums, err := hashAll(ctx, files, workers)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for i, f := range files {
		io.WriteString(h, f.rel)
		h.Write([]byte{0})
		io.WriteString(h, sums[i])
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// comparePaths orders '/'-separated relative paths component-wise: the lists of components are
// compared lexicographically, each component byte-wise. Because a component never contains '/'
// or NUL, this equals a byte-wise comparison in which '/' sorts below every other byte:
// "a/b" < "a-b/x" < "a.txt" and "dir/f" < "dir.x/f".
func comparePaths(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] == b[i] {
			continue
		}
		switch {
		case a[i] == '/':
			return -1
		case b[i] == '/':
			return 1
		case a[i] < b[i]:
			return -1
		default:
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
