package progress

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
)

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// Column widths of the canister table.
const (
	colRole     = 18
	colStep     = 6
	colDownload = 20
	colVerify   = 8
	barWidth    = 20
	cellBar     = 8
)

// Frame renders the model as lines no wider than width and, cutting the canister table, no
// more than height-1 lines: header, one bar per phase, one row per canister.
func Frame(m *Model, width, height, spin int, now time.Time) []string {
	lines := header(m, now)
	lines = append(lines, "")
	lines = append(lines, phaseLines(m, spin)...)
	room := height - 1 - len(lines) - 2 // rows left under a blank line and the table's header
	switch {
	case len(m.Targets) == 0:
	case room >= 2:
		lines = append(lines, "", tableHeader(m.Restore()))
		lines = append(lines, targetRows(m, room, spin)...)
	case room >= -1:
		lines = append(lines, fmt.Sprintf("  %d canisters (a taller terminal shows each)", len(m.Targets)))
	}
	if height > 1 && len(lines) > height-1 {
		lines = lines[:height-1]
	}
	for i, l := range lines {
		lines[i] = cut(l, max(width-1, 10))
	}
	return lines
}

func header(m *Model, now time.Time) []string {
	state := "waiting for the run record"
	if m.Run != nil {
		state = string(m.Run.State)
		if m.Run.RestartRequired {
			state += " (canisters stopped)"
		}
		if m.Run.AttentionRequired {
			state += " (attention required)"
		}
	}
	first := fmt.Sprintf("run %s  %s  %s", m.RunID, state, FormatDuration(m.Elapsed(now)))
	second := "waiting for the plan"
	switch p := m.Plan; {
	case m.Restore():
		second = restoreHeader(m)
	case p != nil:
		second = fmt.Sprintf("fleet %s on %s  %s", p.Fleet, p.Network, p.SelectedScopeKind)
		if sel := selectedRole(m); sel != "" {
			second += " " + sel
		}
		second += fmt.Sprintf("  %d canisters  %d operations", len(p.Targets), len(p.Phases))
	}
	if m.Run != nil && m.Run.Error != nil {
		return []string{first, second, "error: " + *m.Run.Error}
	}
	return []string{first, second}
}

// selectedRole names the plan's selected canister by role when it has one.
func selectedRole(m *Model) string {
	p := m.Plan
	if p.SelectedSubtreeRoot == nil {
		return ""
	}
	if t, ok := p.Target(*p.SelectedSubtreeRoot); ok && t.Role != nil {
		return *t.Role
	}
	return *p.SelectedSubtreeRoot
}

func phaseLines(m *Model, spin int) []string {
	tallies := m.Phases()
	order := m.PhaseOrder()
	out := make([]string, 0, len(order))
	for _, ph := range order {
		t := tallies[ph]
		done, total := int64(t.Done), int64(t.Total)
		if b, bt := m.DownloadedBytes(); ph == PhaseDownload && bt > 0 && t.Done < t.Total {
			done, total = b, bt // the download bar moves with the bytes
		}
		line := fmt.Sprintf("  %-10s %s %3d/%-3d", ph, bar(done, total, barWidth), t.Done, t.Total)
		if t.Pending > 0 {
			line += fmt.Sprintf("  %s %d running", spinner[spin%len(spinner)], t.Pending)
		}
		if t.Failed > 0 {
			line += fmt.Sprintf("  ✗ %d failed", t.Failed)
		}
		if ph == PhaseDownload {
			if done, total := m.DownloadedBytes(); done > 0 || total > 0 {
				line += "  " + bytesOf(done, total)
			}
		}
		out = append(out, line)
	}
	return out
}

func bytesOf(done, total int64) string {
	if total > 0 {
		return FormatBytes(done) + " of " + FormatBytes(total)
	}
	return FormatBytes(done)
}

// tableHeader heads the canister table; the canister id comes last, where a narrow terminal
// cuts it.
func tableHeader(restore bool) string {
	if restore {
		return restoreTableHeader()
	}
	return "  " + pad("role", colRole) + pad("stop", colStep) + pad("snap", colStep) +
		pad("start", colStep) + pad("download", colDownload) + pad("verify", colVerify) + "canister"
}

// targetRows renders at most room rows; when the table is cut, failed and running canisters
// come first and a last row counts the rest.
func targetRows(m *Model, room, spin int) []string {
	targets, steps := m.Targets, m.StepOrder()
	if len(targets) > room {
		targets = slices.Clone(targets)
		slices.SortStableFunc(targets, func(a, b *Target) int { return a.priority(steps) - b.priority(steps) })
		targets = targets[:room-1]
	}
	row := targetRow
	if m.Restore() {
		row = restoreRow
	}
	out := make([]string, 0, len(targets)+1)
	for _, t := range targets {
		out = append(out, row(t, spin))
	}
	if rest := len(m.Targets) - len(targets); rest > 0 {
		out = append(out, fmt.Sprintf("  … and %d more canisters", rest))
	}
	return out
}

// priority orders rows when they do not all fit: failed, running, partly done, untouched, done.
func (t *Target) priority(steps []Step) int {
	done, started := 0, false
	for _, step := range steps {
		switch s := t.Steps[step]; {
		case s == journal.StateFailed:
			return 0
		case s == journal.StatePending:
			return 1
		case s.Done():
			done++
			started = true
		}
	}
	switch {
	case done == len(steps):
		return 4
	case started:
		return 2
	}
	return 3
}

func targetRow(t *Target, spin int) string {
	row := "  " + pad(indentedRole(t), colRole)
	for _, s := range []Step{StepStop, StepSnapshot, StepStart} {
		row += pad(symbol(t.Steps[s], spin), colStep)
	}
	return row + pad(downloadCell(t, spin), colDownload) + pad(symbol(t.Steps[StepVerify], spin), colVerify) + t.CanisterID
}

// indentedRole is the target's role, indented by its depth in the fleet.
func indentedRole(t *Target) string {
	return strings.Repeat(" ", min(t.Depth, 4)*2) + roleOr(t.Role, "-")
}

func symbol(s journal.State, spin int) string {
	switch {
	case s.Done():
		return "✓"
	case s == journal.StatePending:
		return spinner[spin%len(spinner)]
	case s == journal.StateFailed:
		return "✗"
	}
	return "·"
}

func downloadCell(t *Target, spin int) string {
	s := t.Steps[StepDownload]
	switch {
	case s.Done() && t.Bytes >= 0:
		return "✓ " + FormatBytes(t.Bytes)
	case s == journal.StatePending && t.Bytes >= 0 && t.TotalBytes > 0:
		return bar(t.Bytes, t.TotalBytes, cellBar) + " " + FormatBytes(t.Bytes)
	case s == journal.StatePending && t.Bytes >= 0:
		return spinner[spin%len(spinner)] + " " + FormatBytes(t.Bytes)
	}
	return symbol(s, spin)
}
