package layout

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzResolveArtifactPath: artifact paths come from files on disk. Never panic; an accepted path
// stays lexically inside the backup directory.
func FuzzResolveArtifactPath(f *testing.F) {
	for _, seed := range []string{"artifacts/root", "./a", "../a", "/etc", "a/../../b", "a/./b", "", ".", "a\\..\\b", "..."} {
		f.Add(seed)
	}
	const dir = "/backup/run"
	f.Fuzz(func(t *testing.T, artifactPath string) {
		got, err := ResolveArtifactPath(dir, artifactPath)
		if err != nil {
			return
		}
		rel, err := filepath.Rel(dir, got)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			t.Fatalf("%q resolved to %q, outside %s", artifactPath, got, dir)
		}
	})
}
