package progress

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// JSONLines writes each new version of the run record as one JSON line: for machines.
type JSONLines struct {
	W    io.Writer
	last string
}

// Changed writes the run record when it changed since the last line.
func (j *JSONLines) Changed(m *Model, _ []Change) { j.write(m) }

// Tick writes the run record when its counts moved.
func (j *JSONLines) Tick(m *Model) { j.write(m) }

func (j *JSONLines) write(m *Model) {
	if m.Run == nil {
		return
	}
	data, err := json.Marshal(m.Run)
	if err != nil || string(data) == j.last {
		return
	}
	j.last = string(data)
	fmt.Fprintf(j.W, "%s\n", data)
}

// Summary writes what a run came to: its state, its operations, its bytes, where its backup
// is, and for a run that did not complete, which operations failed and what to do next.
func Summary(w io.Writer, m *Model) {
	if m.Run == nil {
		fmt.Fprintf(w, "run %s: no run record\n", m.RunID)
		return
	}
	r := m.Run
	var b strings.Builder
	fmt.Fprintf(&b, "run %s %s after %s: %d/%d operations done", r.RunID, r.State,
		FormatDuration(m.Elapsed(time.Now())), r.Counts.Completed+r.Counts.Skipped, r.Counts.Total)
	if m.Plan != nil {
		fmt.Fprintf(&b, ", %d canisters", len(m.Plan.Targets))
	}
	if done, _ := m.DownloadedBytes(); done > 0 {
		fmt.Fprintf(&b, ", %s downloaded", FormatBytes(done))
	}
	if m.Restore() && r.BackupID != "" {
		fmt.Fprintf(&b, " (restore of backup %s)", r.BackupID)
	}
	b.WriteString("\n")
	if r.Error != nil {
		fmt.Fprintf(&b, "  error: %s\n", *r.Error)
	}
	for _, op := range m.FailedOps() {
		fmt.Fprintf(&b, "  failed: %s: %s\n", op.OperationID, strings.Join(op.BlockingReasons, "; "))
	}
	if c := r.Containment; c != nil {
		switch {
		case c.State == runs.ContainDone:
			b.WriteString("  containment: every canister this run stopped was started again\n")
		case c.Error != nil:
			fmt.Fprintf(&b, "  containment %s: %s\n", c.State, *c.Error)
		default:
			fmt.Fprintf(&b, "  containment %s\n", c.State)
		}
	}
	if r.RestartRequired {
		b.WriteString("  restart required: canisters this run stopped may not be running yet\n")
	}
	if m.Restore() {
		writeRestoreNext(&b, r)
	} else {
		writeNext(&b, r)
	}
	io.WriteString(w, b.String())
}

func writeNext(b *strings.Builder, r *runs.Record) {
	switch r.State {
	case runs.Completed:
		if r.BackupDir != nil {
			fmt.Fprintf(b, "backup directory: %s\n", *r.BackupDir)
		}
		if r.ManifestPath != nil {
			fmt.Fprintf(b, "manifest: %s\n", *r.ManifestPath)
		}
	case runs.Failed:
		fmt.Fprintf(b, "  retry the failed operations: fleetbackup retry %s\n", r.RunID)
	}
}
