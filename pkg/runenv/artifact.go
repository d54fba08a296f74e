package runenv

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// LoadArtifact is runstore.Store.LoadArtifact with layout.ArtifactDirs under this environment's
// backup root.
func (e *Env) LoadArtifact(ctx context.Context, runID, canisterID string) (runstore.StagedArtifact, error) {
	return e.Store.LoadArtifact(ctx, runID, canisterID, layout.ArtifactDirsOf(e.BackupRoot, runID))
}
