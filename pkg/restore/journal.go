package restore

// JournalVersion is the only apply journal version.
const JournalVersion uint16 = 1

// Kind is an operation kind. The names are fleetbackup's (DESIGN §10); RESTORE §3.2 gives the
// reference's 0.108 names they replace.
type Kind string

// Operation kinds, in phase order.
const (
	// KindUploadSnapshot uploads a member's artifact to its target (reference upload-snapshot).
	KindUploadSnapshot Kind = "upload-snapshot"
	// KindStop stops a target before any load (reference stop-canister).
	KindStop Kind = "stop"
	// KindLoadSnapshot loads the uploaded snapshot into a stopped target (reference load-snapshot).
	KindLoadSnapshot Kind = "load-snapshot"
	// KindStart starts a target after every load, children first (reference start-canister).
	KindStart Kind = "start"
	// KindCheckMember checks a running target's status and module hash (reference verify-member
	// and, with role "deployment", verify-deployment).
	KindCheckMember Kind = "check-member"
	// KindFinalizeRestore writes the restore's documents last (no reference counterpart).
	KindFinalizeRestore Kind = "finalize-restore"
)

// State is an operation's state (RESTORE §4.4).
type State string

// Operation states.
const (
	StatePending   State = "pending"
	StateReady     State = "ready"
	StateBlocked   State = "blocked"
	StateCompleted State = "completed"
	StateFailed    State = "failed"
)

// Receipt outcomes.
const (
	OutcomeCommandCompleted = "command-completed"
	OutcomeCommandFailed    = "command-failed"
)

// RoleDeployment is the role of the operations that concern the whole deployment rather than one
// member: deployment checks and finalize-restore.
const RoleDeployment = "deployment"

// VerificationStatus is the only verification kind an operation can run.
const VerificationStatus = "status"

// Journal is the apply journal (`restore-apply-journal.json`, RESTORE §4.1, 0.108 shape).
type Journal struct {
	JournalVersion      uint16          `json:"journal_version"`
	BackupID            string          `json:"backup_id"`
	Ready               bool            `json:"ready"`
	BlockedReasons      []string        `json:"blocked_reasons"`
	BackupRoot          *string         `json:"backup_root"`
	OperationCount      int             `json:"operation_count"`
	OperationCounts     OperationCounts `json:"operation_counts"`
	PendingOperations   int             `json:"pending_operations"`
	ReadyOperations     int             `json:"ready_operations"`
	BlockedOperations   int             `json:"blocked_operations"`
	CompletedOperations int             `json:"completed_operations"`
	FailedOperations    int             `json:"failed_operations"`
	Operations          []Operation     `json:"operations"`
	OperationReceipts   []Receipt       `json:"operation_receipts"`
}

// OperationCounts counts operations by kind. FinalizeOperations is fleetbackup's addition.
type OperationCounts struct {
	CanisterStops           int `json:"canister_stops"`
	CanisterStarts          int `json:"canister_starts"`
	SnapshotUploads         int `json:"snapshot_uploads"`
	SnapshotLoads           int `json:"snapshot_loads"`
	MemberVerifications     int `json:"member_verifications"`
	DeploymentVerifications int `json:"deployment_verifications"`
	VerificationOperations  int `json:"verification_operations"`
	FinalizeOperations      int `json:"finalize_operations"`
}

// Operation is one step of a restore with its state.
type Operation struct {
	Sequence           int               `json:"sequence"`
	Operation          Kind              `json:"operation"`
	State              State             `json:"state"`
	StateUpdatedAt     *string           `json:"state_updated_at"`
	BlockingReasons    []string          `json:"blocking_reasons"`
	MemberOrder        int               `json:"member_order"`
	SourceCanister     string            `json:"source_canister"`
	TargetCanister     string            `json:"target_canister"`
	Role               string            `json:"role"`
	SnapshotID         *string           `json:"snapshot_id"`
	ArtifactPath       *string           `json:"artifact_path"`
	ArtifactChecksum   *ArtifactChecksum `json:"artifact_checksum"`
	SnapshotIDsBefore  *[]string         `json:"snapshot_ids_before"`
	ExpectedModuleHash *string           `json:"expected_module_hash"`
	VerificationKind   *string           `json:"verification_kind"`
}

// ArtifactChecksum binds an upload or load to the exact artifact bytes admission verified.
type ArtifactChecksum struct {
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

// Receipt records one attempt of an operation (RESTORE §4.6); receipts are append-only.
type Receipt struct {
	Sequence           int               `json:"sequence"`
	Operation          Kind              `json:"operation"`
	Outcome            string            `json:"outcome"`
	SourceCanister     string            `json:"source_canister"`
	TargetCanister     string            `json:"target_canister"`
	Attempt            int               `json:"attempt"`
	UpdatedAt          *string           `json:"updated_at"`
	Command            *Command          `json:"command"`
	Status             *string           `json:"status"`
	Stdout             *Output           `json:"stdout"`
	Stderr             *Output           `json:"stderr"`
	FailureReason      *string           `json:"failure_reason"`
	SourceSnapshotID   *string           `json:"source_snapshot_id"`
	ArtifactPath       *string           `json:"artifact_path"`
	ArtifactChecksum   *ArtifactChecksum `json:"artifact_checksum"`
	UploadedSnapshotID *string           `json:"uploaded_snapshot_id"`
}

// Command is what an attempt ran: a command line, or the executor call standing for one.
type Command struct {
	Program                 string   `json:"program"`
	Args                    []string `json:"args"`
	Mutates                 bool     `json:"mutates"`
	RequiresStoppedCanister bool     `json:"requires_stopped_canister"`
	Note                    string   `json:"note"`
}

// Output is the captured tail of a command's output stream.
type Output struct {
	Text          string `json:"text"`
	Truncated     bool   `json:"truncated"`
	OriginalBytes int    `json:"original_bytes"`
}

// LoadJournal decodes an apply journal strictly and validates it (RESTORE §4.3).
func LoadJournal(data []byte) (*Journal, error) {
	var j Journal
	if err := decodeStrict(data, &j); err != nil {
		return nil, err
	}
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return &j, nil
}

// EncodeJournal validates j and renders it as `restore-apply-journal.json` bytes.
func EncodeJournal(j *Journal) ([]byte, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return encodeStrict(j)
}
