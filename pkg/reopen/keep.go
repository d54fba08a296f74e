package reopen

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// keptNodes are the graph nodes a re-arm leaves done. In a restore, completed uploads stay
// completed (their snapshots are on the targets and are loaded by the next pass), and so does
// the barrier that stands for all of them once it passed; a backup keeps nothing.
func keptNodes(ctx context.Context, env *runenv.Env, run runs.Record, g *dispatch.Graph, recs []runstore.OpRecord) (map[int]bool, error) {
	kept := map[int]bool{}
	if run.Kind != runs.KindRestore {
		return kept, nil
	}
	for seq, r := range recs {
		if r.Op.Kind == plan.KindUploadSnapshot && r.Op.State == journal.StateCompleted {
			kept[seq] = true
		}
	}
	for n := g.Ops; n < g.Nodes(); n++ {
		if g.BarrierName(n) != dispatch.BarrierUploaded {
			continue
		}
		b, err := env.Store.Barriers.Get(ctx, runstore.BarrierKey(run.RunID, g.BarrierName(n)))
		if err != nil {
			return nil, err
		}
		kept[n] = b.Value.Passed
	}
	return kept, nil
}

// premarked lists, per node, the dependency slots its kept predecessors already fill.
func premarked(g *dispatch.Graph, kept map[int]bool) map[int][]int {
	pre := map[int][]int{}
	for n, k := range kept {
		if !k {
			continue
		}
		for _, e := range g.Successors(n) {
			pre[e.To] = append(pre[e.To], e.Slot)
		}
	}
	return pre
}

// freshDeps is node n's dependency record as if just planned, with the kept predecessors marked.
func freshDeps(g *dispatch.Graph, n int, pre map[int][]int) dispatch.Deps {
	d := dispatch.NewDeps(g.Need(n))
	for _, slot := range pre[n] {
		d.Mark(slot)
	}
	return d
}
