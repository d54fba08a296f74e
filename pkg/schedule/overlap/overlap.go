// Package overlap applies a schedule's overlap policy (schedule.Decide) to one firing by
// compare-and-swap on the schedule's record, `<prefix>_schedules/<name>` (docs/schedules.md):
// the firing claims the schedule and runs, or is recorded as skipped while the schedule's last
// run is active. Package schedule/firing calls it for each firing the planner receives.
package overlap

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/metrics"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// Opened reports whether the run runID exists: a firing whose run exists is a copy of a firing
// that ran, and is admitted as one without deciding again.
func Opened(ctx context.Context, env *runenv.Env, runID string) (bool, error) {
	_, err := env.Store.Runs.Get(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Claim applies the overlap policy to the firing runID of schedule name by compare-and-swap on
// the schedule's record: the firing either claims the schedule (Run), is recorded as skipped
// (SkipIt, with the reason), or was skipped by an earlier copy (Done). Two firings handled at
// once (two planners) cannot both claim it: one of the writes loses and decides again.
func Claim(ctx context.Context, env *runenv.Env, name, runID string) (schedule.Verdict, string, error) {
	bucket := env.Store.Names.SchedulesBucket()
	kv, err := env.Store.JS.KeyValue(ctx, bucket)
	if err != nil {
		return 0, "", fmt.Errorf("opening bucket %s: %w", bucket, err)
	}
	table := kvstore.Table[schedule.State]{KV: kv}
	for {
		cur, err := table.Get(ctx, name)
		if errors.Is(err, kvstore.ErrNotFound) {
			cur, err = kvstore.Entry[schedule.State]{Key: name, Value: schedule.State{Name: name}}, nil
		}
		if err != nil {
			return 0, "", err
		}
		last, err := lastRun(ctx, env, cur.Value.LastRunID)
		if err != nil {
			return 0, "", err
		}
		verdict, reason := schedule.Decide(cur.Value, runID, last, env.Now())
		switch {
		case verdict == schedule.Done, verdict == schedule.Run && cur.Value.LastRunID == runID:
			return verdict, reason, nil
		case verdict == schedule.Run:
			cur.Value.Fire(runID, env.RFC3339())
		default:
			cur.Value.Skip(runID, reason, env.RFC3339())
		}
		err = write(ctx, table, cur)
		if err == nil && verdict == schedule.Run {
			metrics.ScheduleFired(ctx, name)
		} else if err == nil {
			metrics.ScheduleSkipped(ctx, name)
		}
		if !kvstore.IsConflict(err) && !errors.Is(err, kvstore.ErrExists) {
			return verdict, reason, err
		}
		if err := ctx.Err(); err != nil {
			return 0, "", err
		}
	}
}

// lastRun reads the schedule's last run; nil when there is none or its record is missing.
func lastRun(ctx context.Context, env *runenv.Env, runID string) (*runs.Record, error) {
	if runID == "" {
		return nil, nil
	}
	e, err := env.Store.Runs.Get(ctx, runID)
	if errors.Is(err, kvstore.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &e.Value, nil
}

// write writes a schedule's record at the revision it was read (Create for a new one).
func write(ctx context.Context, t kvstore.Table[schedule.State], e kvstore.Entry[schedule.State]) error {
	if e.Revision == 0 {
		_, err := t.Create(ctx, e.Key, e.Value)
		return err
	}
	_, err := t.Put(ctx, e.Key, e.Value, e.Revision)
	return err
}
