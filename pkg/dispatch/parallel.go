package dispatch

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Barrier names of the parallel graph.
const (
	BarrierStopped     = "stopped"
	BarrierSnapshotted = "snapshotted"
)

// phaseIndex finds a plan's operations by kind and target.
type phaseIndex struct {
	byKind   map[plan.OperationKind]map[string]int
	finalize int
}

func indexPhases(p *plan.Plan) phaseIndex {
	idx := phaseIndex{byKind: map[plan.OperationKind]map[string]int{}, finalize: -1}
	for seq, ph := range p.Phases {
		if ph.Kind == plan.KindFinalizeManifest {
			idx.finalize = seq
			continue
		}
		if ph.TargetCanisterID == nil {
			continue
		}
		m := idx.byKind[ph.Kind]
		if m == nil {
			m = map[string]int{}
			idx.byKind[ph.Kind] = m
		}
		m[*ph.TargetCanisterID] = seq
	}
	return idx
}

func (idx phaseIndex) find(kind plan.OperationKind, target string) (int, bool) {
	seq, ok := idx.byKind[kind][target]
	return seq, ok
}

// buildParallel wires DESIGN §5: stops top-down, every snapshot after every stop, starts
// bottom-up after every snapshot, download after its snapshot, verify after its download,
// finalize after every verify and after the starts of the selection's tops (so after every
// start).
func buildParallel(p *plan.Plan) *Graph {
	g := newGraph(len(p.Phases), BarrierStopped, BarrierSnapshotted)
	stopped, snapshotted := g.Ops, g.Ops+1
	idx := indexPhases(p)
	for _, t := range p.Targets {
		linkTarget(g, idx, p, t, stopped, snapshotted)
	}
	g.findInitial(p)
	return g
}

func linkTarget(g *Graph, idx phaseIndex, p *plan.Plan, t plan.Target, stopped, snapshotted int) {
	id := t.CanisterID
	stop, hasStop := idx.find(plan.KindStop, id)
	snap, hasSnap := idx.find(plan.KindCreateSnapshot, id)
	start, hasStart := idx.find(plan.KindStart, id)
	if hasStop {
		if t.ParentCanisterID != nil {
			if parentStop, ok := idx.find(plan.KindStop, *t.ParentCanisterID); ok {
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
		g.link(snapshotted, start)
		parentStart, hasParent := -1, false
		if t.ParentCanisterID != nil {
			parentStart, hasParent = idx.find(plan.KindStart, *t.ParentCanisterID)
		}
		switch {
		case hasParent:
			g.link(start, parentStart)
		case idx.finalize >= 0:
			// A top of the selection starts last (after all its descendants): finalize waits
			// for it, so a completed run never leaves a canister stopped.
			g.link(start, idx.finalize)
		}
	}
	linkTransfer(g, idx, id, snap, hasSnap)
}

func linkTransfer(g *Graph, idx phaseIndex, id string, snap int, hasSnap bool) {
	download, hasDownload := idx.find(plan.KindDownloadSnapshot, id)
	verify, hasVerify := idx.find(plan.KindVerifyArtifact, id)
	if hasDownload && hasSnap {
		g.link(snap, download)
	}
	if hasVerify && hasDownload {
		g.link(download, verify)
	}
	if hasVerify && idx.finalize >= 0 {
		g.link(verify, idx.finalize)
	}
}
