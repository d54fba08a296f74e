// Package recordgc is record retention: it purges the KV records of finished runs (run record,
// plan, operation, barrier and artifact records) once they are older than a policy's age, so
// that the buckets of an installation that runs every night stay the size of the runs it keeps.
// The backup directories, which hold each run's exported journals and manifest, are not
// touched (`fleetbackup prune` removes those). Pass purges once; Run passes periodically, and
// may run in several planners at once. docs/record-retention.md has the rules.
package recordgc

import (
	"errors"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// DefaultInterval is how often Run passes when the policy does not say.
const DefaultInterval = time.Hour

// MinLoopAge is the shortest age the periodic loop accepts. A purged run's id can be used
// again; an age well past the request stream's duplicate window (10 minutes) and the longest
// redelivery of a message (about 23 minutes) makes sure no late copy of the run's own request
// or messages finds it gone and starts it again. Pass itself takes any age (tests, operators).
const MinLoopAge = time.Hour

// Policy says which runs' records are purged.
type Policy struct {
	// Age: a completed, aborted or rejected run is purged once its record has not changed
	// (updated_at) for this long. Zero keeps them.
	Age time.Duration
	// FailedAge: a failed run is purged once its record has not changed for this long. A
	// failed run may still be retried or resumed, which needs its records. Zero keeps failed
	// runs.
	FailedAge time.Duration
	// Interval is how often Run passes; zero means DefaultInterval.
	Interval time.Duration
}

// Enabled reports whether the policy purges anything.
func (p Policy) Enabled() bool { return p.Age > 0 || p.FailedAge > 0 }

// Validate refuses negative durations.
func (p Policy) Validate() error {
	if p.Age < 0 || p.FailedAge < 0 || p.Interval < 0 {
		return errors.New("record retention: ages and interval must not be negative")
	}
	return nil
}

func (p Policy) interval() time.Duration {
	if p.Interval > 0 {
		return p.Interval
	}
	return DefaultInterval
}

// Why a run is kept (Verdict.Reason).
const (
	KeepNotFinished = "not finished"
	KeepUnsettled   = "not settled (a canister may still be stopped, or containment is under way)"
	KeepLocksHeld   = "its canister locks are not released yet"
	KeepAttention   = "a failed restore waiting for the operator"
	KeepFailed      = "failed, and may still be retried (failed runs are kept)"
	KeepRecent      = "changed within the retention age"
	KeepUndated     = "updated_at is unreadable"
)

// Verdict is the policy's decision on one run: purge it, or keep it for Reason.
type Verdict struct {
	Purge  bool
	Reason string
}

// Decide says whether run r's records are purged at time now. Only a settled run (terminal,
// nothing left stopped, no containment pending) whose canister locks are released is ever
// purged; a failed restore that waits for the operator never is; a failed run only with a
// FailedAge; and only once updated_at is older than the age for its state.
func (p Policy) Decide(r runs.Record, now time.Time) Verdict {
	switch {
	case !r.State.Terminal():
		return Verdict{Reason: KeepNotFinished}
	case !r.Settled():
		return Verdict{Reason: KeepUnsettled}
	case r.LocksHeld:
		return Verdict{Reason: KeepLocksHeld}
	case r.AttentionRequired:
		return Verdict{Reason: KeepAttention}
	}
	age := p.Age
	if r.State == runs.Failed {
		if p.FailedAge <= 0 {
			return Verdict{Reason: KeepFailed}
		}
		age = p.FailedAge
	}
	if age <= 0 {
		return Verdict{Reason: KeepRecent}
	}
	updated, err := time.Parse(time.RFC3339Nano, r.UpdatedAt)
	if err != nil {
		return Verdict{Reason: KeepUndated}
	}
	if now.Sub(updated) < age {
		return Verdict{Reason: KeepRecent}
	}
	return Verdict{Purge: true}
}
