// Package containment restarts, bottom-up, every canister a failed or aborted run may have
// stopped (DESIGN §6): the planner's own action, sent on fb.runs.internal.<run_id> when a
// management operation fails or an operator aborts.
package containment

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Container restarts what runs stopped. It claims start operations as a worker would, so
// that the journal and restart_required say what happened.
type Container struct {
	Env  *runenv.Env
	once sync.Once
	w    *opworker.Worker
}

// errInFlight says a management call of the run is still running somewhere; containment
// waits for it rather than start a canister that a worker is about to stop or snapshot.
type errInFlight struct {
	op    string
	until time.Time
}

func (e *errInFlight) Error() string { return fmt.Sprintf("%s still in flight", e.op) }

// Contain restarts, bottom-up, every canister the run may have stopped. A target whose stop
// completed is started through the plan's own start operation (claim, start, receipt), so the
// journal and restart_required say what happened. A target whose stop failed or was cut short
// is only checked, and started if it is not running, leaving its journal operations as they
// are so that a retry can still stop, snapshot and start it. Repeating containment is safe: a
// running canister is not started again.
func (c *Container) Contain(ctx context.Context, runID string) error {
	run, err := c.Env.Store.Run(ctx, runID)
	if errors.Is(err, runstore.ErrNotFound) {
		return worker.Reject(fmt.Errorf("containment of run %s: %w", runID, err))
	}
	if err != nil || !run.ContainmentPending() {
		return worker.Later(err)
	}
	w := c.worker()
	rp, err := w.Plans().Get(ctx, c.Env.Store, runID, run.Order)
	if errors.Is(err, runstore.ErrNotFound) {
		return worker.Later(c.finish(ctx, runID, nil)) // never planned: nothing was stopped
	}
	if err != nil {
		return worker.Later(err)
	}
	err = restartAll(ctx, w, run, rp)
	var busy *errInFlight
	switch {
	case errors.As(err, &busy):
		// In-flight calls usually end long before their lease: look again soon.
		return &worker.Retry{Delay: min(max(time.Until(busy.until), 50*time.Millisecond), 250*time.Millisecond), Err: err}
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	}
	return worker.Later(c.finish(ctx, runID, err))
}

func (c *Container) worker() *opworker.Worker {
	c.once.Do(func() { c.w = opworker.New(c.Env, "containment", nil) })
	return c.w
}

// finish records the outcome, with counts recomputed from the operation records so that they
// are exact whatever count updates a crash may have lost.
func (c *Container) finish(ctx context.Context, runID string, cause error) error {
	counts, err := c.Env.Store.Recount(ctx, runID)
	if err != nil {
		return err
	}
	ev := runs.FinishContainment{Counts: counts}
	if cause != nil {
		ev.Err = cause.Error()
	}
	_, err = c.Env.ApplyIfAllowed(ctx, runID, ev)
	return err
}
