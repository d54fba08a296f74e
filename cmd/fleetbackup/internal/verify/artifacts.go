package verify

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// expected is one artifact to find on disk, with the checksum a document recorded for it.
type expected struct {
	canister, snapshot, path string
	checksum                 *string
	source                   string // the document the checksum comes from
}

// toCheck lists the artifacts to recompute: the download journal's, or the manifest's when the
// download journal is unreadable.
func (c *checker) toCheck() []expected {
	var out []expected
	switch {
	case c.download != nil:
		for _, e := range c.download.Artifacts {
			out = append(out, expected{e.CanisterID, e.SnapshotID, e.ArtifactPath, e.Checksum, layout.DownloadJournalFile})
		}
	case c.manifest != nil:
		for _, m := range c.manifest.Fleet.Members {
			s := m.SourceSnapshot
			out = append(out, expected{m.CanisterID, s.SnapshotID, s.ArtifactPath, s.Checksum, layout.ManifestFile})
		}
	}
	return out
}

// checkArtifacts recomputes every artifact's checksum from disk and compares it with the
// recorded one.
func (c *checker) checkArtifacts() {
	for _, want := range c.toCheck() {
		a := Artifact{CanisterID: want.canister, SnapshotID: want.snapshot, ArtifactPath: want.path}
		a.Checksum, a.Bytes, a.Verified = c.checkArtifact(want)
		c.r.Artifacts = append(c.r.Artifacts, a)
	}
}

func (c *checker) checkArtifact(want expected) (string, int64, bool) {
	path, isDir, err := plainArtifact(c.dir, want.path)
	name := displayName(want.path, isDir)
	switch {
	case errors.Is(err, ErrUnsafeFile):
		c.problem(name, err, "artifact of canister %s: %v", want.canister, err)
		return "", 0, false
	case errors.Is(err, layout.ErrArtifactPathEscapesBackup):
		c.problem(want.path, err, "artifact path of canister %s escapes the backup directory", want.canister)
		return "", 0, false
	case err != nil:
		c.problem(name, errors.Join(layout.ErrMissingArtifact, err),
			"artifact of canister %s is missing (%s names it)", want.canister, want.source)
		return "", 0, false
	}
	sum, err := checksum.Path(path)
	if err != nil {
		c.problem(name, err, "cannot read the artifact of canister %s: %v", want.canister, err)
		return "", 0, false
	}
	if want.checksum == nil {
		return sum, sizeOf(path), false
	}
	if err := checksum.Verify(checksum.Algorithm, *want.checksum, sum); err != nil {
		c.problem(name, err, "checksum mismatch for canister %s: %s records %s, the files hash to %s",
			want.canister, want.source, *want.checksum, sum)
		return sum, sizeOf(path), false
	}
	return sum, sizeOf(path), true
}

func displayName(path string, dir bool) string {
	path = filepath.ToSlash(filepath.Clean(path))
	if dir {
		return path + "/"
	}
	return path
}

// sizeOf sums the regular files under path.
func sizeOf(path string) int64 {
	var n int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// checkStrays warns about what the backup directory holds beyond its documents and artifacts:
// leftover download directories and temporary files, unknown directories.
func (c *checker) checkStrays() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	known := map[string]bool{}
	for _, want := range c.toCheck() {
		known[strings.SplitN(filepath.ToSlash(filepath.Clean(want.path)), "/", 2)[0]] = true
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasSuffix(name, ".tmp"):
			c.warning(displayName(name, e.IsDir()), "leftover of an interrupted download or write")
		case e.IsDir() && !known[name]:
			c.warning(name+"/", "directory named by no document of the backup")
		}
	}
}
