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
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// RunState is the state of a run as operators see it (package runs).
type RunState = runs.State

// Run states (DESIGN §3).
const (
	RunPlanning  = runs.Planning
	RunPreflight = runs.Preflight
	RunQueued    = runs.Queued
	RunRunning   = runs.Running
	RunCompleted = runs.Completed
	RunFailed    = runs.Failed
	RunAborted   = runs.Aborted
	RunRejected  = runs.Rejected
)

// Counts are the run's operations by journal state, plus the two counters that decide
// restart_required in O(1) (journal.Counts, whose JSON is the run record's `counts`).
type Counts = journal.Counts

// RunRecord is `<prefix>_runs/<run_id>`: what an operator watches. Only the run state
// machine (package runs) changes it.
type RunRecord = runs.Record

// Containment states.
const (
	ContainPending = runs.ContainPending
	ContainDone    = runs.ContainDone
	ContainFailed  = runs.ContainFailed
)

// Containment is the restart of a failed or aborted run's stopped canisters.
type Containment = runs.Containment

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
