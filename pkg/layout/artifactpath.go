package layout

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ResolveArtifactPath joins a journal or manifest artifact path to the backup directory. The
// path must be relative and made only of normal components (and `.`): absolute paths and `..`
// are refused with ErrArtifactPathEscapesBackup, as in the reference.
func ResolveArtifactPath(dir, artifactPath string) (string, error) {
	if filepath.IsAbs(artifactPath) || strings.HasPrefix(artifactPath, "/") {
		return "", &Error{Err: ErrArtifactPathEscapesBackup, Path: artifactPath}
	}
	for _, part := range strings.Split(filepath.ToSlash(artifactPath), "/") {
		if part == ".." {
			return "", &Error{Err: ErrArtifactPathEscapesBackup, Path: artifactPath}
		}
	}
	return filepath.Join(dir, artifactPath), nil
}

// checkContained refuses an existing artifact whose real location (symlinks resolved) is outside
// the real backup directory: a relative path can still leave the backup through a symlink. So
// can a symlink below a directory artifact, which hashing would follow: every one met on the
// way the hash walks (into linked directories too) must stay inside. Resolving a link opens
// nothing.
func checkContained(dir, resolved, artifactPath string) error {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	realPath, err := filepath.EvalSymlinks(resolved)
	if err != nil {
		return &Error{Err: ErrMissingArtifact, Path: resolved, Cause: err}
	}
	if !inside(realDir, realPath) {
		return &Error{Err: ErrArtifactPathEscapesBackup, Path: artifactPath}
	}
	if link, ok := linkOut(realDir, realPath, map[string]bool{realPath: true}); !ok {
		return &Error{Err: ErrArtifactPathEscapesBackup, Path: artifactPath,
			Cause: fmt.Errorf("symlink %s leads outside the backup directory", link)}
	}
	return nil
}

// linkOut walks the directory tree at real (a resolved path) without following links, resolves
// every symlink and descends into the directories they name once each. It returns false and the
// first link whose target is outside realDir.
func linkOut(realDir, real string, seen map[string]bool) (string, bool) {
	out := ""
	_ = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return nil // unreadable entries fail the hash itself
		}
		target, err := filepath.EvalSymlinks(p)
		switch {
		case err != nil:
			return nil // a broken link: the hash skips it
		case !inside(realDir, target):
			out = p
			return filepath.SkipAll
		case !seen[target]:
			seen[target] = true
			if link, ok := linkOut(realDir, target, seen); !ok {
				out = link
				return filepath.SkipAll
			}
		}
		return nil
	})
	return out, out == ""
}

// inside reports whether path is realDir or below it (both resolved).
func inside(realDir, path string) bool {
	rel, err := filepath.Rel(realDir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(os.PathSeparator))
}
