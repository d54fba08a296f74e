package icp

import (
	"context"
	"errors"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// snapshotLimitPhrases say, in lower case, that a canister holds as many snapshots as it may: the
// IC's CanisterSnapshotLimitExceeded reads "Canister <id> has reached the maximum number of
// snapshots allowed: <n>."
var snapshotLimitPhrases = []string{"maximum number of snapshots allowed"}

// ReplaceSnapshot snapshots a stopped canister in place of one of its snapshots with
// `canister snapshot create <C> --quiet --replace <S>` (the accepted command line): the IC
// deletes the replaced snapshot once the new one exists, so a canister at its limit can be
// snapshotted. icp prints only the new id, so TakenAtNanos and TotalSizeBytes are zero;
// ListSnapshots has them.
func (e *Executor) ReplaceSnapshot(ctx context.Context, canister, replaced string) (executor.Snapshot, error) {
	if err := checkCanister("canister", canister); err != nil {
		return executor.Snapshot{}, err
	}
	if err := checkSnapshotID(replaced); err != nil {
		return executor.Snapshot{}, err
	}
	out, line, err := e.run(ctx, kindCreate, replaceArgs(canister, replaced))
	if err != nil {
		return executor.Snapshot{}, markSnapshotLimit(err)
	}
	id := strings.TrimSpace(string(out))
	if !isHex(id, 0) {
		return executor.Snapshot{}, badOutput(line, "not a snapshot id", out)
	}
	return executor.Snapshot{ID: strings.ToLower(id)}, nil
}

// markSnapshotLimit makes a permanent failure whose message says the canister is at its snapshot
// limit match executor.ErrSnapshotLimit as well.
func markSnapshotLimit(err error) error {
	var ce *CommandError
	if errors.As(err, &ce) && !ce.Exec.Transient && containsAny(strings.ToLower(ce.Exec.Message), snapshotLimitPhrases) {
		ce.Cause = errors.Join(ce.Cause, executor.ErrSnapshotLimit)
	}
	return err
}
