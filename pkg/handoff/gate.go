package handoff

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// A barrier's fan-out to its gated successors (dispatch.Graph.GatedBy: a barrier is their only
// predecessor) publishes them without marking their records: a compare-and-swap per successor,
// N of them twice per run on the critical path of downtime, saved. Whoever decides that such an
// operation may run reads the barrier's root record instead (GateOpen): the claim step, which
// then marks the slot in its own compare-and-swap, and a resume's republication.

// Ready reports whether operation seq of a run, whose record's dependencies are deps, may run:
// every predecessor marked done, or its gate open.
func Ready(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, seq int, deps dispatch.Deps) (bool, error) {
	if deps.Satisfied() {
		return true, nil
	}
	return GateOpen(ctx, s, runID, g, seq)
}

// GateOpen reports whether seq is gated by a barrier (its only predecessor) that has passed:
// every predecessor of the barrier is done, as its root record shows. A barrier's root is
// complete only once every shard of a tree is, and bits are never cleared within a generation.
func GateOpen(ctx context.Context, s *runstore.Store, runID string, g *dispatch.Graph, seq int) (bool, error) {
	b, ok := g.GatedBy(seq)
	if !ok {
		return false, nil
	}
	root, err := s.Barriers.Get(ctx, runstore.BarrierKey(runID, g.BarrierName(b)))
	if err != nil {
		return false, err
	}
	return root.Value.Deps.Satisfied(), nil
}

// publishGated publishes a gated successor as its first dispatch, without reading its record:
// a barrier passes once per generation, so its gated successors have not been claimed unless
// this is a repeat of the fan-out, whose messages (the same ids) the stream drops within its
// duplicate window and the claim step ignores after it.
func (h Publisher) publishGated(ctx context.Context, runID string, g *dispatch.Graph, seq int) error {
	return h.publish(ctx, runID, g.Kind(seq), seq, 0)
}

// pass hands node e's predecessor's completion on to e.To: a publication for a gated
// operation, a mark otherwise.
func (h Publisher) pass(ctx context.Context, runID string, g *dispatch.Graph, e dispatch.Edge) error {
	if _, gated := g.GatedBy(e.To); gated {
		return h.publishGated(ctx, runID, g, e.To)
	}
	return h.mark(ctx, runID, g, e)
}
