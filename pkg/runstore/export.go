package runstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
)

// ExportJournal reads every operation record of a run once (O(N)) and assembles the
// execution journal as it will stand once receipt r of operation self is recorded (at
// recordedAt, Unix nanoseconds); it returns the exact counts with it.
func (s *Store) ExportJournal(ctx context.Context, h journal.Header, n int, self journal.Operation,
	r journal.Receipt, recordedAt int64) (*journal.Journal, journal.Counts, error) {
	recs, err := s.LoadOps(ctx, h.RunID, n)
	if err != nil {
		return nil, journal.Counts{}, err
	}
	mine := &recs[self.Sequence]
	mine.Op = self
	if err := journal.RecordOp(&mine.Op, r, h); err != nil {
		return nil, journal.Counts{}, err
	}
	mine.Receipts = append(mine.Receipts, StoredReceipt{Receipt: r, RecordedAtNanos: recordedAt})
	ops := make([]journal.Operation, len(recs))
	var stored []StoredReceipt
	for i, rec := range recs {
		ops[i] = rec.Op
		stored = append(stored, rec.Receipts...)
	}
	slices.SortStableFunc(stored, func(a, b StoredReceipt) int { return cmp.Compare(a.RecordedAtNanos, b.RecordedAtNanos) })
	receipts := make([]journal.Receipt, len(stored))
	for i, st := range stored {
		receipts[i] = st.Receipt
	}
	j, err := journal.Assemble(h, ops, receipts)
	return j, CountOps(recs), err
}

// UpdateArtifact changes a target's download-journal entry by compare-and-swap.
func (s *Store) UpdateArtifact(ctx context.Context, runID, canisterID string, change func(*artifact.Entry) error) (artifact.Entry, error) {
	e, err := s.Artifacts.Update(ctx, ArtifactKey(runID, canisterID), change)
	return e.Value, err
}
