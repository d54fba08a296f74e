package reopen

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// ResetFailed moves every failed operation of run (recs) back to ready, with its count.
func ResetFailed(ctx context.Context, env *runenv.Env, run runs.Record, recs []runstore.OpRecord) error {
	for seq, r := range recs {
		if r.Op.State != journal.StateFailed {
			continue
		}
		changed := false
		_, err := env.Store.Ops.Update(ctx, runstore.OpKey(run.RunID, seq), func(o *runstore.OpRecord) error {
			if changed = o.Op.State == journal.StateFailed; !changed {
				return runstore.ErrNoChange
			}
			o.Claim = nil
			return journal.RetryOp(&o.Op, env.MarkerPtr())
		})
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if err := env.MoveCount(ctx, run, r.Op.Kind, journal.StateFailed, journal.StateReady); err != nil {
			return err
		}
	}
	return nil
}

// Republish reads every operation after the run is running again (so that no hand-off in
// between is missed) and sends each one that is not done and whose dependencies are met (all
// marked, or its gate open: package handoff's gate.go).
func Republish(ctx context.Context, env *runenv.Env, run runs.Record) error {
	rp, err := env.Store.LoadRunPlan(ctx, run.RunID, run.Order)
	if err != nil {
		return err
	}
	recs, err := env.Store.LoadOps(ctx, run.RunID, len(rp.Plan.Phases))
	if err != nil {
		return err
	}
	h := handoff.Publisher{Store: env.Store, Gen: run.Retries}
	for seq, r := range recs {
		if r.Op.State.Done() || r.Op.Kind.IsPreflight() {
			continue
		}
		ready, err := handoff.Ready(ctx, env.Store, run.RunID, rp.Graph, seq, r.Deps)
		if err != nil {
			return err
		}
		if !ready {
			continue
		}
		if err := h.Publish(ctx, run.RunID, r); err != nil {
			return err
		}
	}
	return nil
}
