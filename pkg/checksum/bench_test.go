package checksum

import (
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"
)

// benchBytes and benchFiles shape the speed goal: a directory of several files, 256 MiB in all.
const (
	benchBytes = 256 << 20
	benchFiles = 8
)

// BenchmarkDir256MiB hashes a directory of benchFiles files totalling 256 MiB (files written
// once, then served from the page cache). Compare its MB/s with BenchmarkSHA256Memory256MiB:
// the goal is at least 0.9x.
func BenchmarkDir256MiB(b *testing.B) {
	root := b.TempDir()
	size := benchBytes / benchFiles
	for i := range benchFiles {
		writeFile(b, filepath.Join(root, fmt.Sprintf("part-%02d.bin", i)), pattern(size))
	}
	b.SetBytes(benchBytes)
	for b.Loop() {
		if _, err := Dir(root); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA256Memory256MiB is the baseline: crypto/sha256 over 256 MiB already in memory.
func BenchmarkSHA256Memory256MiB(b *testing.B) {
	data := pattern(benchBytes)
	b.SetBytes(benchBytes)
	for b.Loop() {
		sha256.Sum256(data)
	}
}
