package planning

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
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
