package runenv_test

import (
	"context"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// countsEnv is an environment on a real server with one running run of two stops and two
// starts, one stop already completed when counts is nil.
func countsEnv(t *testing.T, counts *journal.Counts) (*runenv.Env, runs.Record) {
	t.Helper()
	js, names := bustest.Installation(t)
	ctx := context.Background()
	s, err := runstore.OpenStore(ctx, js, names)
	if err != nil {
		t.Fatal(err)
	}
	r := runs.New("r1", "demo", "local", "parallel", "reject", "d", "t0")
	r.State, r.LocksHeld, r.CountsEpoch = runs.Running, true, 1
	r.Counts = journal.Counts{Total: 4, Ready: 2, Completed: 1, Pending: 1, StopsCompleted: 1, StartsUnfinished: 2}
	if counts != nil {
		r.Counts = *counts
	}
	r.RestartRequired = r.Counts.RestartRequired()
	if _, err := s.Runs.Create(ctx, r.RunID, r); err != nil {
		t.Fatal(err)
	}
	return &runenv.Env{Store: s}, r
}

func stored(t *testing.T, env *runenv.Env, runID string) runstore.RunEntry {
	t.Helper()
	e, err := env.Store.Runs.Get(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// A start's completion is buffered (restart_required may stay true a little longer, never
// turn false early) and written on the flush.
func TestStartCompletionIsBuffered(t *testing.T) {
	env, run := countsEnv(t, nil)
	before := stored(t, env, run.RunID)
	if err := env.MoveCount(context.Background(), run, plan.KindStart, journal.StatePending, journal.StateCompleted); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, env, run.RunID); got.Revision != before.Revision {
		t.Fatalf("a start's completion was written at once: %+v", got.Value.Counts)
	}
	env.FlushCounts()
	got := stored(t, env, run.RunID).Value
	if got.Counts.StartsUnfinished != 1 || got.Counts.Completed != 2 || !got.RestartRequired {
		t.Fatalf("after the flush: %+v restart_required=%v", got.Counts, got.RestartRequired)
	}
}

// The run's first completed stop turns restart_required true and is written at once; a later
// stop's completion (restart_required already true) is buffered.
func TestFirstStopWrittenAtOnceLaterStopsBuffered(t *testing.T) {
	env, run := countsEnv(t, &journal.Counts{Total: 4, Ready: 2, Pending: 2, StartsUnfinished: 2})
	ctx := context.Background()
	if err := env.MoveCount(ctx, run, plan.KindStop, journal.StatePending, journal.StateCompleted); err != nil {
		t.Fatal(err)
	}
	first := stored(t, env, run.RunID)
	if first.Value.Counts.StopsCompleted != 1 || !first.Value.RestartRequired {
		t.Fatalf("after the first stop: %+v restart_required=%v", first.Value.Counts, first.Value.RestartRequired)
	}
	if err := env.MoveCount(ctx, first.Value, plan.KindStop, journal.StatePending, journal.StateCompleted); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, env, run.RunID); got.Revision != first.Revision {
		t.Fatalf("the second stop was written at once: %+v", got.Value.Counts)
	}
	env.FlushCounts()
	if got := stored(t, env, run.RunID).Value; got.Counts.StopsCompleted != 2 {
		t.Fatalf("after the flush: %+v", got.Counts)
	}
}

// Moves buffered before a recount are dropped when flushed after it: the recount, read from
// the operation records, already holds them. Counted twice, the start's completion would make
// restart_required false while the other start is unfinished.
func TestBufferedMovesDroppedAfterARecount(t *testing.T) {
	env, run := countsEnv(t, nil)
	ctx := context.Background()
	if err := env.MoveCount(ctx, run, plan.KindStart, journal.StatePending, journal.StateCompleted); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Apply(ctx, run.RunID, runs.Fail{Reason: "boom"}); err != nil {
		t.Fatal(err)
	}
	recount := journal.Counts{Total: 4, Completed: 2, Failed: 1, Ready: 1, StopsCompleted: 1, StartsUnfinished: 1}
	if _, err := env.Apply(ctx, run.RunID, runs.Retry{Counts: &recount}); err != nil {
		t.Fatal(err)
	}
	env.FlushCounts()
	got := stored(t, env, run.RunID).Value
	if got.Counts != recount || !got.RestartRequired {
		t.Fatalf("after a flush of moves older than the recount: %+v restart_required=%v, want %+v", got.Counts, got.RestartRequired, recount)
	}
}
