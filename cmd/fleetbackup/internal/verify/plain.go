package verify

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// unsafeError is ErrUnsafeFile naming what was found; in an artifact it matches
// layout.ErrArtifactPathEscapesBackup too when a symlink leads outside the backup directory.
type unsafeError struct {
	rel      string // relative to the backup directory
	what     string
	outside  bool
	artifact bool
}

func (e *unsafeError) Error() string {
	if e.outside {
		return fmt.Sprintf("%s is %s leading outside the backup directory: not followed", e.rel, e.what)
	}
	return fmt.Sprintf("%s is %s: not followed or opened", e.rel, e.what)
}

func (e *unsafeError) Unwrap() []error {
	if e.outside && e.artifact {
		return []error{ErrUnsafeFile, layout.ErrArtifactPathEscapesBackup}
	}
	return []error{ErrUnsafeFile}
}

// unsafeFile describes path (under dir) as a symbolic link or a special file; whether a link
// leads outside dir is found by resolving it, which reads no file.
func unsafeFile(dir, path string, mode fs.FileMode, artifact bool) error {
	rel, _ := filepath.Rel(dir, path)
	e := &unsafeError{rel: filepath.ToSlash(rel), what: "a special file (" + mode.Type().String() + ")", artifact: artifact}
	if mode&fs.ModeSymlink != 0 {
		e.what = "a symbolic link"
		realDir, err1 := filepath.EvalSymlinks(dir)
		target, err2 := filepath.EvalSymlinks(path)
		inside, err3 := filepath.Rel(realDir, target)
		e.outside = err1 != nil || err2 != nil || err3 != nil || inside == ".." ||
			strings.HasPrefix(inside, ".."+string(filepath.Separator))
	}
	return e
}

// plainArtifact resolves an artifact path under dir without following a symlink, as restore
// admission does (pkg/restore/artifacts.go): the path is relative without `..` and names
// something below dir, every component exists and is no symlink, and the artifact and everything
// below it are regular files and directories. It returns the path and whether it is a directory;
// an error matches layout.ErrArtifactPathEscapesBackup, layout.ErrMissingArtifact or
// ErrUnsafeFile.
func plainArtifact(dir, artifactPath string) (string, bool, error) {
	if _, err := layout.ResolveArtifactPath(dir, artifactPath); err != nil {
		return "", false, err
	}
	path, normal := dir, 0
	var info fs.FileInfo
	for _, part := range strings.Split(filepath.ToSlash(artifactPath), "/") {
		if part == "" || part == "." {
			continue
		}
		normal++
		path = filepath.Join(path, part)
		var err error
		if info, err = os.Lstat(path); err != nil {
			return "", true, errors.Join(layout.ErrMissingArtifact, err)
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return "", false, unsafeFile(dir, path, info.Mode(), true)
		}
	}
	if normal == 0 {
		return "", false, &layout.Error{Err: layout.ErrArtifactPathEscapesBackup, Path: artifactPath}
	}
	return path, info.IsDir(), plainTree(dir, path)
}

// plainTree requires path and everything below it to be regular files and directories.
func plainTree(dir, path string) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case !d.Type().IsRegular() && !d.IsDir():
			return unsafeFile(dir, p, d.Type(), true)
		}
		return nil
	})
}

// plainDocument reports whether the document file of the backup directory may be read: a
// missing one is left to its reader, which names it; a symbolic link or a special file is a
// problem and is neither followed nor opened.
func (c *checker) plainDocument(file string) bool {
	info, err := os.Lstat(filepath.Join(c.dir, file))
	if err != nil || info.Mode().IsRegular() {
		return true
	}
	err = unsafeFile(c.dir, filepath.Join(c.dir, file), info.Mode(), false)
	c.problem(file, err, "%v", err)
	return false
}
