package runenv

import (
	"context"
	"errors"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Settle runs once a run is settled (terminal, nothing left stopped, no containment under
// way): what it left in its backup directory is cleaned, then its canister locks are freed and
// the release recorded.
func (e *Env) Settle(ctx context.Context, run runs.Record) error {
	p, err := e.Store.PlanIfAny(ctx, run.RunID)
	if err != nil {
		return err
	}
	if p != nil {
		e.cleanAfter(ctx, run, p)
		if err := e.Store.FreeLocks(ctx, run.RunID, run.LockEpoch, runstore.LockKeys(p), e.RFC3339()); err != nil {
			e.Logger().Warn("freeing canister locks", "run_id", run.RunID, "err", err)
		}
	}
	_, err = e.Store.Apply(ctx, run.RunID, runs.Released{Epoch: run.LockEpoch}, e.RFC3339())
	if errors.Is(err, runs.ErrRefused) {
		return nil
	}
	if err == nil {
		e.Logger().Info("run settled; canister locks released", "run_id", run.RunID, "state", run.State)
	}
	return err
}

// cleanAfter removes what a settled run left in its backup directory: every staging
// directory of an aborted or rejected run, the partial downloads of a failed one (a retry
// goes on from the finished ones). A completed run has none.
func (e *Env) cleanAfter(ctx context.Context, run runs.Record, p *plan.Plan) {
	if p.IsRestore() {
		e.cleanRestore(ctx, run, p)
		return
	}
	var ids []string
	var err error
	switch run.State {
	case runs.Aborted, runs.Rejected:
		for _, t := range p.Targets {
			ids = append(ids, t.CanisterID)
		}
	case runs.Failed:
		ids, err = e.Store.UnfinishedDownloads(ctx, run.RunID, p)
	default:
		return
	}
	if err == nil {
		err = layout.RemoveStaging(e.BackupRoot, run.RunID, ids)
	}
	if err != nil {
		e.Logger().Warn("removing staging directories", "run_id", run.RunID, "err", err)
	}
}
