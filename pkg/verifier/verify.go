// Package verifier holds the verify-artifact effect: the SHA-256 of a downloaded artifact,
// computed from the staging directory derived from the plan (DOMAIN §7.4).
package verifier

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Effects are the verifier's effects by kind.
func Effects() opworker.Effects {
	return opworker.Effects{}.Register(plan.KindVerifyArtifact, opworker.EffectFunc(verify))
}

// verify computes the downloaded artifact's checksum and records it.
func verify(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	target, err := j.Target()
	if err == nil {
		r.Checksum, err = hash(ctx, j, target)
	}
	r.UpdatedAt = j.Env.MarkerPtr()
	return r, err
}

func hash(ctx context.Context, j *opworker.Job, target string) (*string, error) {
	a, err := j.Env.LoadArtifact(ctx, j.Run.RunID, target)
	if err != nil {
		return nil, err
	}
	if a.Entry.TempPath == nil {
		return nil, fmt.Errorf("artifact of %s has no downloaded directory", target)
	}
	sum, err := checksum.PathWorkers(ctx, a.Staging, j.Env.HashWorkers)
	if err != nil {
		return nil, fmt.Errorf("checksum of %s: %w", target, err)
	}
	opworker.CountBytes(ctx, opworker.Verified, a.Staging)
	err = j.Env.Persist(ctx, func() error {
		_, err := j.Env.Store.Artifacts.Update(ctx, a.Key, func(e *artifact.Entry) error {
			e.Checksum = &sum
			return e.AdvanceTo(artifact.StateChecksumVerified, j.Env.Marker())
		})
		return err
	})
	return &sum, err
}
