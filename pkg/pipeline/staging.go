package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// cleanStaging removes the staging directory (<seg>.tmp) of every target of p from the run's
// backup directory, once an aborted or failed run is contained, and the run directory itself
// if nothing else is left in it. Only those exact names are removed; missing ones are fine.
func (e *Env) cleanStaging(runID string, p *plan.Plan) error {
	if !bus.RunIDPattern.MatchString(runID) {
		return untrusted("run %q: no backup directory", runID)
	}
	var errs []error
	for _, t := range p.Targets {
		staging, _, err := targetDirs(e.BackupRoot, runID, t.CanisterID)
		if err == nil {
			err = os.RemoveAll(staging)
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return removeIfEmpty(filepath.Join(e.BackupRoot, runID))
}

// cleanPartialStaging removes the staging directories of a failed run's downloads that did not
// finish (their artifact is not recorded as downloaded): partial downloads that would only
// fill the disk. Finished downloads stay, so that a retry verifies and promotes them.
func (e *Env) cleanPartialStaging(ctx context.Context, runID string, p *plan.Plan) error {
	var errs []error
	for _, t := range p.Targets {
		a, err := e.Store.Artifacts.Get(ctx, ArtifactKey(runID, t.CanisterID))
		if err == nil && a.Value.State != artifact.StateCreated {
			continue
		}
		if err != nil && !errors.Is(err, kvstore.ErrNotFound) {
			errs = append(errs, err)
			continue
		}
		staging, _, err := targetDirs(e.BackupRoot, runID, t.CanisterID)
		if err == nil {
			err = os.RemoveAll(staging)
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return removeIfEmpty(filepath.Join(e.BackupRoot, runID))
}

// removeIfEmpty removes dir if it exists and holds nothing.
func removeIfEmpty(dir string) error {
	left, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(left) > 0:
		return nil
	}
	return os.Remove(dir)
}

// dropIfEnded removes a download's staging directory when the run stopped accepting
// downloads while it ran (aborted, or failed by another operation), and says so with a
// permanent error: nothing would ever verify or promote it.
func (w *OpWorker) dropIfEnded(ctx context.Context, runID, staging string) error {
	cur, err := w.Env.Store.Runs.Get(ctx, runID)
	if err != nil {
		return err
	}
	if cur.Value.Accepts(plan.KindDownloadSnapshot) {
		return nil
	}
	if err := os.RemoveAll(staging); err != nil {
		return err
	}
	return executor.Permanent("download", "run %s ended (%s) during the download: staging removed", runID, cur.Value.State)
}
