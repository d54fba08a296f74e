package restoreops

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Load replaces a stopped target's content with the snapshot its upload produced (DESIGN §10).
// Before its first call it marks the run past its point of no return (runs.BeginLoads, a
// compare-and-swap on the run record that a concurrent failure cannot overtake): from then on
// a failure stops for the operator instead of restarting canisters. A load is idempotent, so a
// retry or takeover loads again.
func Load(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	target, err := j.Target()
	var id string
	if err == nil {
		id, err = uploadedID(ctx, j)
	}
	if err == nil {
		err = beginLoads(ctx, j)
	}
	if err == nil {
		err = loadStopped(ctx, j, target, id)
	}
	r.SnapshotID, r.UpdatedAt = &id, j.Env.MarkerPtr()
	return r, exportForAttention(ctx, j, err)
}

// uploadedID is the snapshot id the member's completed upload recorded, read from the upload's
// own record (O(1)). A load never uses the source snapshot id.
func uploadedID(ctx context.Context, j *opworker.Job) (string, error) {
	doc := j.Plan.Restore
	if doc == nil {
		return "", executor.Permanent("load", "run %s is not a restore", j.Run.RunID)
	}
	seq, err := doc.UploadOf(j.Rec.Op.Sequence)
	if err != nil {
		return "", executor.Permanent("load", "%v", err)
	}
	rec, err := j.Env.Store.Ops.Get(ctx, runstore.OpKey(j.Run.RunID, seq))
	if err != nil {
		return "", err
	}
	if id := completedSnapshotID(rec.Value); id != "" {
		return id, nil
	}
	return "", executor.Permanent("load", "the upload of %s has not completed with a snapshot id", rec.Value.Op.OperationID)
}

// completedSnapshotID is the snapshot id of an operation's last completed receipt.
func completedSnapshotID(rec runstore.OpRecord) string {
	if rec.Op.State != journal.StateCompleted {
		return ""
	}
	for i := len(rec.Receipts) - 1; i >= 0; i-- {
		r := rec.Receipts[i]
		if r.Outcome == journal.OutcomeCompleted && r.SnapshotID != nil {
			return *r.SnapshotID
		}
	}
	return ""
}

func beginLoads(ctx context.Context, j *opworker.Job) error {
	if j.Run.LoadsBegun {
		return nil
	}
	run, err := j.Env.Apply(ctx, j.Run.RunID, runs.BeginLoads{})
	if errors.Is(err, runs.ErrRefused) {
		return executor.Permanent("load", "%v", err)
	}
	j.Run = run
	return err
}

// loadStopped loads id onto target, which must be stopped: a load never replaces the content of
// a running canister.
func loadStopped(ctx context.Context, j *opworker.Job, target, id string) error {
	restorer, ok := j.Env.Exec.(executor.Restorer)
	if !ok {
		return executor.Permanent("load", "this executor cannot load snapshots")
	}
	return j.Env.Retry.Do(ctx, func() error {
		st, err := j.Env.Exec.Status(ctx, target)
		if err != nil {
			return err
		}
		if st != executor.StatusStopped {
			return executor.Permanent("load", "canister %s is %s; a snapshot is loaded only onto a stopped canister", target, st)
		}
		return restorer.LoadSnapshot(ctx, target, id)
	})
}
