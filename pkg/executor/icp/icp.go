package icp

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/candid"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Executor runs icp commands. It holds no state beyond its configuration and is safe for
// concurrent use.
type Executor struct {
	cfg Config
	env []string
}

var (
	_ executor.Executor         = (*Executor)(nil)
	_ executor.SnapshotDeleter  = (*Executor)(nil)
	_ executor.SnapshotReplacer = (*Executor)(nil)
)

// New validates cfg (see Config for defaults) and returns an executor. The binary is looked up
// when a command first runs.
func New(cfg Config) (*Executor, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Executor{cfg: cfg, env: cfg.environment()}, nil
}

// Registry queries the root's canic_subnet_registry and returns the registry JSON {"Ok": [...]},
// decoded from the Candid bytes of the --json envelope. An Err reply is permanent and unwraps to
// a *candid.RegistryError.
func (e *Executor) Registry(ctx context.Context, root string) ([]byte, error) {
	if err := checkCanister("root canister", root); err != nil {
		return nil, err
	}
	out, line, err := e.run(ctx, kindRegistry, registryArgs(root))
	if err != nil {
		return nil, err
	}
	registry, err := DecodeRegistryEnvelope(out)
	var rejected *candid.RegistryError
	switch {
	case errors.Is(err, ErrBadOutput):
		return nil, badOutput(line, err.Error(), out)
	case errors.As(err, &rejected):
		return nil, commandError(line, 0, false, err, fmt.Sprintf("`%s`: root %s answered Err %s: %s",
			line, root, rejected.Code, rejected.Message))
	case err != nil:
		return nil, commandError(line, 0, false, errors.Join(ErrBadOutput, err),
			fmt.Sprintf("`%s` printed a reply that is not the registry: %v", line, err))
	}
	return registry, nil
}

// Status reads a canister's status with `canister status --json`.
func (e *Executor) Status(ctx context.Context, canister string) (executor.Status, error) {
	if err := checkCanister("canister", canister); err != nil {
		return "", err
	}
	out, line, err := e.run(ctx, kindStatus, statusArgs(canister))
	if err != nil {
		return "", err
	}
	st, err := parseStatus(out)
	if err != nil {
		return "", badOutput(line, err.Error(), out)
	}
	return st, nil
}

// Stop stops a canister; icp returns once it is fully stopped.
func (e *Executor) Stop(ctx context.Context, canister string) error {
	if err := checkCanister("canister", canister); err != nil {
		return err
	}
	_, _, err := e.run(ctx, kindStop, stopArgs(canister))
	return err
}

// Start starts a canister.
func (e *Executor) Start(ctx context.Context, canister string) error {
	if err := checkCanister("canister", canister); err != nil {
		return err
	}
	_, _, err := e.run(ctx, kindStart, startArgs(canister))
	return err
}

// DeleteSnapshot deletes one of a canister's snapshots with `canister snapshot delete`.
func (e *Executor) DeleteSnapshot(ctx context.Context, canister, snapshotID string) error {
	if err := checkCanister("canister", canister); err != nil {
		return err
	}
	if err := checkSnapshotID(snapshotID); err != nil {
		return err
	}
	_, _, err := e.run(ctx, kindDelete, deleteArgs(canister, snapshotID))
	return err
}

// CreateSnapshot snapshots a stopped canister with `canister snapshot create --json`.
func (e *Executor) CreateSnapshot(ctx context.Context, canister string) (executor.Snapshot, error) {
	if err := checkCanister("canister", canister); err != nil {
		return executor.Snapshot{}, err
	}
	out, line, err := e.run(ctx, kindCreate, createArgs(canister))
	if err != nil {
		return executor.Snapshot{}, markSnapshotLimit(err)
	}
	snap, err := parseSnapshot(out)
	if err != nil {
		return executor.Snapshot{}, badOutput(line, err.Error(), out)
	}
	return snap, nil
}

// ListSnapshots lists a canister's snapshots with `canister snapshot list --json`.
func (e *Executor) ListSnapshots(ctx context.Context, canister string) ([]executor.Snapshot, error) {
	if err := checkCanister("canister", canister); err != nil {
		return nil, err
	}
	out, line, err := e.run(ctx, kindList, listArgs(canister))
	if err != nil {
		return nil, err
	}
	snaps, err := parseSnapshotList(out)
	if err != nil {
		return nil, badOutput(line, err.Error(), out)
	}
	return snaps, nil
}

// DownloadSnapshot downloads a snapshot into dir with `canister snapshot download --output`,
// adding --resume to continue an interrupted download found in dir.
func (e *Executor) DownloadSnapshot(ctx context.Context, canister, snapshotID, dir string, resume bool) error {
	if err := checkCanister("canister", canister); err != nil {
		return err
	}
	if err := checkSnapshotID(snapshotID); err != nil {
		return err
	}
	abs, err := outputDir(dir)
	if err != nil {
		return err
	}
	_, _, err = e.run(ctx, kindDownload, downloadArgs(canister, snapshotID, abs, resume))
	return err
}
