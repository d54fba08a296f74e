package artifact

// Version is the only download journal version.
const Version = 1

// Journal is the download journal of DOMAIN §5.1, file `download-journal.json`.
type Journal struct {
	JournalVersion          uint16  `json:"journal_version"`
	BackupID                string  `json:"backup_id"`
	DiscoveryTopologyHash   *string `json:"discovery_topology_hash"`
	PreSnapshotTopologyHash *string `json:"pre_snapshot_topology_hash"`
	OperationMetrics        Metrics `json:"operation_metrics"`
	Artifacts               []Entry `json:"artifacts"`
}

// Metrics counts artifact work; in the reference only TargetCount is ever written.
type Metrics struct {
	TargetCount               int `json:"target_count"`
	SnapshotCreateStarted     int `json:"snapshot_create_started"`
	SnapshotCreateCompleted   int `json:"snapshot_create_completed"`
	SnapshotDownloadStarted   int `json:"snapshot_download_started"`
	SnapshotDownloadCompleted int `json:"snapshot_download_completed"`
	ChecksumVerifyStarted     int `json:"checksum_verify_started"`
	ChecksumVerifyCompleted   int `json:"checksum_verify_completed"`
	ArtifactFinalizeStarted   int `json:"artifact_finalize_started"`
	ArtifactFinalizeCompleted int `json:"artifact_finalize_completed"`
}

// Entry is one target's artifact. ArtifactPath is relative to the backup directory.
type Entry struct {
	CanisterID        string  `json:"canister_id"`
	SnapshotID        string  `json:"snapshot_id"`
	State             State   `json:"state"`
	TempPath          *string `json:"temp_path"`
	ArtifactPath      string  `json:"artifact_path"`
	ChecksumAlgorithm string  `json:"checksum_algorithm"`
	Checksum          *string `json:"checksum"`
	UpdatedAt         string  `json:"updated_at"`
}

// State is an artifact's state, serialised in PascalCase.
type State string

// Artifact states in their order.
const (
	StateCreated          State = "Created"
	StateDownloaded       State = "Downloaded"
	StateChecksumVerified State = "ChecksumVerified"
	StateDurable          State = "Durable"
)

// ResumeAction is what a resume would do next with an artifact.
type ResumeAction string

// Resume actions.
const (
	ActionDownload       ResumeAction = "Download"
	ActionVerifyChecksum ResumeAction = "VerifyChecksum"
	ActionFinalize       ResumeAction = "Finalize"
	ActionSkip           ResumeAction = "Skip"
)
