package planning

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/preflight"
)

// Prove runs preflight against bp at time marker validated (changing bp's authorities to
// proven) and returns the window's expiry marker. Transient executor errors are retried under
// retry.
func Prove(ctx context.Context, exec executor.Executor, retry executor.RetryPolicy, bp *plan.Plan, validated string) (expires string, err error) {
	id := preflight.ID(bp.RunID)
	expires = preflight.ExpiresAt(validated)
	var bundle preflight.Bundle
	err = retry.Do(ctx, func() error {
		var err error
		bundle, err = preflight.Prove(ctx, exec, bp, id, validated, expires)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("preflight: %w", err)
	}
	if err := preflight.Apply(bp, bundle, validated); err != nil {
		return "", fmt.Errorf("preflight: %w", err)
	}
	return expires, nil
}

// Journal is the execution journal of bp with its proven preflight accepted (DOMAIN §3.4),
// and the counts of its operations: what a run is seeded with.
func Journal(bp *plan.Plan, validatedAt *string) (*journal.Journal, journal.Counts, error) {
	if validatedAt == nil {
		return nil, journal.Counts{}, fmt.Errorf("run %s: plan stored without a proven preflight", bp.RunID)
	}
	j, err := journal.New(bp)
	if err != nil {
		return nil, journal.Counts{}, err
	}
	if err := j.AcceptPreflight(bp.PlanID, preflight.ID(bp.RunID), validatedAt); err != nil {
		return nil, journal.Counts{}, err
	}
	return j, journal.CountOps(j.Operations), nil
}

// ExpiresAt is the expiry marker of a preflight window proven at validated.
func ExpiresAt(validated string) string { return preflight.ExpiresAt(validated) }
