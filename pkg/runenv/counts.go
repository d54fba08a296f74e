package runenv

import (
	"context"
	"sync"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// countFlushDelay is how long buffered count moves wait to be written together: the run
// record is every operation's shared key, so writing each move on its own serialises the
// whole pipeline on it (issue 12).
const countFlushDelay = 1000 * time.Millisecond

// countKey is what buffered moves are grouped by: a run and the counts epoch they were made in.
type countKey struct {
	runID string
	epoch int
}

// countBuffer holds count moves per run and epoch until they are flushed in one compare-and-swap.
type countBuffer struct {
	mu      sync.Mutex
	pending map[countKey]*journal.Counts
	timer   *time.Timer
}

// MoveCount records one operation's transition in the counts of run, the caller's latest view
// of the run record. A move that can turn restart_required from false to true (the run's first
// completed stop as the view shows it; a stop out of completed or a start out of done) is
// written at once, in its own compare-and-swap, so that a run never looks settled while a
// canister it stopped may be stopped. Every other move is buffered and written with the moves
// made in the next countFlushDelay: a start's completion among them, which may only keep
// restart_required true a little longer. The counts may lag that long (or, if the process
// dies first, until the run is recounted at retry, completion or containment's end); `watch`
// tallies operations from their own records and does not need them. Buffered moves name the
// view's counts epoch and are dropped on a record recounted since (runs.CountDelta), which
// already holds them.
func (e *Env) MoveCount(ctx context.Context, run runs.Record, kind plan.OperationKind, from, to journal.State) error {
	if from == to {
		return nil
	}
	if writeAtOnce(run.Counts, kind, from, to) {
		_, err := e.ApplyIfAllowed(ctx, run.RunID, runs.Count{Kind: kind, From: from, To: to})
		return err
	}
	e.counts.add(countKey{run.RunID, run.CountsEpoch}, kind, from, to, e.FlushCounts)
	return nil
}

// writeAtOnce reports whether a move may make restart_required true on counts c: buffering it
// could leave the run looking as if no canister needed restarting while one is stopped.
func writeAtOnce(c journal.Counts, kind plan.OperationKind, from, to journal.State) bool {
	switch kind {
	case plan.KindStop:
		return from == journal.StateCompleted || (to == journal.StateCompleted && c.StopsCompleted == 0)
	case plan.KindStart:
		return from.Done() && !to.Done()
	}
	return false
}

func (b *countBuffer) add(k countKey, kind plan.OperationKind, from, to journal.State, flush func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		b.pending = map[countKey]*journal.Counts{}
	}
	d := b.pending[k]
	if d == nil {
		d = &journal.Counts{}
		b.pending[k] = d
	}
	d.Apply(kind, from, to)
	if b.timer == nil {
		b.timer = time.AfterFunc(countFlushDelay, flush)
	}
}

func (b *countBuffer) take() map[countKey]*journal.Counts {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.pending
	b.pending, b.timer = nil, nil
	return out
}

// FlushCounts writes every buffered count move, one compare-and-swap per run and epoch. A
// move a store error keeps from being written is dropped with a warning: the run is recounted
// from its operation records when it is retried or completed.
func (e *Env) FlushCounts() {
	for k, d := range e.counts.take() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := e.ApplyIfAllowed(ctx, k.runID, runs.CountDelta{Delta: *d, Epoch: k.epoch}); err != nil {
			e.Logger().Warn("writing buffered count moves", "run_id", k.runID, "err", err)
		}
		cancel()
	}
}
