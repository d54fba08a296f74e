package schedule

import (
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// State is `<prefix>_schedules/<name>`: what the firings of one schedule did. The planner
// changes it by compare-and-swap, once per firing, before it opens the firing's run; it is
// what `fleetbackup schedule list` shows as last run and skips.
type State struct {
	Name string `json:"name"`
	// LastRunID is the run of the last firing that ran (its run record may be missing for a
	// moment: the firing claims the schedule, then opens its run).
	LastRunID   string `json:"last_run_id,omitempty"`
	LastFiredAt string `json:"last_fired_at,omitempty"`
	// Fired counts the firings that ran; Skipped those skipped.
	Fired    int   `json:"fired"`
	Skipped  int   `json:"skipped"`
	LastSkip *Skip `json:"last_skip,omitempty"`
}

// Skip is the last skipped firing of a schedule.
type Skip struct {
	RunID  string `json:"run_id"` // the run id the firing would have had; no run has it
	At     string `json:"at"`
	Reason string `json:"reason"`
}

// Verdict is what a firing does.
type Verdict int

// The verdicts of Decide.
const (
	// Run: open the firing's run (the schedule is claimed for it, or was by an earlier copy).
	Run Verdict = iota
	// SkipIt: record the firing as skipped and do nothing else.
	SkipIt
	// Done: an earlier copy of this firing was skipped already; nothing to do.
	Done
)

// Active reports whether a run still keeps its schedule busy: it is not terminal, or it is
// restarting canisters it stopped (containment pending).
func Active(r runs.Record) bool {
	return !r.State.Terminal() || r.ContainmentPending()
}

// ClaimGrace is how long a firing that claimed its schedule may take to open its run: while
// the run record is missing and the claim is younger, the run counts as active (being opened).
// The planner opens the run right after the claim; only a planner that crashed in between
// leaves the gap, until the firing's message is delivered again (after the ack wait). After
// the grace a missing run no longer blocks the schedule (its message was given up).
const ClaimGrace = 10 * time.Minute

// Decide is the overlap policy for the firing whose run id is runID, at now, given the
// schedule's state and the record of its last run (nil when that run does not exist). A firing
// while the last run is active is skipped; so is a late copy of a firing older than the last
// run. The reason of a skip is for the operator.
func Decide(st State, runID string, last *runs.Record, now time.Time) (Verdict, string) {
	switch {
	case st.LastRunID == runID:
		return Run, ""
	case st.LastSkip != nil && st.LastSkip.RunID == runID:
		return Done, ""
	case st.LastRunID != "" && runID < st.LastRunID:
		return SkipIt, fmt.Sprintf("skipped: a later firing of schedule %s ran already (run %s)", st.Name, st.LastRunID)
	case last == nil && st.LastRunID != "" && st.claimedWithin(now, ClaimGrace):
		return SkipIt, fmt.Sprintf("skipped: run %s of schedule %s is still running (being opened)", st.LastRunID, st.Name)
	case last != nil && Active(*last):
		state := string(last.State)
		if last.State.Terminal() {
			state += ", restarting its canisters"
		}
		return SkipIt, fmt.Sprintf("skipped: run %s of schedule %s is still running (%s)", last.RunID, st.Name, state)
	}
	return Run, ""
}

// claimedWithin reports whether the last firing claimed the schedule less than d before now
// (an unreadable time counts as recent).
func (st State) claimedWithin(now time.Time, d time.Duration) bool {
	at, err := time.Parse(time.RFC3339Nano, st.LastFiredAt)
	return err != nil || now.Sub(at) < d
}

// Fire records that the firing runID runs, at now (RFC 3339).
func (st *State) Fire(runID, now string) {
	st.LastRunID, st.LastFiredAt = runID, now
	st.Fired++
}

// Skip records that the firing runID was skipped, at now, for reason.
func (st *State) Skip(runID, reason, now string) {
	st.Skipped++
	st.LastSkip = &Skip{RunID: runID, At: now, Reason: reason}
}
