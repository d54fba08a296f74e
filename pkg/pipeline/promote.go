package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
)

// promoteAll makes every target's verified artifact durable and returns the entries in plan order.
func (w *OpWorker) promoteAll(ctx context.Context, j *job, dir string) ([]artifact.Entry, error) {
	entries := make([]artifact.Entry, 0, len(j.rp.plan.Targets))
	for _, t := range j.rp.plan.Targets {
		key := ArtifactKey(j.run.RunID, t.CanisterID)
		e, err := w.Env.Store.Artifacts.Get(ctx, key)
		if err != nil {
			return nil, err
		}
		if e.Value.State != artifact.StateDurable {
			if err := promote(dir, e.Value); err != nil {
				return nil, err
			}
			if e, err = w.markDurable(ctx, key); err != nil {
				return nil, err
			}
		}
		entries = append(entries, e.Value)
	}
	return entries, nil
}

func (w *OpWorker) markDurable(ctx context.Context, key string) (kvstore.Entry[artifact.Entry], error) {
	return w.Env.Store.Artifacts.Update(ctx, key, func(e *artifact.Entry) error {
		e.TempPath = nil
		return e.AdvanceTo(artifact.StateDurable, w.Env.marker())
	})
}

// promote renames a verified temp directory to its durable name. It is idempotent: a durable
// directory already in place whose checksum matches the recorded one counts as promoted
// (a crash between the rename and the journal write), unlike the reference runner which
// then fails with "artifact path already exists".
func promote(dir string, e artifact.Entry) error {
	if e.State != artifact.StateChecksumVerified || e.Checksum == nil {
		return fmt.Errorf("artifact of %s is %s, not verified", e.CanisterID, e.State)
	}
	dest := filepath.Join(dir, e.ArtifactPath)
	if e.TempPath != nil {
		if _, err := os.Stat(*e.TempPath); err == nil {
			if err := os.RemoveAll(dest); err != nil {
				return err
			}
			if err := os.Rename(*e.TempPath, dest); err != nil {
				return fmt.Errorf("promoting %s: %w", e.CanisterID, err)
			}
			return document.SyncDir(dir)
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	sum, err := checksum.Path(dest)
	if err != nil {
		return fmt.Errorf("artifact of %s is neither staged nor promoted: %w", e.CanisterID, err)
	}
	return checksum.Verify(checksum.Algorithm, *e.Checksum, sum)
}
