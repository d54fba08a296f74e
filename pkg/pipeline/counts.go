package pipeline

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// moveCount records one operation's transition in the run record (one compare-and-swap),
// keeping restart_required in step. A run in a terminal state keeps its counts moving too:
// containment restarts canisters after a failure.
func (e *Env) moveCount(ctx context.Context, runID string, kind plan.OperationKind, from, to journal.State) error {
	if from == to {
		return nil
	}
	_, err := e.applyIfAllowed(ctx, runID, runs.Count{Kind: kind, From: from, To: to})
	return err
}
