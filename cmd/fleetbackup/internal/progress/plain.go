package progress

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// waitHint is how long Plain waits for a run record before saying it is waiting.
const waitHint = 5 * time.Second

// Plain writes one line per change: for output that is not a terminal (a pipe, a log file).
type Plain struct {
	W      io.Writer
	hinted bool
}

// Changed writes a line for each change.
func (p *Plain) Changed(m *Model, changes []Change) {
	var b strings.Builder
	for _, c := range changes {
		b.WriteString(c.At.Format("15:04:05.000") + "  ")
		if c.Kind == ChangeRun {
			b.WriteString(runLine(m, c))
		} else {
			b.WriteString(opLine(c))
		}
		b.WriteByte('\n')
	}
	io.WriteString(p.W, b.String())
}

// Tick says, once, that the run has not appeared yet; otherwise plain output changes only with
// the run.
func (p *Plain) Tick(m *Model) {
	if p.hinted || m.Run != nil || time.Since(m.Started) < waitHint {
		return
	}
	p.hinted = true
	fmt.Fprintf(p.W, "%s  waiting for run %s to appear (is the planner running?)\n", time.Now().Format("15:04:05.000"), m.RunID)
}

func runLine(m *Model, c Change) string {
	line := fmt.Sprintf("%-9s %s  %s", "run", c.Run.RunID, c.Run.State)
	switch {
	case c.Run.Error != nil:
		line += ": " + *c.Run.Error
	case m.Plan != nil && c.Run.Counts.Total > 0:
		line += fmt.Sprintf("  (%d canisters, %d operations)", len(m.Plan.Targets), c.Run.Counts.Total)
	}
	return line
}

func opLine(c Change) string {
	op := c.Op
	phase := PhaseOf(op.Kind)
	var who string
	switch {
	case c.Target != nil:
		who = fmt.Sprintf("%-16s %s", roleOr(c.Target.Role, "-"), c.Target.CanisterID)
	case phase == PhasePreflight:
		who = string(op.Kind)
	default:
		who = op.OperationID
	}
	line := fmt.Sprintf("%-9s %s  %s", phase, who, stateWord(op.State))
	if detail := opDetail(c); detail != "" {
		line += "  " + detail
	}
	return line
}

func stateWord(s journal.State) string {
	switch s {
	case journal.StateCompleted:
		return "done"
	case journal.StatePending:
		return "retrying"
	}
	return string(s)
}

// opDetail is what the operation produced, or why it failed.
func opDetail(c Change) string {
	op := c.Op
	switch {
	case op.State == journal.StateFailed && len(op.BlockingReasons) > 0:
		return op.BlockingReasons[0]
	case op.State == journal.StatePending:
		return fmt.Sprintf("attempt %d", c.Attempt)
	case c.Target == nil || op.State != journal.StateCompleted:
		return ""
	}
	t := c.Target
	if d := restoreDetail(op.Kind, t); d != "" {
		return d
	}
	switch op.Kind {
	case plan.KindCreateSnapshot:
		if t.SnapshotID != "" {
			return "snapshot " + t.SnapshotID
		}
	case plan.KindDownloadSnapshot:
		if t.Bytes >= 0 {
			return FormatBytes(t.Bytes)
		}
	case plan.KindVerifyArtifact:
		if t.Checksum != "" {
			return "sha256 " + shortHash(t.Checksum)
		}
	}
	return ""
}

func roleOr(role, fallback string) string {
	if role == "" {
		return fallback
	}
	return role
}
