package pipeline

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
)

// verify computes the downloaded artifact's checksum and records it (DOMAIN §7.4).
func (w *OpWorker) verify(ctx context.Context, j *job, target string) (*string, error) {
	key := ArtifactKey(j.run.RunID, target)
	entry, err := w.Env.Store.Artifacts.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if entry.Value.TempPath == nil {
		return nil, fmt.Errorf("artifact of %s has no downloaded directory", target)
	}
	sum, err := checksum.Path(*entry.Value.TempPath)
	if err != nil {
		return nil, fmt.Errorf("checksum of %s: %w", target, err)
	}
	_, err = w.Env.Store.Artifacts.Update(ctx, key, func(e *artifact.Entry) error {
		e.Checksum = &sum
		return e.AdvanceTo(artifact.StateChecksumVerified, w.Env.marker())
	})
	return &sum, err
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
