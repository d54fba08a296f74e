// Package snapshotter holds the effects of the management operations: stop, create-snapshot
// and start, one file each, registered by kind on an opworker.Worker.
package snapshotter

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/restoreops"
	"github.com/fleetbackup/fleetbackup/pkg/snapshotter/inventory"
)

// Effects are the snapshotter's effects by kind.
func Effects() opworker.Effects {
	return opworker.Effects{}.
		Register(plan.KindStop, opworker.EffectFunc(stop)).
		Register(plan.KindCreateSnapshot, inventory.Claimed{EffectFunc: snapshot}).
		Register(plan.KindStart, opworker.EffectFunc(start)).
		Register(plan.KindLoadSnapshot, opworker.EffectFunc(restoreops.Load)).
		Register(plan.KindCheckMember, opworker.EffectFunc(restoreops.Check))
}

// stop stops the target, unless a takeover or retry finds it stopped already. A stop never
// starts on an expired preflight.
func stop(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	return lifecycle(ctx, j, executor.StatusStopped, j.Env.Exec.Stop, true)
}

// start starts the target; starts are always allowed (they undo what a run did).
func start(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	return lifecycle(ctx, j, executor.StatusRunning, j.Env.Exec.Start, false)
}

func lifecycle(ctx context.Context, j *opworker.Job, want executor.Status,
	call func(context.Context, string) error, needsPreflight bool) (journal.Receipt, error) {
	r := j.Receipt()
	target, err := j.Target()
	if err == nil && needsPreflight {
		err = checkPreflight(j)
	}
	if err == nil {
		err = executor.Lifecycle(ctx, j.Env.Exec, j.Env.Retry, target, want, call, j.Attempt() > 1)
	}
	r.UpdatedAt = j.Env.MarkerPtr()
	return r, err
}

// checkPreflight refuses a management call once the accepted preflight has expired.
func checkPreflight(j *opworker.Job) error {
	if err := j.Env.CheckPreflight(j.Run); err != nil {
		return executor.Permanent("preflight", "%v", err)
	}
	return nil
}
