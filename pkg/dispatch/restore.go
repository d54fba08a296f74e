package dispatch

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Barrier names of a restore's parallel graph.
const (
	BarrierUploaded = "uploaded"
	BarrierLoaded   = "loaded"
	BarrierStarted  = "started"
	BarrierChecked  = "checked"
)

// restorePhases are a restore plan's operations grouped by phase.
type restorePhases struct {
	memberChecks, fleetChecks []int
	finalize                  int
}

// buildRestore wires DESIGN §10 in phases: every upload first (the fleet keeps running); each
// stop after every upload and after its parent's stop; each load after every stop and after its
// parent's load; each start after every load and after its children's starts; member checks
// after every start; deployment checks after every member check; finalize last. Barriers stand
// for "every operation of a phase", so the graph keeps O(N) edges.
func buildRestore(p *plan.Plan) *Graph {
	ph := groupRestore(p)
	barriers := []string{BarrierUploaded, BarrierStopped, BarrierLoaded, BarrierStarted}
	if len(ph.memberChecks) > 0 {
		barriers = append(barriers, BarrierChecked)
	}
	g := newGraph(len(p.Phases), barriers...)
	uploaded, stopped, loaded, started := g.Ops, g.Ops+1, g.Ops+2, g.Ops+3
	idx := plan.IndexOperations(p)
	for _, t := range p.Targets {
		linkRestoreTarget(g, idx, t, [4]int{uploaded, stopped, loaded, started})
	}
	after := started
	if len(ph.memberChecks) > 0 {
		after = g.Ops + 4
		for _, c := range ph.memberChecks {
			g.link(started, c)
			g.link(c, after)
		}
	}
	for _, c := range ph.fleetChecks {
		g.link(after, c)
		g.link(c, ph.finalize)
	}
	g.link(after, ph.finalize)
	g.findInitial(p)
	return g
}

func groupRestore(p *plan.Plan) restorePhases {
	ph := restorePhases{finalize: len(p.Phases) - 1}
	for seq, op := range p.Phases {
		if op.Kind != plan.KindCheckMember {
			continue
		}
		if op.TargetCanisterID == nil {
			ph.fleetChecks = append(ph.fleetChecks, seq)
		} else {
			ph.memberChecks = append(ph.memberChecks, seq)
		}
	}
	return ph
}

// linkRestoreTarget links one member's upload, stop, load and start; b holds the uploaded,
// stopped, loaded and started barriers.
func linkRestoreTarget(g *Graph, idx plan.OperationIndex, t plan.Target, b [4]int) {
	id := t.CanisterID
	parent := func(kind plan.OperationKind) (int, bool) {
		if t.ParentCanisterID == nil {
			return 0, false
		}
		return idx.Find(kind, *t.ParentCanisterID)
	}
	if up, ok := idx.Find(plan.KindUploadSnapshot, id); ok {
		g.link(up, b[0])
	}
	if stop, ok := idx.Find(plan.KindStop, id); ok {
		g.link(b[0], stop)
		if ps, ok := parent(plan.KindStop); ok {
			g.link(ps, stop)
		}
		g.link(stop, b[1])
	}
	if load, ok := idx.Find(plan.KindLoadSnapshot, id); ok {
		g.link(b[1], load)
		if pl, ok := parent(plan.KindLoadSnapshot); ok {
			g.link(pl, load)
		}
		g.link(load, b[2])
	}
	if start, ok := idx.Find(plan.KindStart, id); ok {
		g.link(b[2], start)
		if ps, ok := parent(plan.KindStart); ok {
			g.link(start, ps) // children first
		}
		g.link(start, b[3])
	}
}
