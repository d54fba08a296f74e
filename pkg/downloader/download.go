// Package downloader holds the download-snapshot effect: a target's snapshot into its staging
// directory under the backup root, derived from the plan, never from a record in KV.
package downloader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/restoreops"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
)

// Effects are the downloader's effects by kind.
func Effects() opworker.Effects {
	return opworker.Effects{}.Register(plan.KindDownloadSnapshot, opworker.EffectFunc(download)).
		Register(plan.KindUploadSnapshot, opworker.EffectFunc(upload))
}

// upload is a restore's upload (restoreops.Upload); once it completed, the uploaded
// artifact's size counts as bytes uploaded (an upload adopted from a lost reply included).
func upload(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r, err := restoreops.Upload(ctx, j)
	if doc := j.Plan.Restore; err == nil && doc != nil {
		if op, opErr := doc.Operation(j.Rec.Op.Sequence); opErr == nil && op.ArtifactPath != nil {
			opworker.CountBytes(ctx, opworker.Uploaded, filepath.Join(doc.BackupDir, filepath.FromSlash(*op.ArtifactPath)))
		}
	}
	return r, err
}

// download fetches the target's snapshot into a clean staging directory and records it.
func download(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	target, err := j.Target()
	if err == nil {
		r.ArtifactPath, err = fetch(ctx, j, target)
	}
	r.UpdatedAt = j.Env.MarkerPtr()
	return r, err
}

func fetch(ctx context.Context, j *opworker.Job, target string) (*string, error) {
	a, err := j.Env.LoadArtifact(ctx, j.Run.RunID, target)
	if err != nil {
		return nil, err
	}
	stop := reportProgress(ctx, j, a.Staging)
	dlCtx, stopChecks := whileRunRuns(ctx, j.Env, j.Run.RunID)
	err = j.Env.Retry.Do(dlCtx, func() error {
		if err := os.RemoveAll(a.Staging); err != nil {
			return err
		}
		if err := os.MkdirAll(a.Staging, 0o755); err != nil {
			return err
		}
		return j.Env.Exec.DownloadSnapshot(dlCtx, target, a.Entry.SnapshotID, a.Staging, false)
	})
	cutShort := err != nil && errors.Is(context.Cause(dlCtx), errRunEnded)
	stopChecks()
	stop()
	if endErr := j.Env.Persist(ctx, func() error { return dropIfEnded(ctx, j.Env, j.Run.RunID, a.Staging) }); endErr != nil {
		return nil, endErr
	}
	if cutShort { // the run runs again (a retry came at once): another delivery starts over
		return nil, fmt.Errorf("download cut short while run %s was not running (%v): %w", j.Run.RunID, err, opworker.ErrHandBack)
	}
	if err != nil {
		return nil, err
	}
	err = j.Env.Persist(ctx, func() error {
		_, err := j.Env.Store.Artifacts.Update(ctx, a.Key, func(e *artifact.Entry) error {
			e.TempPath = &a.Staging
			return e.AdvanceTo(artifact.StateDownloaded, j.Env.Marker())
		})
		return err
	})
	if err == nil {
		opworker.CountBytes(ctx, opworker.Downloaded, a.Staging)
	}
	seg := filepath.Base(a.Durable)
	return &seg, err
}

// dropIfEnded removes a download's staging directory when the run is no longer running
// (aborted, or failed by another operation) and says so with a permanent error: nothing would
// ever verify or promote it. A retried run locking its canisters again is running: its
// downloads are kept.
func dropIfEnded(ctx context.Context, env *runenv.Env, runID, staging string) error {
	cur, err := env.Store.Run(ctx, runID)
	if err != nil {
		return err
	}
	if cur.IsRunning() {
		return nil
	}
	if err := os.RemoveAll(staging); err != nil {
		return err
	}
	return executor.Permanent("download", "run %s ended (%s) during the download: staging removed", runID, cur.State)
}
