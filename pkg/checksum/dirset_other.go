//go:build !unix

package checksum

import (
	"io/fs"
	"os"
)

// dirSet remembers directories where no device and inode are exposed, comparing with os.SameFile.
type dirSet struct{ infos *[]fs.FileInfo }

func newDirSet() dirSet { return dirSet{infos: new([]fs.FileInfo)} }

// add records info's directory and reports whether it was not already present.
func (s dirSet) add(info fs.FileInfo) bool {
	for _, seen := range *s.infos {
		if os.SameFile(seen, info) {
			return false
		}
	}
	*s.infos = append(*s.infos, info)
	return true
}

func (s dirSet) remove(info fs.FileInfo) {
	list := *s.infos
	for i := len(list) - 1; i >= 0; i-- {
		if os.SameFile(list[i], info) {
			*s.infos = append(list[:i], list[i+1:]...)
			return
		}
	}
}
