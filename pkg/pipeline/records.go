// Package pipeline is fleetbackup's run engine on JetStream: the planner, the operation
// workers (snapshotter, downloader, verifier, finalizer) and the records they share in KV.
//
// Every record change is a compare-and-swap on the revision read (package kvstore). Each
// operation lives in its own record; completing one marks its successors' dependency bits
// and publishes those that became ready (package dispatch), so a run of N targets costs
// O(N) KV operations.
package pipeline

import (
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// RunState is the state of a run as operators see it.
type RunState string

// Run states (DESIGN §3).
const (
	RunPlanning  RunState = "planning"
	RunPreflight RunState = "preflight"
	RunRunning   RunState = "running"
	RunCompleted RunState = "completed"
	RunFailed    RunState = "failed"
	RunAborted   RunState = "aborted"
	RunRejected  RunState = "rejected"
)

// Terminal reports whether s changes only through an explicit control message.
func (s RunState) Terminal() bool {
	switch s {
	case RunCompleted, RunFailed, RunAborted, RunRejected:
		return true
	}
	return false
}

// Counts are the run's operations by journal state, plus the two counters that decide
// restart_required in O(1) (journal.Counts, whose JSON is the run record's `counts`).
type Counts = journal.Counts

// RunRecord is `<prefix>_runs/<run_id>`: what an operator watches.
type RunRecord struct {
	RunID           string   `json:"run_id"`
	PlanID          string   `json:"plan_id"`
	Fleet           string   `json:"fleet"`
	Network         string   `json:"network"`
	State           RunState `json:"state"`
	Error           *string  `json:"error"`
	RestartRequired bool     `json:"restart_required"`
	Counts          Counts   `json:"counts"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
	ManifestPath    *string  `json:"manifest_path"`
	BackupDir       *string  `json:"backup_dir"`
	// Order is parallel or strict.
	Order dispatch.Order `json:"order"`
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
}

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

// accepts says whether workers may still execute operations of kind for this run. A running
// run accepts everything. A run failed by a transfer (download, verify, finalize) still
// finishes its management phase, so that every stopped canister is started by the plan's own
// start operations; once containment is under way (a management failure, an abort), nothing
// more is dispatched.
func (r RunRecord) accepts(kind plan.OperationKind) bool {
	switch {
	case r.State == RunRunning:
		return true
	case r.State == RunFailed && r.Containment == nil:
		return isManagement(kind)
	}
	return false
}

// isManagement reports whether kind is a management call on a canister.
func isManagement(kind plan.OperationKind) bool {
	return kind == plan.KindStop || kind == plan.KindCreateSnapshot || kind == plan.KindStart
}

// Claim says who works on an operation and until when, unless they renew.
type Claim struct {
	Worker     string `json:"worker"`
	Attempt    int    `json:"attempt"`
	LeaseUntil int64  `json:"lease_until_unix_ms"`
}

// StoredReceipt is a journal receipt with the time it was recorded, so that the exported
// journal lists receipts in the order they happened.
type StoredReceipt struct {
	journal.Receipt
	RecordedAtNanos int64 `json:"recorded_at_ns"`
}

// OpRecord is `<prefix>_ops/<run_id>.<sequence>`: one operation of the execution journal,
// with its claim, its receipts and its dependency bits.
type OpRecord struct {
	RunID    string            `json:"run_id"`
	Op       journal.Operation `json:"op"`
	Deps     dispatch.Deps     `json:"deps"`
	Claim    *Claim            `json:"claim"`
	Attempts int               `json:"attempts"`
	Receipts []StoredReceipt   `json:"receipts"`
	// Dispatched is set once the operation's dependencies were met and it was published.
	Dispatched bool `json:"dispatched"`
	// SnapshotsBefore is the canister's snapshot ids before the first create attempt
	// (create-snapshot only, once BaselineRecorded), so that a retry or a takeover adopts a
	// snapshot whose reply was lost instead of taking a second one.
	SnapshotsBefore  []string `json:"snapshots_before"`
	BaselineRecorded bool     `json:"baseline_recorded"`
	// PriorBaseline, after a re-arm, is the baseline of the previous pass: before taking a new
	// baseline, every snapshot not in it (the previous pass's, adopted or not) is deleted, so a
	// run still leaves one new snapshot per canister.
	PriorBaseline    []string `json:"prior_baseline,omitempty"`
	HasPriorBaseline bool     `json:"has_prior_baseline,omitempty"`
}

// BarrierRecord is `<prefix>_ops/<run_id>.barrier-<name>`: a node that waits for many operations.
type BarrierRecord struct {
	RunID string        `json:"run_id"`
	Name  string        `json:"name"`
	Deps  dispatch.Deps `json:"deps"`
	// Passed is set once the barrier has handed completion on to all its successors.
	Passed bool `json:"passed"`
}

// DispatchMessage is the body of an fb.ops.<kind> message.
type DispatchMessage struct {
	RunID    string `json:"run_id"`
	Sequence int    `json:"sequence"`
}
