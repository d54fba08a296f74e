package pipeline

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
)

// verify computes the downloaded artifact's checksum and records it (DOMAIN §7.4). It hashes
// the staging directory derived from the plan; a record naming another one is refused.
func (w *OpWorker) verify(ctx context.Context, j *job) (*string, error) {
	target, err := planTarget(j)
	if err != nil {
		return nil, err
	}
	a, err := w.loadArtifact(ctx, j.run.RunID, target)
	if err != nil {
		return nil, err
	}
	if a.entry.TempPath == nil {
		return nil, fmt.Errorf("artifact of %s has no downloaded directory", target)
	}
	sum, err := checksum.Path(a.staging)
	if err != nil {
		return nil, fmt.Errorf("checksum of %s: %w", target, err)
	}
	_, err = w.Env.Store.Artifacts.Update(ctx, a.key, func(e *artifact.Entry) error {
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
