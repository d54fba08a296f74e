package runs

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
)

// Plan records the plan built for a run: planning → preflight. A repeated delivery of the
// same request finds the run in preflight with the same plan id and may go on.
type Plan struct {
	PlanID string
	// Fleet and Network, when set, name the run's fleet and network where the record has none
	// (a restore learns them from the backup).
	Fleet, Network string
}

// Name implements Event.
func (Plan) Name() string { return "plan" }

func (e Plan) apply(r *Record) error {
	if !in(r.State, Planning, Preflight) {
		return refuse(r, e, "the run is past planning")
	}
	if r.PlanID != "" && r.PlanID != e.PlanID {
		return refuse(r, e, fmt.Sprintf("the run has plan %s", r.PlanID))
	}
	r.State, r.PlanID = Preflight, e.PlanID
	if e.Fleet != "" {
		r.Fleet = e.Fleet
	}
	if r.Network == "" {
		r.Network = e.Network
	}
	return nil
}

// Proven records a proven preflight window: while planning (preflight, queued) or, for a
// resume, on a failed run.
type Proven struct{ ValidatedAt, ExpiresAt string }

// Name implements Event.
func (Proven) Name() string { return "preflight-proven" }

func (e Proven) apply(r *Record) error {
	if !in(r.State, Preflight, Queued, Failed) {
		return refuse(r, e, "")
	}
	r.PreflightValidatedAt, r.PreflightExpiresAt = &e.ValidatedAt, &e.ExpiresAt
	return nil
}

// Queue parks a run whose canisters another run holds: preflight → queued.
type Queue struct{ Holder string }

// Name implements Event.
func (Queue) Name() string { return "queue" }

func (e Queue) apply(r *Record) error {
	if !in(r.State, Preflight, Queued) {
		return refuse(r, e, "")
	}
	r.State, r.WaitingFor = Queued, e.Holder
	return nil
}

// LockAttempt opens a new attempt to lock the run's canisters: a new lock epoch, which every
// lock written in the attempt carries. A planned run (preflight, queued) or a retried one
// (running without its locks) may attempt; a second planner handling the same run starts a
// newer epoch, and only the newest epoch's attempt can end in Locked.
type LockAttempt struct{}

// Name implements Event.
func (LockAttempt) Name() string { return "lock-attempt" }

func (e LockAttempt) apply(r *Record) error {
	if !in(r.State, Preflight, Queued, Running) || r.LocksHeld {
		return refuse(r, e, "")
	}
	r.LockEpoch++
	return nil
}

// Locked records that the run holds every target canister with locks of epoch Epoch:
// preflight or queued → preflight, or running (a retried run).
type Locked struct{ Epoch int }

// Name implements Event.
func (Locked) Name() string { return "locked" }

func (e Locked) apply(r *Record) error {
	if !in(r.State, Preflight, Queued, Running) || r.LocksHeld || e.Epoch != r.LockEpoch {
		return refuse(r, e, "")
	}
	if r.State == Queued {
		r.State = Preflight
	}
	r.LocksHeld, r.WaitingFor = true, ""
	return nil
}

// Run starts dispatching: preflight (canisters locked) → running, with the journal's header
// and the seeded operations' counts.
type Run struct {
	Header       journal.Header
	Counts       journal.Counts
	TopologyHash string
}

// Name implements Event.
func (Run) Name() string { return "run" }

func (e Run) apply(r *Record) error {
	if r.State != Preflight || !r.LocksHeld {
		return refuse(r, e, "only a planned run holding its canisters starts")
	}
	r.State, r.Journal, r.TopologyHash = Running, e.Header, e.TopologyHash
	r.setCounts(e.Counts)
	return nil
}

// Reject ends a run whose request is invalid, before anything was dispatched.
type Reject struct{ Reason string }

// Name implements Event.
func (Reject) Name() string { return "reject" }

func (e Reject) apply(r *Record) error {
	if !in(r.State, Planning, Preflight, Queued) {
		return refuse(r, e, "only a run not yet running is rejected")
	}
	r.State, r.Error, r.WaitingFor = Rejected, &e.Reason, ""
	return nil
}
