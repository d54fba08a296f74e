package control

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// needsRearm reports whether a retry must quiesce the selection again: containment restarted
// a canister whose stop had completed before every snapshot was taken.
func needsRearm(run runs.Record, recs []runstore.OpRecord) bool {
	if run.Containment == nil {
		return false
	}
	stopped, snapshotsDone := false, true
	for _, r := range recs {
		stopped = stopped || (r.Op.Kind == plan.KindStop && r.Op.State == journal.StateCompleted)
		snapshotsDone = snapshotsDone && (r.Op.Kind != plan.KindCreateSnapshot || r.Op.State == journal.StateCompleted)
	}
	return stopped && !snapshotsDone
}

// rearm puts every stop, snapshot, start, download and verify back to ready with fresh
// dependency bits, as if the run had just been planned; snapshots remember the previous pass's
// baseline so that its snapshots are deleted before new ones are taken. O(N), once per retry.
func (p *Controller) rearm(ctx context.Context, run runs.Record, stored *plan.Plan, recs []runstore.OpRecord) error {
	if _, ok := p.Env.Exec.(executor.SnapshotDeleter); !ok {
		return errRefused("run %s needs a new quiescence, and this executor cannot delete the snapshots of the first pass; start a new run", run.RunID)
	}
	g := dispatch.Build(stored, run.Order)
	for seq, r := range recs {
		if r.Op.Kind.IsPreflight() {
			continue
		}
		if _, err := p.Env.Store.Ops.Update(ctx, runstore.OpKey(run.RunID, seq), func(o *runstore.OpRecord) error {
			return p.rearmOp(o, g.Need(seq))
		}); err != nil {
			return err
		}
	}
	for n := g.Ops; n < g.Nodes(); n++ {
		if _, err := p.Env.Store.Barriers.Update(ctx, runstore.BarrierKey(run.RunID, g.BarrierName(n)), func(b *runstore.BarrierRecord) error {
			b.Deps, b.Passed = dispatch.NewDeps(g.Need(n)), false
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func (p *Controller) rearmOp(o *runstore.OpRecord, need int) error {
	o.Deps, o.Dispatched, o.Claim = dispatch.NewDeps(need), false, nil
	if o.Op.Kind == plan.KindFinalizeManifest {
		return nil
	}
	if o.Op.Kind == plan.KindCreateSnapshot && o.BaselineRecorded {
		o.PriorBaseline, o.HasPriorBaseline = o.SnapshotsBefore, true
		o.SnapshotsBefore, o.BaselineRecorded = nil, false
	}
	if o.Op.State == journal.StateReady {
		return nil // never run: only its dependency bits start over
	}
	return journal.RearmOp(&o.Op, p.Env.MarkerPtr())
}

func errRefused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrControlRefused}, args...)...)
}
