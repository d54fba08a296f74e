package finalizer

import (
	"cmp"
	"context"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// exportJournal reads every operation record once (O(N)) and assembles the execution journal
// as it will stand once this finalize receipt is recorded; it leaves the exact counts on j.
func exportJournal(ctx context.Context, j *opworker.Job, r journal.Receipt) (*journal.Journal, error) {
	recs, err := j.Env.Store.LoadOps(ctx, j.Run.RunID, len(j.Plan.Plan.Phases))
	if err != nil {
		return nil, err
	}
	self := &recs[j.Rec.Op.Sequence]
	self.Op = j.Rec.Op
	if err := journal.RecordOp(&self.Op, r, j.Run.Journal); err != nil {
		return nil, err
	}
	self.Receipts = append(self.Receipts, runstore.StoredReceipt{Receipt: r, RecordedAtNanos: j.Env.Now().UnixNano()})
	ops := make([]journal.Operation, len(recs))
	var stored []runstore.StoredReceipt
	for i, rec := range recs {
		ops[i] = rec.Op
		stored = append(stored, rec.Receipts...)
	}
	slices.SortStableFunc(stored, func(a, b runstore.StoredReceipt) int { return cmp.Compare(a.RecordedAtNanos, b.RecordedAtNanos) })
	receipts := make([]journal.Receipt, len(stored))
	for i, s := range stored {
		receipts[i] = s.Receipt
	}
	counts := runstore.CountOps(recs)
	j.FinalCounts = &counts
	return journal.Assemble(j.Run.Journal, ops, receipts)
}
