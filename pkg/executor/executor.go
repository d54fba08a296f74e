// Package executor defines the host operations fleetbackup performs on canisters, and the
// error classes that decide whether a failed call is retried.
//
// Two implementations exist: sim (a simulated fleet that keeps the IC's rules) and icp (the
// `icp` command-line tool). Preflight receipts are built by package preflight from Registry and
// Status, so executors stay small.
package executor

import "context"

// Executor performs the management calls of a backup. Every method is safe for concurrent use.
type Executor interface {
	// Registry returns the fleet registry JSON of the root canister, in the {"Ok": [...]} shape.
	Registry(ctx context.Context, root string) ([]byte, error)
	// Status reads a canister's lifecycle status.
	Status(ctx context.Context, canister string) (Status, error)
	// Stop stops a canister and returns once it is fully stopped.
	Stop(ctx context.Context, canister string) error
	// Start starts a canister.
	Start(ctx context.Context, canister string) error
	// CreateSnapshot snapshots a stopped canister.
	CreateSnapshot(ctx context.Context, canister string) (Snapshot, error)
	// ListSnapshots lists the snapshots a canister holds (used to reconcile a lost create reply).
	ListSnapshots(ctx context.Context, canister string) ([]Snapshot, error)
	// DownloadSnapshot writes a snapshot's artifact directory into dir (which exists). With resume
	// it continues an interrupted download found in dir.
	DownloadSnapshot(ctx context.Context, canister, snapshotID, dir string, resume bool) error
}

// Status is a canister's lifecycle state as the management canister reports it.
type Status string

// Canister lifecycle states.
const (
	StatusRunning  Status = "running"
	StatusStopping Status = "stopping"
	StatusStopped  Status = "stopped"
)

// Snapshot describes one canister snapshot.
type Snapshot struct {
	ID             string `json:"snapshot_id"`
	TakenAtNanos   uint64 `json:"taken_at_timestamp"`
	TotalSizeBytes uint64 `json:"total_size_bytes"`
}

// SnapshotDeleter is implemented by executors that can delete a snapshot. A retry that must
// quiesce the selection again deletes the snapshot its first pass took before taking a new
// one, so a run still leaves at most one new snapshot per canister; a completed run deletes the
// snapshots of earlier backups beyond keep_snapshots (docs/snapshot-retention.md).
type SnapshotDeleter interface {
	DeleteSnapshot(ctx context.Context, canister, snapshotID string) error
}

// SnapshotReplacer is implemented by executors that can take a snapshot in place of one the
// canister holds (`icp canister snapshot create <C> --replace <S>`): the canister must be
// stopped, as for CreateSnapshot; replaced must be one of the canister's own snapshots; the old
// snapshot is deleted once the new one exists, so the number of snapshots does not change and a
// canister at its limit can be snapshotted.
type SnapshotReplacer interface {
	ReplaceSnapshot(ctx context.Context, canister, replaced string) (Snapshot, error)
}

// Restorer is implemented by executors that can restore: upload an artifact directory as a new
// snapshot of a canister, and load a snapshot into a stopped canister.
type Restorer interface {
	// UploadSnapshot creates a new snapshot of canister from an artifact directory shaped like
	// DownloadSnapshot's output; it returns the snapshot created.
	UploadSnapshot(ctx context.Context, canister, dir string) (Snapshot, error)
	// LoadSnapshot replaces a stopped canister's state (code and data) with one of its snapshots.
	LoadSnapshot(ctx context.Context, canister, snapshotID string) error
	// ModuleHash returns the hash of the canister's installed module as lower-case hex without a
	// 0x prefix, or "" when no module is installed.
	ModuleHash(ctx context.Context, canister string) (string, error)
}
