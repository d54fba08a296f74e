package runstore

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Apply applies one event of the run state machine to the stored run record by
// compare-and-swap, at time now (RFC 3339), and returns the record as it stands. A
// *runs.Refusal leaves the record unchanged and is returned with it.
func (s *Store) Apply(ctx context.Context, runID string, ev runs.Event, now string) (runs.Record, error) {
	cur, err := s.Runs.Update(ctx, runID, func(r *runs.Record) error {
		return runs.Apply(r, ev, now)
	})
	return cur.Value, err
}

// Run reads one run record.
func (s *Store) Run(ctx context.Context, runID string) (runs.Record, error) {
	e, err := s.Runs.Get(ctx, runID)
	return e.Value, err
}
