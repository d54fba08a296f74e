package runstore

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// UnfinishedDownloads lists the targets of p whose download did not finish (no artifact
// record, or one still in state Created): a failed run's partial downloads.
func (s *Store) UnfinishedDownloads(ctx context.Context, runID string, p *plan.Plan) ([]string, error) {
	var ids []string
	for _, t := range p.Targets {
		a, err := s.Artifacts.Get(ctx, ArtifactKey(runID, t.CanisterID))
		switch {
		case errors.Is(err, kvstore.ErrNotFound):
		case err != nil:
			return nil, err
		case a.Value.State != artifact.StateCreated:
			continue
		}
		ids = append(ids, t.CanisterID)
	}
	return ids, nil
}

// PutArtifact creates a target's download-journal entry, or replaces it (a re-armed snapshot).
func (s *Store) PutArtifact(ctx context.Context, runID string, e artifact.Entry) error {
	key := ArtifactKey(runID, e.CanisterID)
	_, err := s.Artifacts.Create(ctx, key, e)
	if errors.Is(err, kvstore.ErrExists) {
		_, err = s.Artifacts.Update(ctx, key, func(cur *artifact.Entry) error {
			*cur = e
			return nil
		})
	}
	return err
}
