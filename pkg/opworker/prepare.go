package opworker

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Preparer is implemented by an effect that learns something before its operation is claimed
// and writes it in the claim's own compare-and-swap (a snapshot's baseline): one write fewer,
// on the path that keeps canisters down. Wants says whether a record needs it (asked on every
// read of the claim); Prepare is called only then, before the claim's write, and the change it
// returns is applied in that write, after the claim (so it sees the claim's attempt).
type Preparer interface {
	Wants(r *runstore.OpRecord) bool
	Prepare(ctx context.Context, env *runenv.Env, target string) (func(*runstore.OpRecord), error)
}

// errPrepare says a claim found its operation wanting its effect's preparation.
var errPrepare = errors.New("the claim needs its effect's preparation")

// prepare runs the preparation of operation seq's effect on the target the plan names.
func (w *Worker) prepare(ctx context.Context, run runs.Record, seq int) (func(*runstore.OpRecord), error) {
	rp, err := w.plans.Get(ctx, w.Env.Store, run.RunID, run.Order)
	if err != nil {
		return nil, err
	}
	phases := rp.Plan.Phases
	if seq < 0 || seq >= len(phases) || phases[seq].TargetCanisterID == nil {
		return nil, fmt.Errorf("operation %d of %s has no target to prepare", seq, run.RunID)
	}
	p, ok := w.effects[phases[seq].Kind].(Preparer)
	if !ok {
		return nil, fmt.Errorf("operation %d of %s: its effect prepares nothing", seq, run.RunID)
	}
	return p.Prepare(ctx, w.Env, *phases[seq].TargetCanisterID)
}
