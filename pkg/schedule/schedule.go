// Package schedule is the domain of recurring backups fired by JetStream itself (message
// schedules, ADR-51; docs/schedules.md): a schedule's name, its expression (6-field cron, a
// predefined one such as @daily, or @every) and time zone, the run id of one firing, and the
// per-schedule record of what fired and what was skipped because the previous run was still
// active, and a schedule's prune policy (header Fleetbackup-Prune) with the rule of which
// backups are a schedule's own (Owns). It imports no NATS package: the server fires schedules,
// package bus publishes, lists and deletes them, and the planner's packages schedule/firing,
// schedule/overlap and schedule/prune handle each firing: run it or skip it, prune, admit.
package schedule

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Headers of a schedule definition and of the messages the server generates from it, as
// nats-server (server/stream.go, server/scheduler.go) spells them.
const (
	// HeaderSchedule holds the expression; on a stream with message schedules it makes a
	// message a schedule definition, identified by its subject.
	HeaderSchedule = "Nats-Schedule"
	// HeaderTarget is the subject the server publishes the definition's body to at each firing;
	// it must be a subject of the same stream.
	HeaderTarget = "Nats-Schedule-Target"
	// HeaderTimeZone is the IANA time zone a cron expression is read in (default UTC).
	HeaderTimeZone = "Nats-Schedule-Time-Zone"
	// HeaderScheduler is set by the server on a generated message: the definition's subject.
	HeaderScheduler = "Nats-Scheduler"
	// HeaderNext is set by the server on a generated message: the next firing time (RFC 3339),
	// or "purge" for a one-shot schedule.
	HeaderNext = "Nats-Schedule-Next"
)

// NamePattern is the rule for schedule names: one subject token and one KV key, short enough
// that every run id made from it (RunID) is a valid run id.
var NamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// CheckName refuses a schedule name that is not a safe subject token.
func CheckName(name string) error {
	if !NamePattern.MatchString(name) {
		return fmt.Errorf("invalid schedule name %q: want 1 to 64 letters, digits, '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// runIDTime is the layout of a firing's time in its run id: ISO 8601 basic format, UTC, seconds.
const runIDTime = "20060102T150405Z"

// RunID is the run id of the firing of schedule name at fired: <name>-<UTC time to the second>,
// e.g. nightly-20261130T020000Z. Every delivery of one generated message has the same stream
// timestamp, so its copies make the same run id and the run is de-duplicated as usual.
func RunID(name string, fired time.Time) string {
	return name + "-" + fired.UTC().Format(runIDTime)
}

// ParseRunID splits a run id made by RunID into its schedule name and firing time.
func ParseRunID(runID string) (string, time.Time, bool) {
	i := strings.LastIndexByte(runID, '-')
	if i <= 0 {
		return "", time.Time{}, false
	}
	t, err := time.Parse(runIDTime, runID[i+1:])
	if err != nil || CheckName(runID[:i]) != nil {
		return "", time.Time{}, false
	}
	return runID[:i], t, true
}
