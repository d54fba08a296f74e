package progress

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Files of an artifact directory that are not snapshot data: the download's own progress
// file, and the metadata whose total_size_bytes gives the expected size.
const (
	progressFile = ".download_progress.json"
	metadataFile = "metadata.json"
)

// measurer reads downloaded bytes from a backup root on this machine: the run's
// <seg>.tmp/ while a download runs, <seg>/ once the finalizer promoted it.
type measurer struct {
	runDir string // "" when the backup root is not known here
}

// measure updates the bytes of every target whose download runs or just finished, and reports
// whether anything changed.
func (ms measurer) measure(m *Model) bool {
	if ms.runDir == "" {
		return false
	}
	changed := false
	for _, t := range m.Targets {
		state := t.Steps[StepDownload]
		if t.bytesFinal || (state != journal.StatePending && !state.Done()) {
			continue
		}
		changed = ms.measureTarget(t) || changed
		t.bytesFinal = state.Done() && t.Bytes >= 0
	}
	return changed
}

// measureFinal measures every target whose download completed, wherever its directory is now.
func (ms measurer) measureFinal(m *Model) {
	for _, t := range m.Targets {
		if ms.runDir != "" && t.Steps[StepDownload].Done() {
			ms.measureTarget(t)
		}
	}
}

func (ms measurer) measureTarget(t *Target) bool {
	seg := plan.Seg(t.CanisterID)
	for _, dir := range []string{filepath.Join(ms.runDir, seg+".tmp"), filepath.Join(ms.runDir, seg)} {
		bytes, total, ok := dirBytes(dir)
		if !ok {
			continue
		}
		changed := bytes != t.Bytes || (total > 0 && total != t.TotalBytes)
		t.Bytes = bytes
		if total > 0 {
			t.TotalBytes = total
		}
		return changed
	}
	return false
}

// dirBytes sums the snapshot data under dir and reads the expected total from its metadata.
func dirBytes(dir string) (bytes, total int64, ok bool) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return 0, 0, false
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch d.Name() {
		case progressFile:
			return nil
		case metadataFile:
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
