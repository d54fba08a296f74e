package checksum

import (
	"slices"
	"strings"
	"testing"
)

// FuzzComparePaths checks the byte-wise shortcut against the definition: comparing the lists of
// '/'-separated components lexicographically.
func FuzzComparePaths(f *testing.F) {
	f.Add("a/b", "a-b/x")
	f.Add("a-b/x", "a.txt")
	f.Add("dir/f", "dir.x/f")
	f.Add("a", "a/b")
	f.Add("x\x01/y", "x/y")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !validRel(a) || !validRel(b) {
			return
		}
		want := slices.Compare(strings.Split(a, "/"), strings.Split(b, "/"))
		if got := comparePaths(a, b); got != want {
			t.Fatalf("comparePaths(%q, %q) = %d, component-wise = %d", a, b, got, want)
		}
	})
}

// validRel reports whether s could be a relative path Dir produces: non-empty components, no NUL.
func validRel(s string) bool {
	if strings.ContainsRune(s, 0) {
		return false
	}
	return !slices.Contains(strings.Split(s, "/"), "")
}
