package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
)

// promoteAll makes every target's verified artifact durable and returns the entries in plan
// order. Every record is checked against the plan (artifactDirs) before any directory is
// touched, so one untrusted record fails the finalize with nothing moved.
func (w *OpWorker) promoteAll(ctx context.Context, j *job, dir string) ([]artifact.Entry, error) {
	targets := j.rp.plan.Targets
	staged := make([]stagedArtifact, 0, len(targets))
	for _, t := range targets {
		a, err := w.loadArtifact(ctx, j.run.RunID, t.CanisterID)
		if err != nil {
			return nil, err
		}
		staged = append(staged, a)
	}
	entries := make([]artifact.Entry, 0, len(targets))
	for i, a := range staged {
		if a.entry.State != artifact.StateDurable {
			if err := promote(dir, a); err != nil {
				return nil, err
			}
			e, err := w.markDurable(ctx, j.run.RunID, targets[i].CanisterID)
			if err != nil {
				return nil, err
			}
			a.entry = e.Value
		}
		entries = append(entries, a.entry)
	}
	return entries, nil
}

// markDurable records a promotion, refusing a record changed meanwhile to name other paths.
func (w *OpWorker) markDurable(ctx context.Context, runID, canisterID string) (kvstore.Entry[artifact.Entry], error) {
	return w.Env.Store.Artifacts.Update(ctx, ArtifactKey(runID, canisterID), func(e *artifact.Entry) error {
		if _, _, err := artifactDirs(w.Env.BackupRoot, runID, *e, canisterID); err != nil {
			return err
		}
		e.TempPath = nil
		return e.AdvanceTo(artifact.StateDurable, w.Env.marker())
	})
}

// promote renames a verified staging directory to its durable name, both derived from the
// plan (a.staging, a.durable), and syncs the run directory dir. It is idempotent: a durable
// directory already in place whose checksum matches the recorded one counts as promoted
// (a crash between the rename and the journal write), unlike the reference runner which
// then fails with "artifact path already exists".
func promote(dir string, a stagedArtifact) error {
	e := a.entry
	if e.State != artifact.StateChecksumVerified || e.Checksum == nil {
		return fmt.Errorf("artifact of %s is %s, not verified", e.CanisterID, e.State)
	}
	if e.TempPath != nil {
		if _, err := os.Stat(a.staging); err == nil {
			if err := os.RemoveAll(a.durable); err != nil {
				return err
			}
			if err := os.Rename(a.staging, a.durable); err != nil {
				return fmt.Errorf("promoting %s: %w", e.CanisterID, err)
			}
			return document.SyncDir(dir)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	sum, err := checksum.Path(a.durable)
	if err != nil {
		return fmt.Errorf("artifact of %s is neither staged nor promoted: %w", e.CanisterID, err)
	}
	return checksum.Verify(checksum.Algorithm, *e.Checksum, sum)
}
