package journal

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Version is the only execution journal version.
const Version = 1

// Journal is the execution journal of DOMAIN §4.1, file `backup-execution-journal.json`.
type Journal struct {
	JournalVersion    uint16      `json:"journal_version"`
	PlanID            string      `json:"plan_id"`
	RunID             string      `json:"run_id"`
	PreflightID       *string     `json:"preflight_id"`
	PreflightAccepted bool        `json:"preflight_accepted"`
	RestartRequired   bool        `json:"restart_required"`
	Operations        []Operation `json:"operations"`
	OperationReceipts []Receipt   `json:"operation_receipts"`
}

// Operation is one journal operation; Sequence equals the plan phase order.
type Operation struct {
	Sequence         int                `json:"sequence"`
	OperationID      string             `json:"operation_id"`
	Kind             plan.OperationKind `json:"kind"`
	TargetCanisterID *string            `json:"target_canister_id"`
	State            State              `json:"state"`
	StateUpdatedAt   *string            `json:"state_updated_at"`
	BlockingReasons  []string           `json:"blocking_reasons"`
}

// Receipt records the outcome of one operation attempt; receipts are append-only.
type Receipt struct {
	PlanID           string             `json:"plan_id"`
	RunID            string             `json:"run_id"`
	PreflightID      *string            `json:"preflight_id"`
	Sequence         int                `json:"sequence"`
	OperationID      string             `json:"operation_id"`
	Kind             plan.OperationKind `json:"kind"`
	TargetCanisterID *string            `json:"target_canister_id"`
	Outcome          Outcome            `json:"outcome"`
	UpdatedAt        *string            `json:"updated_at"`
	SnapshotID       *string            `json:"snapshot_id"`
	ArtifactPath     *string            `json:"artifact_path"`
	Checksum         *string            `json:"checksum"`
	FailureReason    *string            `json:"failure_reason"`
}

// ResumeSummary is the status view of a journal (DOMAIN §4.8).
type ResumeSummary struct {
	PlanID              string     `json:"plan_id"`
	RunID               string     `json:"run_id"`
	PreflightID         *string    `json:"preflight_id"`
	PreflightAccepted   bool       `json:"preflight_accepted"`
	RestartRequired     bool       `json:"restart_required"`
	TotalOperations     int        `json:"total_operations"`
	ReadyOperations     int        `json:"ready_operations"`
	PendingOperations   int        `json:"pending_operations"`
	BlockedOperations   int        `json:"blocked_operations"`
	CompletedOperations int        `json:"completed_operations"`
	FailedOperations    int        `json:"failed_operations"`
	SkippedOperations   int        `json:"skipped_operations"`
	NextOperation       *Operation `json:"next_operation"`
}

// State is an operation's state.
type State string

// Operation states.
const (
	StateReady     State = "ready"
	StatePending   State = "pending"
	StateBlocked   State = "blocked"
	StateCompleted State = "completed"
	StateFailed    State = "failed"
	StateSkipped   State = "skipped"
)

// Outcome is a receipt's outcome.
type Outcome string

// Receipt outcomes.
const (
	OutcomeCompleted Outcome = "completed"
	OutcomeFailed    Outcome = "failed"
	OutcomeSkipped   Outcome = "skipped"
)
