package runenv

import (
	"context"
	"sync"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// countFlushDelay is how long count moves that restart_required does not depend on wait to be
// written together: the run record is every operation's shared key, so writing each move on
// its own serialises the whole pipeline on it (issue 12).
const countFlushDelay = 100 * time.Millisecond

// countBuffer holds count moves per run until they are flushed in one compare-and-swap.
type countBuffer struct {
	mu      sync.Mutex
	pending map[string]*journal.Counts
	timer   *time.Timer
}

// MoveCount records one operation's transition in the run record's counts. A move that can
// change restart_required (a stop into or out of completed, a start into or out of done) is
// written at once, in its own compare-and-swap, so that a run never looks settled while a
// canister it stopped may still be stopped. Every other move is buffered and written with the
// moves made in the next countFlushDelay: the record's other counters may lag that long (or,
// if the process dies first, until the run is recounted at retry or completion); `watch`
// tallies operations from their own records and does not need them.
func (e *Env) MoveCount(ctx context.Context, runID string, kind plan.OperationKind, from, to journal.State) error {
	if from == to {
		return nil
	}
	if restartRelevant(kind, from, to) {
		_, err := e.ApplyIfAllowed(ctx, runID, runs.Count{Kind: kind, From: from, To: to})
		return err
	}
	e.counts.add(runID, kind, from, to, e.FlushCounts)
	return nil
}

func restartRelevant(kind plan.OperationKind, from, to journal.State) bool {
	switch kind {
	case plan.KindStop:
		return from == journal.StateCompleted || to == journal.StateCompleted
	case plan.KindStart:
		return from.Done() != to.Done()
	}
	return false
}

func (b *countBuffer) add(runID string, kind plan.OperationKind, from, to journal.State, flush func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pending == nil {
		b.pending = map[string]*journal.Counts{}
	}
	d := b.pending[runID]
	if d == nil {
		d = &journal.Counts{}
		b.pending[runID] = d
	}
	d.Apply(kind, from, to)
	if b.timer == nil {
		b.timer = time.AfterFunc(countFlushDelay, flush)
	}
}

func (b *countBuffer) take() map[string]*journal.Counts {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.pending
	b.pending, b.timer = nil, nil
	return out
}

// FlushCounts writes every buffered count move, one compare-and-swap per run. A move a store
// error keeps from being written is dropped with a warning: the run is recounted from its
// operation records when it is retried or completed.
func (e *Env) FlushCounts() {
	for runID, d := range e.counts.take() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := e.ApplyIfAllowed(ctx, runID, runs.CountDelta{Delta: *d}); err != nil {
			e.Logger().Warn("writing buffered count moves", "run_id", runID, "err", err)
		}
		cancel()
	}
}
