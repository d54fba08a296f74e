package runstore

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
)

// LoadOps reads every operation record of a run of n operations, in sequence order: the one
// place a run's operations are scanned (retry, containment's recount, finalize's export).
func (s *Store) LoadOps(ctx context.Context, runID string, n int) ([]OpRecord, error) {
	recs := make([]OpRecord, n)
	for seq := range n {
		e, err := s.Ops.Get(ctx, OpKey(runID, seq))
		if err != nil {
			return nil, err
		}
		recs[seq] = e.Value
	}
	return recs, nil
}

// CountOps counts operation records by state: the one counter of a run's operations.
func CountOps(recs []OpRecord) journal.Counts {
	var c journal.Counts
	for _, r := range recs {
		c.Add(r.Op.Kind, r.Op.State)
	}
	return c
}

// Recount counts a run's operations from their records; nil when the run has no plan.
func (s *Store) Recount(ctx context.Context, runID string) (*journal.Counts, error) {
	stored, err := s.LoadPlan(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	recs, err := s.LoadOps(ctx, runID, len(stored.Phases))
	if err != nil {
		return nil, err
	}
	c := CountOps(recs)
	return &c, nil
}
