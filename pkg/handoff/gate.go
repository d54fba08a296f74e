package handoff

import (
	"context"
	"sync"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// A read-gated operation (dispatch.Graph.ReadGated: at most a few dozen predecessors, which is
// every operation of a run but one waiting for a wide fan-in) is not marked by its
// predecessors: each predecessor, once its own completion is written, reads the others and
// publishes the operation when all are done. Of predecessors finishing together the last to
// write sees every one done (the store is linearizable), so one of them always publishes; the
// others publish the same message id, which the stream drops. Whoever else decides that such
// an operation may run reads its predecessors too (GateOpen): the claim step, which then marks
// every slot in its own compare-and-swap, and a resume's republication. This saves a
// compare-and-swap per edge, and the conflicts of many predecessors marking one record at once
// (a parent's start and its children's).

// Ready reports whether operation seq of a run, whose record's dependencies are deps, may run:
// every predecessor marked done, or its gate open.
func Ready(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, seq int, deps dispatch.Deps) (bool, error) {
	if deps.Satisfied() {
		return true, nil
	}
	return GateOpen(ctx, s, runID, g, seq)
}

// GateOpen reports whether seq is read-gated and every one of its predecessors is done: an
// operation's record completed or skipped, a barrier's root complete (a root is complete only
// once every shard of a tree is, and bits are never cleared within a generation).
func GateOpen(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, seq int) (bool, error) {
	if !g.ReadGated(seq) {
		return false, nil
	}
	return predecessorsDone(ctx, s, runID, g, g.Predecessors(seq), -1)
}

// firstWave is how many predecessors predecessorsDone reads at once at first; each further wave
// reads twice as many.
const firstWave = 2

// predecessorsDone reports whether every node of preds is done, except slot known (a predecessor
// the caller knows is done, or -1). It reads them in waves, each twice the size of the one
// before and read all at once, and stops at the first wave that finds one not done: a
// predecessor that is not the last to finish usually learns so from a wave or two, and the last
// reads them all in a few round trips. The waves begin after slot known: a fan-out publishes in
// slot order, roughly, so the predecessors after the caller's own are the likeliest to be still
// running.
func predecessorsDone(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, preds []int, known int) (bool, error) {
	others := make([]int, 0, len(preds))
	for i := 1; i <= len(preds); i++ {
		if slot := (known + i) % len(preds); slot != known {
			others = append(others, preds[slot])
		}
	}
	for width := firstWave; len(others) > 0; width *= 2 {
		n := min(width, len(others))
		if done, err := allDone(ctx, s, runID, g, others[:n]); err != nil || !done {
			return false, err
		}
		others = others[n:]
	}
	return true, nil
}

// allDone reads nodes all at once and reports whether every one is done.
func allDone(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, nodes []int) (bool, error) {
	done := make([]bool, len(nodes))
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { done[i], errs[i] = nodeDone(ctx, s, runID, g, n) })
	}
	wg.Wait()
	for i := range nodes {
		if errs[i] != nil || !done[i] {
			return false, errs[i]
		}
	}
	return true, nil
}

// nodeDone reads whether node n of a run is done.
func nodeDone(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, n int) (bool, error) {
	if g.IsBarrier(n) {
		root, err := s.Barriers.Get(ctx, runstore.BarrierKey(runID, g.BarrierName(n)))
		return err == nil && root.Value.Deps.Satisfied(), err
	}
	rec, err := s.Ops.Get(ctx, runstore.OpKey(runID, n))
	return err == nil && rec.Value.Op.State.Done(), err
}

// passRead hands a completion on to a read-gated successor: once every other predecessor is
// done too it is published as its first dispatch, without reading or writing its record. It
// has not been claimed unless this is a repeat of the hand-off, whose message (the same id)
// the stream drops within its duplicate window and the claim step ignores after it.
func (h Publisher) passRead(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	ready, err := predecessorsDone(ctx, h.Store, runID, g, g.Predecessors(e.To), e.Slot)
	if err != nil || !ready {
		return err
	}
	return h.publish(ctx, runID, g.Kind(e.To), e.To, 0)
}

// pass hands a node's completion on along edge e: a read for a read-gated operation, a mark
// otherwise.
func (h Publisher) pass(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	if g.ReadGated(e.To) {
		return h.passRead(ctx, runID, g, e)
	}
	return h.mark(ctx, runID, g, e)
}
