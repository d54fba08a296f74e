package dispatch

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Barrier names of the parallel graph.
const (
	BarrierStopped     = "stopped"
	BarrierSnapshotted = "snapshotted"
)

// buildParallel wires DESIGN §5: stops top-down, every snapshot after every stop, starts
// bottom-up after every snapshot, downloads after every start (a deliberate addition: see
// linkTarget), verify after its download, finalize after every verify
// and after the starts of the selection's tops (so after every start).
func buildParallel(p *plan.Plan) *Graph {
	g := newGraph(len(p.Phases), BarrierStopped, BarrierSnapshotted, BarrierStarted)
	stopped, snapshotted, started := g.Ops, g.Ops+1, g.Ops+2
	idx := plan.IndexOperations(p)
	for _, t := range p.Targets {
		linkTarget(g, idx, t, stopped, snapshotted, started)
	}
	g.findInitial(p)
	return g
}

func linkTarget(g *Graph, idx plan.OperationIndex, t plan.Target, stopped, snapshotted, started int) {
	id := t.CanisterID
	stop, hasStop := idx.Find(plan.KindStop, id)
	snap, hasSnap := idx.Find(plan.KindCreateSnapshot, id)
	start, hasStart := idx.Find(plan.KindStart, id)
	if hasStop {
		if t.ParentCanisterID != nil {
			if parentStop, ok := idx.Find(plan.KindStop, *t.ParentCanisterID); ok {
				g.link(parentStop, stop)
			}
		}
		g.link(stop, stopped)
	}
	if hasSnap {
		g.link(stopped, snap)
		g.link(snap, snapshotted)
	}
	if hasStart {
		linkStart(g, idx, t, start, snapshotted, started)
	}
	// A download waits for every canister of the run to run again, not only for its own
	// snapshot: transfers (gigabytes, the heaviest work of a run) never compete with the
	// management calls that keep canisters down, so downtime is set by the fleet's depth and
	// the calls alone. (A target without a start, which plans do not make, waits for its snapshot.)
	after, hasAfter := snap, hasSnap
	if hasStart {
		after, hasAfter = started, true
	}
	linkTransfer(g, idx, id, after, hasAfter)
}

// linkStart wires a start: after every snapshot, before its parent's start; a top of the
// selection (no parent start in the run) before finalize and into the barrier downloads wait
// for. A top starts after all its descendants, so "every top started" is "every start done":
// the started barrier has a few predecessors, not N, and a leaf's start passes on to its
// parent's alone.
func linkStart(g *Graph, idx plan.OperationIndex, t plan.Target, start, snapshotted, started int) {
	g.link(snapshotted, start)
	if t.ParentCanisterID != nil {
		if parentStart, ok := idx.Find(plan.KindStart, *t.ParentCanisterID); ok {
			g.link(start, parentStart)
			return
		}
	}
	g.link(start, started)
	if idx.Finalize() >= 0 {
		// A top of the selection starts last (after all its descendants): finalize waits
		// for it, so a completed run never leaves a canister stopped.
		g.link(start, idx.Finalize())
	}
}

func linkTransfer(g *Graph, idx plan.OperationIndex, id string, after int, hasAfter bool) {
	download, hasDownload := idx.Find(plan.KindDownloadSnapshot, id)
	verify, hasVerify := idx.Find(plan.KindVerifyArtifact, id)
	if hasDownload && hasAfter {
		g.link(after, download)
	}
	if hasVerify && hasDownload {
		g.link(download, verify)
	}
	if hasVerify && idx.Finalize() >= 0 {
		g.link(verify, idx.Finalize())
	}
}
