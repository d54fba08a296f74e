// Package runs is the run state machine: the run record operators watch and every event that
// may change it. The planner, control handling and the workers never write a run's fields
// themselves; they apply an event, and the machine refuses (with a typed *Refusal) what the
// run's current state does not allow. A duplicate or malformed copy of a request, a late
// control message or a racing worker can therefore never move a run backwards.
//
// The package is pure domain: it imports no NATS package. The store persists the machine's
// decisions by compare-and-swap on the record's revision.
package runs

import (
	"regexp"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// State is the state of a run as operators see it (DESIGN §3).
type State string

// Run states.
const (
	Planning  State = "planning"
	Preflight State = "preflight"
	Queued    State = "queued"
	Running   State = "running"
	Completed State = "completed"
	Failed    State = "failed"
	Aborted   State = "aborted"
	Rejected  State = "rejected"
)

// Terminal reports whether s changes only through an explicit control message.
func (s State) Terminal() bool {
	switch s {
	case Completed, Failed, Aborted, Rejected:
		return true
	}
	return false
}

// Kind says what a run does.
const (
	KindBackup  = "backup"
	KindRestore = "restore"
)

// Containment states.
const (
	ContainPending = "pending"
	ContainDone    = "done"
	ContainFailed  = "failed"
)

// Containment is the restart of a failed or aborted run's stopped canisters.
type Containment struct {
	State string  `json:"state"`
	Error *string `json:"error"`
}

// Record is `<prefix>_runs/<run_id>`: what an operator watches.
type Record struct {
	RunID           string         `json:"run_id"`
	Kind            string         `json:"kind"`
	PlanID          string         `json:"plan_id"`
	Fleet           string         `json:"fleet"`
	Network         string         `json:"network"`
	State           State          `json:"state"`
	Error           *string        `json:"error"`
	RestartRequired bool           `json:"restart_required"`
	Counts          journal.Counts `json:"counts"`
	CreatedAt       string         `json:"created_at"`
	UpdatedAt       string         `json:"updated_at"`
	ManifestPath    *string        `json:"manifest_path"`
	BackupDir       *string        `json:"backup_dir"`
	// Order is parallel or strict.
	Order dispatch.Order `json:"order"`
	// OnConflict is what the run does when another run holds one of its canisters.
	OnConflict string `json:"on_conflict"`
	// Journal is the execution journal's run-level part (plan id, preflight id, acceptance).
	Journal journal.Header `json:"journal"`
	// PreflightValidatedAt is when the accepted preflight was proven.
	PreflightValidatedAt *string `json:"preflight_validated_at"`
	// PreflightExpiresAt is the accepted preflight's expiry marker; no management call starts after it.
	PreflightExpiresAt *string `json:"preflight_expires_at"`
	// RequestDigest identifies the request body that created the run (idempotent re-publish).
	RequestDigest string `json:"request_digest"`
	// TopologyHash is the plan's topology hash (the download journal's hashes).
	TopologyHash string `json:"topology_hash"`
	// Containment, once a management operation failed or the run was aborted, tracks the
	// restart of every canister this run may have stopped.
	Containment *Containment `json:"containment"`
	// Retries counts retry and resume actions; republished messages carry it in their id.
	Retries int `json:"retries"`
	// CountsEpoch numbers the times Counts were set whole (seeded at start, recounted from the
	// operation records at retry, completion and containment's end). A buffered count move
	// names the epoch it was made in and is dropped on a record of another epoch, so that a
	// move is never counted twice: once by a recount and again when its buffer is written.
	CountsEpoch int `json:"counts_epoch"`
	// LockEpoch numbers the run's attempts to lock its canisters; each lock names its epoch.
	LockEpoch int `json:"lock_epoch"`
	// LocksHeld is set once the run holds every target canister's lock (of LockEpoch) and
	// cleared once it released them.
	LocksHeld bool `json:"locks_held"`
	// WaitingFor names the run holding a canister this queued run waits for.
	WaitingFor string `json:"waiting_for,omitempty"`
	// LoadsBegun (restores) is set once the first load was claimed: from then on the fleet may
	// be mixed, and a failure stops for the operator instead of restarting canisters.
	LoadsBegun bool `json:"loads_begun,omitempty"`
	// AttentionRequired and NextAction say that a failed restore waits for the operator, and
	// what the operator does next (DESIGN §10).
	AttentionRequired bool    `json:"attention_required"`
	NextAction        *string `json:"next_action"`
	// BackupID (restores) is the run id of the backup being restored.
	BackupID string `json:"backup_id,omitempty"`
	// KeepSnapshots (backups) is the request's keep_snapshots: how many of fleetbackup's
	// snapshots each backed-up canister keeps once the run completed.
	KeepSnapshots int `json:"keep_snapshots,omitempty"`
}

// New is the record of a run just requested.
func New(runID, fleet, network string, order dispatch.Order, onConflict, digest, now string) Record {
	return Record{RunID: runID, Kind: KindBackup, Fleet: fleet, Network: network, State: Planning,
		CreatedAt: now, UpdatedAt: now, Order: order, OnConflict: onConflict, RequestDigest: digest}
}

// NewRestore is the record of a restore just requested; its fleet is learnt at admission.
func NewRestore(runID, backupID, network string, order dispatch.Order, onConflict, digest, now string) Record {
	r := New(runID, "", network, order, onConflict, digest, now)
	r.Kind, r.BackupID = KindRestore, backupID
	return r
}

// NewRejected is the record of a request rejected before it had a run.
func NewRejected(runID, reason, now string) Record {
	return Record{RunID: runID, Kind: KindBackup, State: Rejected, Error: &reason, CreatedAt: now, UpdatedAt: now}
}

// Accepts says whether workers may execute operations of kind for this run. A running run
// that holds its canisters accepts everything. A run failed by a transfer (download, verify,
// finalize) still finishes its management phase, so that every stopped canister is started by
// the plan's own start operations; once containment is under way (a management failure, an
// abort), nothing more is dispatched.
func (r Record) Accepts(kind plan.OperationKind) bool {
	switch {
	case r.State == Running:
		return r.LocksHeld
	case r.State == Failed && r.Containment == nil && !r.LoadsBegun:
		return IsManagement(kind)
	}
	return false
}

// IsRunning reports whether the run is running, with its canister locks or (a retried run)
// while it takes them again: a transfer in flight is worth finishing.
func (r Record) IsRunning() bool { return r.State == Running }

// IsManagement reports whether kind is a management call on a canister.
func IsManagement(kind plan.OperationKind) bool {
	return kind == plan.KindStop || kind == plan.KindCreateSnapshot || kind == plan.KindStart
}

// ContainmentPending reports whether the run is restarting its canisters.
func (r Record) ContainmentPending() bool {
	return r.Containment != nil && r.Containment.State == ContainPending
}

// Settled reports whether the run will not touch its canisters again unless an operator
// retries it: it is terminal, no canister it stopped is still stopped, and no containment is
// under way. A settled run's canister locks may be released (or taken over as stale).
func (r Record) Settled() bool {
	return r.State.Terminal() && !r.RestartRequired && !r.ContainmentPending()
}

// restartRequired is DOMAIN §4.6 from the counts, except after a successful containment,
// which made sure every canister the run touched runs again.
func (r Record) restartRequired() bool {
	if r.Containment != nil && r.Containment.State == ContainDone {
		return false
	}
	return r.Counts.RestartRequired()
}

// IDPattern is the contract's rule for run ids (DESIGN §3): a run id becomes a KV key, a
// subject token and a directory name.
var IDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// Control actions an operator publishes to fb.runs.control.<run_id>.
const (
	// ActionRetry moves failed operations back to ready and resumes a failed run.
	ActionRetry = "retry"
	// ActionAbort stops dispatching, restarts stopped canisters and leaves the run aborted.
	ActionAbort = "abort"
	// ActionResume proves preflight again (it may have expired), then retries; on a running
	// run it republishes every ready operation.
	ActionResume = "resume"
)

// ControlMessage is the body of a control message. Force, with abort, aborts a restore whose
// loads have begun (DESIGN §10).
type ControlMessage struct {
	Action string `json:"action"`
	Force  bool   `json:"force,omitempty"`
}
