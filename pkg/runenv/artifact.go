package runenv

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// StagedArtifact is a target's download-journal record, checked against the plan, and the
// directories derived for it.
type StagedArtifact struct {
	Key              string
	Entry            artifact.Entry
	Staging, Durable string
}

// LoadArtifact reads the record of one of the plan's targets and checks it with
// layout.ArtifactDirs: a record naming other directories fails permanently, touching nothing.
func (e *Env) LoadArtifact(ctx context.Context, runID, canisterID string) (StagedArtifact, error) {
	key := runstore.ArtifactKey(runID, canisterID)
	rec, err := e.Store.Artifacts.Get(ctx, key)
	if err != nil {
		return StagedArtifact{}, err
	}
	staging, durable, err := e.ArtifactDirs(runID, rec.Value, canisterID)
	if err != nil {
		return StagedArtifact{}, err
	}
	return StagedArtifact{Key: key, Entry: rec.Value, Staging: staging, Durable: durable}, nil
}

// ArtifactDirs is layout.ArtifactDirs under this backup root, failing permanently.
func (e *Env) ArtifactDirs(runID string, rec artifact.Entry, canisterID string) (staging, durable string, err error) {
	staging, durable, err = layout.ArtifactDirs(e.BackupRoot, runID, rec, canisterID)
	if err != nil {
		return "", "", fmt.Errorf("%w (%w)", err, executor.Permanent("artifact", "refused"))
	}
	return staging, durable, nil
}
