package finalizer

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
)

// staged is one target's checked record and directories.
type staged struct {
	entry            artifact.Entry
	staging, durable string
}

// promoteAll makes every target's verified artifact durable and returns the entries in plan
// order. Every record is checked against the plan before any directory is touched, so one
// untrusted record fails the finalize with nothing moved.
func promoteAll(ctx context.Context, j *opworker.Job, dir string) ([]artifact.Entry, error) {
	targets := j.Plan.Plan.Targets
	all := make([]staged, 0, len(targets))
	for _, t := range targets {
		a, err := j.Env.LoadArtifact(ctx, j.Run.RunID, t.CanisterID)
		if err != nil {
			return nil, err
		}
		all = append(all, staged{entry: a.Entry, staging: a.Staging, durable: a.Durable})
	}
	entries := make([]artifact.Entry, 0, len(targets))
	for i, a := range all {
		if a.entry.State != artifact.StateDurable {
			if err := promote(ctx, dir, a); err != nil {
				return nil, err
			}
			e, err := markDurable(ctx, j, targets[i].CanisterID)
			if err != nil {
				return nil, err
			}
			a.entry = e
		}
		entries = append(entries, a.entry)
	}
	return entries, nil
}

func promote(ctx context.Context, dir string, a staged) error {
	if a.entry.State != artifact.StateChecksumVerified || a.entry.Checksum == nil {
		return fmt.Errorf("artifact of %s is %s, not verified", a.entry.CanisterID, a.entry.State)
	}
	return layout.Promote(ctx, dir, a.staging, a.durable, *a.entry.Checksum)
}

// markDurable records a promotion, refusing a record changed meanwhile to name other paths.
func markDurable(ctx context.Context, j *opworker.Job, canisterID string) (artifact.Entry, error) {
	runID := j.Run.RunID
	return j.Env.Store.UpdateArtifact(ctx, runID, canisterID, func(e *artifact.Entry) error {
		if _, _, err := layout.ArtifactDirs(j.Env.BackupRoot, runID, *e, canisterID); err != nil {
			return err
		}
		e.TempPath = nil
		return e.AdvanceTo(artifact.StateDurable, j.Env.Marker())
	})
}
