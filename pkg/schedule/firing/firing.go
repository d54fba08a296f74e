// Package firing is the planner's handling of a request fired by a JetStream message schedule
// (docs/schedules.md): it names the firing's run <schedule>-<UTC time>, applies the overlap
// policy by compare-and-swap on the schedule's record (`<prefix>_schedules/<name>`, package
// schedule/overlap), prunes the schedule's own backups when the schedule carries a prune
// policy (package schedule/prune), and hands the firings that run to admission.
package firing

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/admission"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
	"github.com/fleetbackup/fleetbackup/pkg/schedule/overlap"
	"github.com/fleetbackup/fleetbackup/pkg/schedule/prune"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Firer handles the requests schedules fire.
type Firer struct {
	Env       *runenv.Env
	Admission *admission.Admitter
}

// Handle handles one request the server published for a schedule (Nats-Scheduler set). The
// firing's run id is <schedule>-<UTC time of the generated message>, the same for every
// delivery of that message. A firing whose run exists is a copy and is admitted as one;
// otherwise the schedule's record decides (schedule.Decide): the firing claims the schedule and
// runs, or is recorded as skipped while the schedule's last run is active. A firing that runs
// first prunes the schedule's own backups if the definition carries a prune policy (header
// Fleetbackup-Prune; package prune: the new run counts as the newest backup, and a prune never
// stops the backup). The body is then decoded like any request, and must not name a run_id: a
// bad one leaves a rejected run under the firing's id.
func (f *Firer) Handle(ctx context.Context, msg jetstream.Msg) error {
	name, fired, err := f.firing(msg)
	if err != nil {
		return worker.Reject(err)
	}
	runID := schedule.RunID(name, fired)
	if opened, err := overlap.Opened(ctx, f.Env, runID); err != nil {
		return worker.Later(err)
	} else if opened {
		return f.Admission.AdmitAs(ctx, msg, runID, schedule.CheckRequest)
	}
	verdict, reason, err := overlap.Claim(ctx, f.Env, name, runID)
	switch {
	case err != nil:
		return worker.Later(err)
	case verdict == schedule.SkipIt:
		f.Env.Logger().Warn("scheduled run skipped", "schedule", name, "run_id", runID, "reason", reason)
		reply.Send(f.Env.Store.JS.Conn(), msg, reply.Reply{RunID: runID, State: runs.Rejected, Error: reason})
		return nil
	case verdict == schedule.Done:
		return nil
	}
	if _, err := schedule.CheckRequest(msg.Data()); err == nil { // a body that does not decode runs nothing
		prune.AtFiring(f.Env.Logger(), f.Env.BackupRoot, msg.Headers().Get(schedule.HeaderPrune),
			prune.Firing{Schedule: name, RunID: runID, At: fired})
	}
	return f.Admission.AdmitAs(ctx, msg, runID, schedule.CheckRequest)
}

// firing reads which schedule fired a message, and when. Only the server sets
// Nats-Schedule-Next to a time; a client may set Nats-Scheduler only beside
// "Nats-Schedule-Next: purge" (one-shot schedules, which fleetbackup does not make), so such a
// message is refused as forged.
func (f *Firer) firing(msg jetstream.Msg) (string, time.Time, error) {
	names := f.Env.Store.Names
	scheduler := msg.Headers().Get(schedule.HeaderScheduler)
	name, ok := names.ScheduleName(scheduler)
	if !ok {
		return "", time.Time{}, fmt.Errorf("request fired by %q: not a schedule of this installation (%s) with a valid name (%s)",
			scheduler, names.ScheduleWildcard(), schedule.NamePattern)
	}
	if next := msg.Headers().Get(schedule.HeaderNext); next == "" || next == "purge" {
		return "", time.Time{}, fmt.Errorf("request naming schedule %s without a next firing time (Nats-Schedule-Next %q): "+
			"a one-shot schedule, or a client-set Nats-Scheduler; refused", name, next)
	}
	md, err := msg.Metadata()
	if err != nil {
		return "", time.Time{}, fmt.Errorf("request fired by schedule %s: no stream metadata: %w", name, err)
	}
	return name, md.Timestamp, nil
}
