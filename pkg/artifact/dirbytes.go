package artifact

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
)

// Files of an artifact directory that are not snapshot data: a download's own progress file,
// and the metadata whose total_size_bytes gives the expected size.
const (
	DownloadProgressFile = ".download_progress.json"
	MetadataFile         = "metadata.json"
)

// DirBytes sums the snapshot data under dir and reads the expected total from its metadata
// (0 when absent); ok is false when dir is not a readable directory. Symbolic links are not
// followed (WalkDir does not; only regular files count).
func DirBytes(dir string) (bytes, total int64, ok bool) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return 0, 0, false
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch d.Name() {
		case DownloadProgressFile:
			return nil
		case MetadataFile:
			total = metadataTotal(path)
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.Mode().IsRegular() {
			bytes += fi.Size()
		}
		return nil
	})
	return bytes, total, true
}

// metadataTotal reads total_size_bytes from an artifact's metadata.json (0 when absent).
func metadataTotal(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil || len(data) > 1<<20 {
		return 0
	}
	var meta struct {
		TotalSizeBytes int64 `json:"total_size_bytes"`
	}
	if json.Unmarshal(data, &meta) != nil || meta.TotalSizeBytes < 0 {
		return 0
	}
	return meta.TotalSizeBytes
}
