package progress

import (
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Phases tallies the operations by phase; totals come from the plan when it is known.
func (m *Model) Phases() [numPhases]Tally {
	var out [numPhases]Tally
	for _, op := range m.ops {
		tally(&out[PhaseOf(op.Kind)], op.State)
	}
	if m.Plan != nil {
		for i := range out {
			out[i].Total = 0
		}
		for _, ph := range m.Plan.Phases {
			out[PhaseOf(ph.Kind)].Total++
		}
	}
	return out
}

func tally(t *Tally, s journal.State) {
	t.Total++
	switch {
	case s.Done():
		t.Done++
	case s == journal.StatePending:
		t.Pending++
	case s == journal.StateFailed:
		t.Failed++
	}
}

// FailedOps lists the failed operations in sequence order.
func (m *Model) FailedOps() []journal.Operation {
	var out []journal.Operation
	for _, op := range m.ops {
		if op.State == journal.StateFailed {
			out = append(out, op)
		}
	}
	slices.SortFunc(out, func(a, b journal.Operation) int { return a.Sequence - b.Sequence })
	return out
}

// Restore reports whether the run restores a backup: its record's kind, or until the record
// says, whether its plan uploads snapshots.
func (m *Model) Restore() bool {
	if m.Run != nil && m.Run.Kind != "" {
		return m.Run.Kind == runs.KindRestore
	}
	if m.Plan != nil {
		return slices.ContainsFunc(m.Plan.Phases, func(op plan.Operation) bool { return PhaseOf(op.Kind) == PhaseUpload })
	}
	return false
}

// PhaseOrder lists the phases of the run's kind in the order it goes through them.
func (m *Model) PhaseOrder() []Phase {
	if m.Restore() {
		return restorePhases
	}
	return backupPhases
}

// StepOrder lists the steps of the run's kind in the order they happen to a target.
func (m *Model) StepOrder() []Step {
	if m.Restore() {
		return restoreSteps
	}
	return backupSteps
}

// Terminal reports whether the run reached a terminal state.
func (m *Model) Terminal() bool { return m.Run != nil && m.Run.State.Terminal() }

// Settled reports whether the run is terminal and done touching canisters: the restart of an
// aborted or failed run's stopped canisters (containment) is over, and a run that failed in a
// transfer has finished its management phase (DESIGN §6). A failed restore is settled once it
// waits for the operator (attention required: its loads have begun, DESIGN §10), or when it
// left no canister stopped.
func (m *Model) Settled() bool {
	if !m.Terminal() {
		return false
	}
	r := m.Run
	switch {
	case r.Containment != nil:
		return r.Containment.State != runs.ContainPending
	case r.State != runs.Failed:
		return true
	case m.Restore():
		return r.AttentionRequired || !r.RestartRequired
	}
	t := m.Phases()
	for _, ph := range []Phase{PhaseStop, PhaseSnapshot, PhaseStart} {
		if t[ph].Done+t[ph].Failed < t[ph].Total {
			return false
		}
	}
	return !r.RestartRequired
}

// DownloadedBytes sums the measured bytes of every target.
func (m *Model) DownloadedBytes() (done, total int64) {
	for _, t := range m.Targets {
		done += max(t.Bytes, 0)
		total += t.TotalBytes
	}
	return done, total
}

// Elapsed is the run's age: from its creation to its last update once terminal, else to now.
func (m *Model) Elapsed(now time.Time) time.Duration {
	if m.Run == nil {
		return now.Sub(m.Started)
	}
	created, err := time.Parse(time.RFC3339Nano, m.Run.CreatedAt)
	if err != nil {
		return now.Sub(m.Started)
	}
	if m.Terminal() {
		if updated, err := time.Parse(time.RFC3339Nano, m.Run.UpdatedAt); err == nil {
			return updated.Sub(created)
		}
	}
	return now.Sub(created)
}
