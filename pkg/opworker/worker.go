// Package opworker runs dispatched operations: it claims an operation by compare-and-swap,
// executes the effect registered for its kind under a kept-alive lease, records the receipt,
// moves the run's counts and hands completion on to the successors. What happens to each
// message is decided by the error it returns (package worker's fate policy). How attempts end,
// lease takeovers, canister downtime and bytes moved are told to the context's Observer
// (observe.go), for metrics.
package opworker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/handoff"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Worker executes the operations whose kinds it has effects for.
type Worker struct {
	Env     *runenv.Env
	id      string
	effects Effects
	plans   runstore.PlanCache
	mu      sync.Mutex
	active  map[string]int // handlers of this instance working on each operation key now
	// executed, when set, is called after each operation this worker executed (test signal).
	executed func(runID string, seq int, worker string)
}

// New makes a worker named name (unique to this instance) with the given effects.
func New(env *runenv.Env, name string, effects Effects) *Worker {
	return &Worker{Env: env, id: env.NewWorkerID(name), effects: effects}
}

// ID is the name this worker claims operations with.
func (w *Worker) ID() string { return w.id }

// OnExecuted sets a signal called after each operation this worker executed (tests count
// executions with it); it returns w.
func (w *Worker) OnExecuted(f func(runID string, seq int, worker string)) *Worker {
	w.executed = f
	return w
}

// Handle implements worker.Handler.
func (w *Worker) Handle(ctx context.Context, msg jetstream.Msg) error {
	run, rp, dm, err := w.load(ctx, msg)
	if err != nil {
		return err
	}
	if !run.Accepts(rp.Plan.Phases[dm.Sequence].Kind) {
		return nil // a retry republishes what a failed or aborted run still needs
	}
	defer w.Track(runstore.OpKey(run.RunID, dm.Sequence))()
	rec, from, v, err := w.claim(ctx, run, dm.Sequence, false)
	if err != nil {
		return worker.Later(err)
	}
	j := &Job{Env: w.Env, Run: run, Plan: rp, Rec: rec.Value, From: from, w: w}
	j.remember(rec)
	return w.act(ctx, msg, j, v)
}

// load decodes a dispatch message and reads its run and plan. A message that is malformed or
// names a run, plan or operation that does not exist can never succeed: it is rejected.
func (w *Worker) load(ctx context.Context, msg jetstream.Msg) (runs.Record, *runstore.RunPlan, handoff.Message, error) {
	var dm handoff.Message
	if err := json.Unmarshal(msg.Data(), &dm); err != nil || !runs.IDPattern.MatchString(dm.RunID) {
		return runs.Record{}, nil, dm, worker.Reject(fmt.Errorf("malformed dispatch message %q", msg.Data()))
	}
	run, err := w.Env.Store.Run(ctx, dm.RunID)
	if err != nil {
		return run, nil, dm, rejectIfMissing(err)
	}
	rp, err := w.plans.Get(ctx, w.Env.Store, run.RunID, run.Order)
	if err != nil {
		return run, nil, dm, rejectIfMissing(err)
	}
	if dm.Sequence < 0 || dm.Sequence >= len(rp.Plan.Phases) {
		return run, rp, dm, worker.Reject(fmt.Errorf("run %s has no operation %d", run.RunID, dm.Sequence))
	}
	if _, ok := w.effects[rp.Plan.Phases[dm.Sequence].Kind]; !ok {
		return run, rp, dm, worker.Reject(fmt.Errorf("no effect for %s on this worker", rp.Plan.Phases[dm.Sequence].Kind))
	}
	return run, rp, dm, nil
}

// rejectIfMissing rejects a message whose record does not exist and hands back one whose
// read failed (a store error is transient).
func rejectIfMissing(err error) error {
	if errors.Is(err, runstore.ErrNotFound) {
		return worker.Reject(err)
	}
	return worker.Later(err)
}

// Publisher is the hand-off of run's current generation.
func Publisher(env *runenv.Env, run runs.Record) handoff.Publisher {
	return handoff.Publisher{Store: env.Store, Gen: run.Retries}
}

// Track counts one more handler of this instance working on key until the returned function
// is called.
func (w *Worker) Track(key string) func() {
	w.setActive(key, +1)
	return func() { w.setActive(key, -1) }
}

func (w *Worker) setActive(key string, delta int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.active == nil {
		w.active = map[string]int{}
	}
	if w.active[key] += delta; w.active[key] <= 0 {
		delete(w.active, key)
	}
}

// othersActive reports whether another handler of this instance works on key (the caller's
// own handler counts one).
func (w *Worker) othersActive(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.active[key] > 1
}
