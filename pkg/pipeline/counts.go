package pipeline

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

func countsOf(c journal.Counts) Counts {
	return Counts{Total: c.Total, Ready: c.Ready, Pending: c.Pending, Blocked: c.Blocked,
		Completed: c.Completed, Failed: c.Failed, Skipped: c.Skipped,
		StopsCompleted: c.StopsCompleted, StartsUnfinished: c.StartsUnfinished}
}

func (c Counts) journal() journal.Counts {
	return journal.Counts{Total: c.Total, Ready: c.Ready, Pending: c.Pending, Blocked: c.Blocked,
		Completed: c.Completed, Failed: c.Failed, Skipped: c.Skipped,
		StopsCompleted: c.StopsCompleted, StartsUnfinished: c.StartsUnfinished}
}

// moveCount records one operation's transition in the run record (one compare-and-swap),
// keeping restart_required in step. A run in a terminal state keeps its counts moving too:
// containment restarts canisters after a failure.
func (e *Env) moveCount(ctx context.Context, runID string, kind plan.OperationKind, from, to journal.State) error {
	if from == to {
		return nil
	}
	_, err := e.Store.Runs.Update(ctx, runID, func(r *RunRecord) error {
		jc := r.Counts.journal()
		jc.Apply(kind, from, to)
		r.Counts = countsOf(jc)
		r.RestartRequired = jc.RestartRequired()
		r.UpdatedAt = e.rfc3339()
		return nil
	})
	return err
}
