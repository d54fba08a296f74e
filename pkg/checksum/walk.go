package checksum

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
)

// file is one regular file found under a directory: its '/'-separated path relative to the root
// and where to open it.
type file struct {
	rel  string
	path string
}

// walker collects regular files, following symlinks. ancestors holds the identities of the
// directories on the current descent path: a directory met again among its own ancestors is a
// symlink loop and is skipped, while a directory reached twice through unrelated links is walked
// each time, as the reference does. ctx is checked before each directory is read.
type walker struct {
	ctx       context.Context
	files     []file
	ancestors dirSet
}

// collect returns the regular files under root (root itself must be a directory). Once ctx is
// done it stops with a *fs.PathError wrapping ctx.Err().
func collect(ctx context.Context, root string) ([]file, error) {
	if err := done(ctx); err != nil {
		return nil, &fs.PathError{Op: "checksum dir", Path: root, Err: err}
	}
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "checksum dir", Path: root, Err: errNotDirectory}
	}
	w := &walker{ctx: ctx, ancestors: newDirSet()}
	if err := w.dir(root, "", info); err != nil {
		return nil, err
	}
	return w.files, nil
}

func (w *walker) dir(path, rel string, info fs.FileInfo) error {
	if err := done(w.ctx); err != nil {
		return &fs.PathError{Op: "checksum dir", Path: path, Err: err}
	}
	if !w.ancestors.add(info) {
		return nil // symlink loop: this directory is already being walked above us
	}
	defer w.ancestors.remove(info)
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		if err := w.entry(path, rel, entry); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) entry(parent, parentRel string, entry fs.DirEntry) error {
	path := filepath.Join(parent, entry.Name())
	rel := entry.Name()
	if parentRel != "" {
		rel = parentRel + "/" + entry.Name()
	}
	mode := entry.Type()
	switch {
	case mode.IsRegular():
		w.files = append(w.files, file{rel: rel, path: path})
		return nil
	case mode.IsDir():
		info, err := entry.Info()
		if err != nil {
			return err
		}
		return w.dir(path, rel, info)
	case mode&fs.ModeSymlink != 0:
		return w.symlink(path, rel)
	}
	return nil // sockets, pipes, devices: skipped
}

// symlink follows a link: a directory is descended, a regular file included, and a broken link
// (any target that cannot be stat'ed, including a link cycle) or a special file skipped.
func (w *walker) symlink(path, rel string) error {
	info, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if info.IsDir() {
		return w.dir(path, rel, info)
	}
	if info.Mode().IsRegular() {
		w.files = append(w.files, file{rel: rel, path: path})
	}
	return nil
}
