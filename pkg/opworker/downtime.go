package opworker

import (
	"context"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// recorded tells ctx's Observer, if any, that receipt r was recorded on j's operation at
// atNanos: its outcome, how long its effect ran (on the message path), and for a completed
// start how long its canister was down. Without an Observer it reads nothing.
func (w *Worker) recorded(ctx context.Context, j *Job, r journal.Receipt, atNanos int64) {
	o := ObserverFrom(ctx)
	if o == nil {
		return
	}
	op := j.Rec.Op
	o.OperationEnded(string(op.Kind), string(r.Outcome))
	if j.ran {
		o.OperationTook(string(op.Kind), j.took)
	}
	if op.Kind != plan.KindStart || r.Outcome != journal.OutcomeCompleted || j.Plan == nil {
		return
	}
	if stopped, ok := w.stopCompletedAt(ctx, j, deref(op.TargetCanisterID)); ok && atNanos >= stopped {
		o.CanisterDowntime(runKind(j.Run), time.Duration(atNanos-stopped))
	}
}

// stopCompletedAt is when the run's stop of target was last recorded completed (Unix
// nanoseconds, from its operation record): one KV read. False when the run has no such stop
// or it never completed (containment starts a canister whose stop failed, too).
func (w *Worker) stopCompletedAt(ctx context.Context, j *Job, target string) (int64, bool) {
	for seq, ph := range j.Plan.Plan.Phases {
		if ph.Kind != plan.KindStop || ph.TargetCanisterID == nil || *ph.TargetCanisterID != target {
			continue
		}
		e, err := w.Env.Store.Ops.Get(ctx, runstore.OpKey(j.Run.RunID, seq))
		if err != nil {
			return 0, false
		}
		rs := e.Value.Receipts
		for i := len(rs) - 1; i >= 0; i-- {
			if rs[i].Outcome == journal.OutcomeCompleted && rs[i].RecordedAtNanos > 0 {
				return rs[i].RecordedAtNanos, true
			}
		}
		return 0, false
	}
	return 0, false
}

// runKind is the run's kind; records written before kinds existed are backups.
func runKind(r runs.Record) string {
	if r.Kind == "" {
		return runs.KindBackup
	}
	return r.Kind
}
