package runstore

import (
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
)

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
	// BaselineAttempt is the attempt that recorded the baseline (0 when unknown: an older
	// version's). Only another attempt may find a snapshot of its own since the baseline.
	BaselineAttempt int `json:"baseline_attempt,omitempty"`
	// PriorBaseline, after a re-arm, is the baseline of the previous pass: before taking a new
	// baseline, every snapshot not in it (the previous pass's, adopted or not) is deleted, so a
	// run still leaves one new snapshot per canister.
	PriorBaseline    []string `json:"prior_baseline,omitempty"`
	HasPriorBaseline bool     `json:"has_prior_baseline,omitempty"`
	// Progress (downloads) is how far the transfer of the current attempt got, written by the
	// worker about once a second, so that `watch` shows bytes from any machine.
	Progress *Progress `json:"progress,omitempty"`
}

// Progress is a transfer's bytes so far and, when known, the expected total.
type Progress struct {
	Bytes int64 `json:"bytes"`
	Total int64 `json:"total"`
}

// BarrierRecord is `<prefix>_ops/<run_id>.barrier-<name>`: a node that waits for many operations.
type BarrierRecord struct {
	RunID string        `json:"run_id"`
	Name  string        `json:"name"`
	Deps  dispatch.Deps `json:"deps"`
	// Passed is set once the barrier has handed completion on to all its successors.
	Passed bool `json:"passed"`
}
