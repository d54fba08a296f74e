package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// execute performs a claimed operation's effect and returns its completed receipt.
func (w *OpWorker) execute(ctx context.Context, j *job) (journal.Receipt, error) {
	op := j.rec.Op
	r := j.run.Journal.CompletedReceipt(op, w.Env.markerPtr())
	if op.Kind == plan.KindFinalizeManifest {
		return w.finalize(ctx, j, r)
	}
	if op.TargetCanisterID == nil {
		return r, fmt.Errorf("operation %s has no target", op.OperationID)
	}
	if err := w.checkPreflight(j); err != nil {
		return r, err
	}
	target := *op.TargetCanisterID
	var err error
	switch op.Kind {
	case plan.KindStop:
		err = w.lifecycle(ctx, target, executor.StatusStopped, w.Env.Exec.Stop, j.rec.Claim.Attempt > 1)
	case plan.KindStart:
		err = w.lifecycle(ctx, target, executor.StatusRunning, w.Env.Exec.Start, j.rec.Claim.Attempt > 1)
	case plan.KindCreateSnapshot:
		r.SnapshotID, err = w.snapshot(ctx, j, target)
	case plan.KindDownloadSnapshot:
		r.ArtifactPath, err = w.download(ctx, j)
	case plan.KindVerifyArtifact:
		r.Checksum, err = w.verify(ctx, j)
	default:
		err = fmt.Errorf("operation kind %s is not executed by workers", op.Kind)
	}
	r.UpdatedAt = w.Env.markerPtr()
	return r, err
}

// checkPreflight refuses a management call once the accepted preflight has expired.
func (w *OpWorker) checkPreflight(j *job) error {
	switch j.rec.Op.Kind {
	case plan.KindStop, plan.KindCreateSnapshot:
	default:
		return nil // starts must always be allowed; transfers touch no canister
	}
	if w.Env.preflightExpired(j.run) {
		return executor.Permanent("preflight", "preflight %s expired at %s (now %s): resume the run to prove it again",
			deref(j.run.Journal.PreflightID), deref(j.run.PreflightExpiresAt), timestamp.FromSeconds(uint64(w.Env.now().Unix())))
	}
	return nil
}

// lifecycle stops or starts a canister. A takeover (reconcile) or a retry (the previous reply
// may have been lost after the IC acted) looks at the canister first: if it is already where
// the call would take it, nothing is called again.
func (w *OpWorker) lifecycle(ctx context.Context, target string, want executor.Status,
	call func(context.Context, string) error, reconcile bool) error {
	return w.Env.Retry.Do(ctx, func() error {
		if reconcile {
			if st, err := w.Env.Exec.Status(ctx, target); err == nil && st == want {
				return nil
			}
		}
		reconcile = true
		return call(ctx, target)
	})
}

func (w *OpWorker) snapshot(ctx context.Context, j *job, target string) (*string, error) {
	before, reconcile, err := w.baseline(ctx, j, target)
	if err != nil {
		return nil, err
	}
	var snap executor.Snapshot
	err = w.Env.Retry.Do(ctx, func() error {
		if reconcile {
			adopted, ok, err := w.adopt(ctx, target, before)
			if err != nil || ok {
				snap = adopted
				return err
			}
		}
		reconcile = true // the reply of the next create may be lost after the IC acted
		var err error
		snap, err = w.Env.Exec.CreateSnapshot(ctx, target)
		return err
	})
	if err != nil {
		return nil, err
	}
	entry := artifact.NewEntry(target, snap.ID, plan.Seg(target), w.Env.marker())
	if err := w.putArtifact(ctx, j.run.RunID, entry); err != nil {
		return nil, err
	}
	return &snap.ID, nil
}

// putArtifact creates a target's download-journal entry, or replaces it (a re-armed snapshot).
func (w *OpWorker) putArtifact(ctx context.Context, runID string, e artifact.Entry) error {
	key := ArtifactKey(runID, e.CanisterID)
	_, err := w.Env.Store.Artifacts.Create(ctx, key, e)
	if errors.Is(err, kvstore.ErrExists) {
		_, err = w.Env.Store.Artifacts.Update(ctx, key, func(cur *artifact.Entry) error {
			*cur = e
			return nil
		})
	}
	return err
}

// runDir is the run's backup directory.
func (w *OpWorker) runDir(runID string) string { return filepath.Join(w.Env.BackupRoot, runID) }

// download fetches a target's snapshot into its staging directory, derived from the plan
// (artifactDirs), never from the record in KV.
func (w *OpWorker) download(ctx context.Context, j *job) (*string, error) {
	target, err := planTarget(j)
	if err != nil {
		return nil, err
	}
	a, err := w.loadArtifact(ctx, j.run.RunID, target)
	if err != nil {
		return nil, err
	}
	err = w.Env.Retry.Do(ctx, func() error {
		if err := os.RemoveAll(a.staging); err != nil {
			return err
		}
		if err := os.MkdirAll(a.staging, 0o755); err != nil {
			return err
		}
		return w.Env.Exec.DownloadSnapshot(ctx, target, a.entry.SnapshotID, a.staging, false)
	})
	if endErr := w.dropIfEnded(ctx, j.run.RunID, a.staging); endErr != nil {
		return nil, endErr
	}
	if err != nil {
		return nil, err
	}
	_, err = w.Env.Store.Artifacts.Update(ctx, a.key, func(e *artifact.Entry) error {
		e.TempPath = &a.staging
		return e.AdvanceTo(artifact.StateDownloaded, w.Env.marker())
	})
	seg := filepath.Base(a.durable)
	return &seg, err
}
