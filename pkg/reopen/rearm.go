// Package reopen puts a failed run's operations back in play for a retry: failed operations
// back to ready, or, where containment undid the run's quiescence, every operation re-armed
// with fresh dependency bits; then every operation whose dependencies are met and that is not
// done is published again.
package reopen

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// NeedsRearm reports whether a retry must quiesce the selection again: containment restarted
// a canister whose stop had completed before every snapshot was taken.
func NeedsRearm(run runs.Record, recs []runstore.OpRecord) bool {
	if run.Containment == nil {
		return false
	}
	if run.Kind == runs.KindRestore { // containment ran before the first load: stop again
		return !run.LoadsBegun && slices.ContainsFunc(recs, func(r runstore.OpRecord) bool {
			return r.Op.Kind == plan.KindStop && r.Op.State == journal.StateCompleted
		})
	}
	stopped, snapshotsDone := false, true
	for _, r := range recs {
		stopped = stopped || (r.Op.Kind == plan.KindStop && r.Op.State == journal.StateCompleted)
		snapshotsDone = snapshotsDone && (r.Op.Kind != plan.KindCreateSnapshot || r.Op.State == journal.StateCompleted)
	}
	return stopped && !snapshotsDone
}

// Rearm puts every stop, snapshot, start, download and verify back to ready with fresh
// dependency bits, as if the run had just been planned; snapshots remember the previous pass's
// baseline so that its snapshots are deleted before new ones are taken. O(N), once per retry.
func Rearm(ctx context.Context, env *runenv.Env, run runs.Record, rp *runstore.RunPlan, recs []runstore.OpRecord) error {
	if _, ok := env.Exec.(executor.SnapshotDeleter); !ok {
		return fmt.Errorf("%w: run %s needs a new quiescence, and this executor cannot delete the snapshots of the first pass; start a new run", ErrCannotRearm, run.RunID)
	}
	g := rp.Graph
	kept, err := keptNodes(ctx, env, run, g, recs)
	if err != nil {
		return err
	}
	pre := premarked(g, kept)
	for seq, r := range recs {
		if r.Op.Kind.IsPreflight() || kept[seq] {
			continue
		}
		if _, err := env.Store.Ops.Update(ctx, runstore.OpKey(run.RunID, seq), func(o *runstore.OpRecord) error {
			return rearmOp(env, o, freshDeps(g, seq, pre))
		}); err != nil {
			return err
		}
	}
	for n := g.Ops; n < g.Nodes(); n++ {
		if kept[n] {
			continue
		}
		if err := env.Store.ResetBarrier(ctx, run.RunID, g.BarrierName(n), g.Need(n), pre[n]); err != nil {
			return err
		}
	}
	return nil
}

func rearmOp(env *runenv.Env, o *runstore.OpRecord, deps dispatch.Deps) error {
	o.Deps, o.Dispatched, o.Claim = deps, false, nil
	if o.Op.Kind.IsFinal() {
		return nil
	}
	if o.Op.Kind == plan.KindCreateSnapshot && o.BaselineRecorded {
		o.PriorBaseline, o.HasPriorBaseline = o.SnapshotsBefore, true
		o.SnapshotsBefore, o.BaselineRecorded, o.BaselineAttempt = nil, false, 0
	}
	if o.Op.State == journal.StateReady {
		return nil // never run: only its dependency bits start over
	}
	return journal.RearmOp(&o.Op, env.MarkerPtr())
}

// ErrCannotRearm says a run needs a new quiescence that its executor cannot give it.
var ErrCannotRearm = errors.New("cannot re-arm")
