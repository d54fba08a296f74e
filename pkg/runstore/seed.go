package runstore

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
)

// Seed writes one record per operation of j and per barrier of g. Records that exist already
// (a repeated delivery) are kept as they are.
func (s *Store) Seed(ctx context.Context, j *journal.Journal, g *dispatch.Graph) error {
	runID := j.RunID
	for seq, op := range j.Operations {
		rec := OpRecord{RunID: runID, Op: op, Deps: dispatch.NewDeps(g.Need(seq)), Receipts: []StoredReceipt{}}
		if _, err := s.Ops.Create(ctx, OpKey(runID, seq), rec); err != nil && !errors.Is(err, kvstore.ErrExists) {
			return err
		}
	}
	for n := g.Ops; n < g.Nodes(); n++ {
		if err := s.seedBarrier(ctx, runID, g.BarrierName(n), g.Need(n)); err != nil {
			return err
		}
	}
	return nil
}
