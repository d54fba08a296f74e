package icp

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

var _ executor.Restorer = (*Executor)(nil)

// UploadSnapshot uploads an artifact directory as a new snapshot of a canister with
// `canister snapshot upload <C> --input <DIR> --json`. icp reports only the new snapshot's id,
// so the result's TakenAtNanos and TotalSizeBytes are zero; ListSnapshots has them.
//
// icp keeps a lock file and an upload progress file in dir while it runs, so callers pass a
// private copy of the artifact, not the backup itself. An upload that fails may have created a
// partial snapshot already (the IC creates it with the metadata, before the data): a retry
// reconciles by the canister's snapshot list rather than uploading blindly.
func (e *Executor) UploadSnapshot(ctx context.Context, canister, dir string) (executor.Snapshot, error) {
	if err := checkCanister("canister", canister); err != nil {
		return executor.Snapshot{}, err
	}
	abs, err := inputDir(dir)
	if err != nil {
		return executor.Snapshot{}, err
	}
	out, line, err := e.run(ctx, kindUpload, uploadArgs(canister, abs))
	if err != nil {
		return executor.Snapshot{}, err
	}
	id, err := parseUploadedID(out)
	if err != nil {
		return executor.Snapshot{}, badOutput(line, err.Error(), out)
	}
	return executor.Snapshot{ID: id}, nil
}

// LoadSnapshot loads a snapshot into a stopped canister with `canister snapshot restore <C> <S>`.
// icp refuses a running canister (permanent) and a stopping one (transient: it will be stopped).
// Its output is not read: exit status 0 is success.
func (e *Executor) LoadSnapshot(ctx context.Context, canister, snapshotID string) error {
	if err := checkCanister("canister", canister); err != nil {
		return err
	}
	if err := checkSnapshotID(snapshotID); err != nil {
		return err
	}
	_, _, err := e.run(ctx, kindLoad, restoreArgs(canister, snapshotID))
	return err
}

// ModuleHash reads a canister's module hash with `canister status --json`: lower-case hex
// without icp's 0x prefix, or "" when no module is installed.
func (e *Executor) ModuleHash(ctx context.Context, canister string) (string, error) {
	if err := checkCanister("canister", canister); err != nil {
		return "", err
	}
	out, line, err := e.run(ctx, kindStatus, statusArgs(canister))
	if err != nil {
		return "", err
	}
	hash, err := parseModuleHash(out)
	if err != nil {
		return "", badOutput(line, err.Error(), out)
	}
	return hash, nil
}
