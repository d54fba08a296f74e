package progress

import (
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
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
		bytes, total, ok := artifact.DirBytes(dir)
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

// noteProgress takes a download's bytes from its operation record (written by the downloader
// about once a second), so that a watcher on another machine sees them too; a local
// measurement, when there is one, refines them.
func (t *Target) noteProgress(kind plan.OperationKind, p *runstore.Progress) {
	if p == nil || kind != plan.KindDownloadSnapshot || t.bytesFinal {
		return
	}
	t.Bytes = p.Bytes
	if p.Total > 0 {
		t.TotalBytes = p.Total
	}
}
