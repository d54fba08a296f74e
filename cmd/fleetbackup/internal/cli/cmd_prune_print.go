package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
)

// pruneReport is what prune prints: its plan and, unless a dry run, what it removed.
type pruneReport struct {
	BackupRoot string `json:"backup_root"`
	DryRun     bool   `json:"dry_run"`
	*retention.Plan
	Removed []retention.Outcome `json:"removed"`
}

// printPrune writes the decisions as a table, newest first, then the ignored entries and a
// summary line.
func printPrune(w io.Writer, r *pruneReport) {
	var b strings.Builder
	fmt.Fprintf(&b, "prune %s: keep %s (days, ISO weeks and months in %s)\n", r.BackupRoot, r.Policy, r.TimeZone)
	if len(r.Decisions) == 0 {
		b.WriteString("no backup directories\n")
	} else {
		t := newTable("ACTION", "RUN", "TIME", "FROM", "REASONS")
		for _, d := range r.Decisions {
			action := "keep"
			if d.Remove {
				action = "remove"
			}
			t.row(action, d.ID, d.Time.UTC().Format(time.DateTime)+"Z", string(d.TimeSource), strings.Join(d.Reasons, ", "))
		}
		b.WriteString(t.String())
	}
	if len(r.Ignored) > 0 {
		b.WriteString("\nignored (not backup directories, left alone):\n")
		t := newTable("NAME", "REASON")
		for _, ig := range r.Ignored {
			t.row(ig.Name, ig.Reason)
		}
		for line := range strings.SplitSeq(strings.TrimSuffix(t.String(), "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	b.WriteString("\n" + pruneSummary(r) + "\n")
	io.WriteString(w, b.String())
}

// pruneSummary is the last line: what was (or would be) removed and kept.
func pruneSummary(r *pruneReport) string {
	planned := len(r.Removals())
	kept := len(r.Decisions) - planned
	if r.DryRun {
		return fmt.Sprintf("dry run: %d backup directories would be removed, %d kept; nothing was removed", planned, kept)
	}
	removed := 0
	var failed []string
	for _, o := range r.Removed {
		if o.Removed {
			removed++
		} else {
			failed = append(failed, o.Error)
		}
	}
	s := fmt.Sprintf("removed %d backup directories, kept %d", removed, kept)
	if len(failed) > 0 {
		s += fmt.Sprintf("; %d not removed:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	return s
}
