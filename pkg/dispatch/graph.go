// Package dispatch computes which operations of a plan wait for which, and tracks, one
// record per node, which of a node's predecessors are done.
//
// The graph has one node per non-preflight operation plus barrier nodes that stand for
// "all stops done" and "all snapshots done", so that no node has N predecessors and N
// successors at once: the graph has O(N) edges, and completing one operation touches only
// its direct successors.
package dispatch

import (
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Order says how operations wait for each other.
type Order string

// Orders of a run.
const (
	// Parallel follows the dependency graph of DESIGN §5.
	Parallel Order = "parallel"
	// Strict runs exactly the plan's sequence, one operation at a time.
	Strict Order = "strict"
)

// ParseOrder accepts "", "parallel" or "strict"; "" means Parallel.
func ParseOrder(s string) (Order, error) {
	switch Order(s) {
	case "", Parallel:
		return Parallel, nil
	case Strict:
		return Strict, nil
	}
	return "", fmt.Errorf("unknown order %q: want parallel or strict", s)
}

// Edge points from a node to one of its successors; Slot is the node's index among the
// successor's predecessors (its bit in the successor's Deps).
type Edge struct {
	To   int
	Slot int
}

// Graph is the dependency graph of one run. Nodes 0..Ops-1 are plan phases by sequence
// (preflight phases have no edges: acceptance completes them); nodes from Ops on are barriers.
type Graph struct {
	Ops      int
	Barriers []string // names of barrier nodes Ops, Ops+1, ...
	preds    [][]int
	succs    [][]Edge
	initial  []int
	kinds    []plan.OperationKind // of the operation nodes, by sequence
}

// Nodes is the number of nodes, operations and barriers.
func (g *Graph) Nodes() int { return len(g.preds) }

// IsBarrier reports whether node n is a barrier.
func (g *Graph) IsBarrier(n int) bool { return n >= g.Ops }

// BarrierName names barrier node n.
func (g *Graph) BarrierName(n int) string { return g.Barriers[n-g.Ops] }

// Need is the number of predecessors node n waits for.
func (g *Graph) Need(n int) int { return len(g.preds[n]) }

// Successors lists the nodes waiting for n.
func (g *Graph) Successors(n int) []Edge { return g.succs[n] }

// Initial lists the operations with nothing to wait for: dispatched once preflight is accepted.
func (g *Graph) Initial() []int { return g.initial }

func newGraph(ops int, barriers ...string) *Graph {
	n := ops + len(barriers)
	return &Graph{Ops: ops, Barriers: barriers, preds: make([][]int, n), succs: make([][]Edge, n)}
}

func (g *Graph) link(from, to int) {
	g.succs[from] = append(g.succs[from], Edge{To: to, Slot: len(g.preds[to])})
	g.preds[to] = append(g.preds[to], from)
}

// Kind is the kind of operation n (not of a barrier).
func (g *Graph) Kind(n int) plan.OperationKind { return g.kinds[n] }

// findInitial lists the operations that wait for nothing and keeps every operation's kind.
func (g *Graph) findInitial(p *plan.Plan) {
	g.kinds = make([]plan.OperationKind, len(p.Phases))
	for seq, ph := range p.Phases {
		g.kinds[seq] = ph.Kind
		if !ph.Kind.IsPreflight() && len(g.preds[seq]) == 0 {
			g.initial = append(g.initial, seq)
		}
	}
}

// Build computes the graph of a plan under an order.
func Build(p *plan.Plan, order Order) *Graph {
	switch {
	case order == Strict:
		return buildStrict(p)
	case p.IsRestore():
		return buildRestore(p)
	}
	return buildParallel(p)
}

func buildStrict(p *plan.Plan) *Graph {
	g := newGraph(len(p.Phases))
	prev := -1
	for seq, ph := range p.Phases {
		if ph.Kind.IsPreflight() {
			continue
		}
		if prev >= 0 {
			g.link(prev, seq)
		}
		prev = seq
	}
	g.findInitial(p)
	return g
}

// ReadGateMax is the most predecessors a read-gated operation has (ReadGated): deciding that
// one is ready reads them all, so with this bound a run's reads stay O(N).
const ReadGateMax = 64

// ReadGated reports whether operation n's readiness is read, not marked: n has at least one
// and at most ReadGateMax predecessors (every operation of a run but one waiting for a wide
// fan-in, such as finalize or the start of a parent of more than ReadGateMax children). Its
// predecessors' completions do not write its record: they read its other predecessors and
// publish it when all are done (an operation's record done, a barrier's root complete), and
// its claim reads them too and marks every slot in its own compare-and-swap.
func (g *Graph) ReadGated(n int) bool {
	return n >= 0 && n < g.Ops && len(g.preds[n]) >= 1 && len(g.preds[n]) <= ReadGateMax
}

// Predecessors lists the nodes n waits for, by slot.
func (g *Graph) Predecessors(n int) []int { return g.preds[n] }
