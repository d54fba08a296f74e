package checksum

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// feed computes the expected directory checksum from (relative path, content) pairs in the given
// order, straight from the DOMAIN §6 recipe.
func feed(files ...[2]string) string {
	h := sha256.New()
	for _, f := range files {
		h.Write([]byte(f[0] + "\x00" + hexSum([]byte(f[1])) + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func mustDir(t *testing.T, path string) string {
	t.Helper()
	got, err := Dir(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestEmptyDirectory(t *testing.T) {
	root := t.TempDir()
	if got := mustDir(t, root); got != EmptyHash {
		t.Fatalf("empty dir = %s", got)
	}
	if err := os.MkdirAll(filepath.Join(root, "a", "b", "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := mustDir(t, root); got != EmptyHash {
		t.Fatalf("only empty subdirs = %s", got)
	}
}

// C3: the checksum does not depend on the order in which files were written.
func TestDirIndependentOfCreationOrder(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(first, "a.txt"), []byte("alpha"))
	writeFile(t, filepath.Join(first, "nested", "b.txt"), []byte("beta"))
	writeFile(t, filepath.Join(second, "nested", "b.txt"), []byte("beta"))
	writeFile(t, filepath.Join(second, "a.txt"), []byte("alpha"))
	a, b := mustDir(t, first), mustDir(t, second)
	if a != b {
		t.Fatalf("creation order changed the hash: %s vs %s", a, b)
	}
	if want := feed([2]string{"a.txt", "alpha"}, [2]string{"nested/b.txt", "beta"}); a != want {
		t.Fatalf("Dir = %s, recipe = %s", a, want)
	}
	if viaPath, err := Path(first); err != nil || viaPath != a {
		t.Fatalf("Path(dir) = %s, %v", viaPath, err)
	}
}

func TestComparePathsComponentWise(t *testing.T) {
	sorted := []string{"a/b", "a-b/x", "a.txt", "b", "dir/f", "dir/f/g", "dir.x/f", "dir0", "é"}
	for i := range sorted {
		for j := range sorted {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := comparePaths(sorted[i], sorted[j]); got != want {
				t.Errorf("comparePaths(%q, %q) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
	shuffled := []string{"dir.x/f", "a.txt", "é", "dir/f", "a-b/x", "dir0", "b", "a/b", "dir/f/g"}
	slices.SortFunc(shuffled, comparePaths)
	if !slices.Equal(shuffled, sorted) {
		t.Fatalf("sorted = %q", shuffled)
	}
}

// The directory recipe feeds files component-wise, which differs from plain string order.
func TestDirComponentWiseOrder(t *testing.T) {
	root := t.TempDir()
	files := [][2]string{
		{"a/b", "1"}, {"a-b/x", "2"}, {"a.txt", "3"}, {"dir/f", "4"}, {"dir.x/f", "5"},
	}
	for _, f := range files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(f[0])), []byte(f[1]))
	}
	got := mustDir(t, root)
	if want := feed(files...); got != want {
		t.Fatalf("Dir = %s, component-wise recipe = %s", got, want)
	}
	stringOrder := [][2]string{files[1], files[2], files[0], files[4], files[3]}
	if got == feed(stringOrder...) {
		t.Fatal("Dir matches plain string order; expected component-wise order")
	}
}

func TestDirManyFilesConcurrently(t *testing.T) {
	root := t.TempDir()
	var files [][2]string
	for i := range 97 {
		name := filepath.Join("d"+string(rune('a'+i%5)), "f"+string(rune('a'+i/5)))
		content := string(pattern(i * 1013))
		writeFile(t, filepath.Join(root, name), []byte(content))
		files = append(files, [2]string{filepath.ToSlash(name), content})
	}
	slices.SortFunc(files, func(a, b [2]string) int { return comparePaths(a[0], b[0]) })
	want := feed(files...)
	if got := mustDir(t, root); got != want {
		t.Fatalf("Dir = %s, recipe = %s", got, want)
	}
	for _, workers := range []int{1, 2, 64} {
		if got, err := PathWorkers(context.Background(), root, workers); err != nil || got != want {
			t.Fatalf("PathWorkers(%d) = %s, %v; recipe = %s", workers, got, err, want)
		}
	}
}

func TestHashAllStopsOnError(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	writeFile(t, good, []byte("x"))
	files := []file{{rel: "good", path: good}, {rel: "gone", path: filepath.Join(dir, "gone")}}
	for range 20 {
		files = append(files, file{rel: "good", path: good})
	}
	if _, err := hashAll(context.Background(), files, 0); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("hashAll = %v, want not-exist", err)
	}
	sums, err := hashAll(context.Background(), files[:1], 1)
	if err != nil || len(sums) != 1 || sums[0] != Bytes([]byte("x")) {
		t.Fatalf("hashAll(good) = %v, %v", sums, err)
	}
}
