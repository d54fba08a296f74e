package runstore

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
)

// ArtifactDirs derives and checks the staging and durable directories a record names (in
// practice layout.ArtifactDirs under the backup root).
type ArtifactDirs func(rec artifact.Entry, canisterID string) (staging, durable string, err error)

// StagedArtifact is a target's download-journal record, checked against the plan, and the
// directories derived for it.
type StagedArtifact struct {
	Key              string
	Entry            artifact.Entry
	Staging, Durable string
}

// LoadArtifact reads the record of one of the plan's targets and checks it with dirs: a record
// naming other directories is refused (layout.ErrUntrustedArtifact), touching nothing; the
// operation fails, it is not retried.
func (s *Store) LoadArtifact(ctx context.Context, runID, canisterID string, dirs ArtifactDirs) (StagedArtifact, error) {
	key := ArtifactKey(runID, canisterID)
	rec, err := s.Artifacts.Get(ctx, key)
	if err != nil {
		return StagedArtifact{}, err
	}
	staging, durable, err := dirs(rec.Value, canisterID)
	if err != nil {
		return StagedArtifact{}, err
	}
	return StagedArtifact{Key: key, Entry: rec.Value, Staging: staging, Durable: durable}, nil
}
