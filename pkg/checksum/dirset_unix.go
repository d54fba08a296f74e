//go:build unix

package checksum

import (
	"io/fs"
	"syscall"
)

// dirID identifies a directory by device and inode.
type dirID struct {
	dev uint64
	ino uint64
}

// dirSet remembers directories by device and inode.
type dirSet map[dirID]struct{}

func newDirSet() dirSet { return dirSet{} }

// add records info's directory and reports whether it was not already present.
// A FileInfo without a Stat_t is never treated as a repeat.
func (s dirSet) add(info fs.FileInfo) bool {
	id, ok := idOf(info)
	if !ok {
		return true
	}
	if _, seen := s[id]; seen {
		return false
	}
	s[id] = struct{}{}
	return true
}

func (s dirSet) remove(info fs.FileInfo) {
	if id, ok := idOf(info); ok {
		delete(s, id)
	}
}

func idOf(info fs.FileInfo) (dirID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return dirID{}, false
	}
	return dirID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
