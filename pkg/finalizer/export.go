package finalizer

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
)

// exportJournal assembles the execution journal as it will stand once this finalize receipt
// is recorded, and leaves the exact counts on j.
func exportJournal(ctx context.Context, j *opworker.Job, r journal.Receipt) (*journal.Journal, error) {
	jr, counts, err := j.Env.Store.ExportJournal(ctx, j.Run.Journal, len(j.Plan.Plan.Phases), j.Rec.Op, r, j.Env.Now().UnixNano())
	if err != nil {
		return nil, err
	}
	j.FinalCounts = &counts
	return jr, nil
}
