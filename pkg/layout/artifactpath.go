package layout

import (
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
// the real backup directory: a relative path can still leave the backup through a symlink.
func checkContained(dir, resolved, artifactPath string) error {
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	realPath, err := filepath.EvalSymlinks(resolved)
	if err != nil {
		return &Error{Err: ErrMissingArtifact, Path: resolved, Cause: err}
	}
	rel, err := filepath.Rel(realDir, realPath)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(os.PathSeparator)) {
		return &Error{Err: ErrArtifactPathEscapesBackup, Path: artifactPath}
	}
	return nil
}
