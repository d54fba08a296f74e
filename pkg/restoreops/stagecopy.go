package restoreops

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// stageCopy copies the artifact at src (a directory of regular files, or one regular file) to
// dst, which must not exist. Anything else inside (a symlink, a device, a socket) is refused:
// the bytes checked must be the bytes uploaded.
func stageCopy(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.Mkdir(out, 0o700)
		case d.Type().IsRegular():
			return copyFile(path, out)
		}
		return fmt.Errorf("%s is not a regular file or directory", path)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
