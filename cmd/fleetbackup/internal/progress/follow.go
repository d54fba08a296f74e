package progress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// ErrWatchClosed says a KV watch ended before the run did (the connection was lost).
var ErrWatchClosed = errors.New("watch closed before the run ended")

// Sink receives the model after every change, and on every tick of the poll period.
type Sink interface {
	Changed(m *Model, changes []Change)
	Tick(m *Model)
}

// Options tune Follow.
type Options struct {
	// BackupRoot is the installation's backup root when it is on this machine; download bytes
	// are measured there. Empty: bytes are not shown.
	BackupRoot string
	// Poll is how often bytes are measured and the sink ticks; default 100ms.
	Poll time.Duration
	// Until says when to stop following; default: once the run is settled (Model.Settled).
	Until func(m *Model) bool
}

// Follow watches a run's record and operations in KV and feeds them to sink until
// opts.Until holds (then it reads every operation once more, so the last picture is exact) or
// ctx ends. It returns the model as last seen.
func Follow(ctx context.Context, store *runstore.Store, runID string, opts Options, sink Sink) (*Model, error) {
	f := &follower{store: store, runID: runID, opts: opts, sink: sink, m: NewModel(runID)}
	if opts.BackupRoot != "" {
		f.ms.runDir = filepath.Join(opts.BackupRoot, runID)
	}
	if f.opts.Poll <= 0 {
		f.opts.Poll = 100 * time.Millisecond
	}
	if f.opts.Until == nil {
		f.opts.Until = (*Model).Settled
	}
	return f.m, f.loop(ctx)
}

type follower struct {
	store *runstore.Store
	runID string
	opts  Options
	sink  Sink
	m     *Model
	ms    measurer
	// held are the changes seen before the plan: an operation's line names its canister's
	// role, which only the plan knows, and the watches deliver in no set order.
	held []Change
}

type watches struct {
	runs, ops jetstream.KeyWatcher
}

func (f *follower) watch(ctx context.Context) (*watches, error) {
	runs, err := f.store.Runs.KV.Watch(ctx, f.runID)
	if err != nil {
		return nil, fmt.Errorf("watching run %s: %w", f.runID, err)
	}
	ops, err := f.store.Ops.KV.Watch(ctx, f.runID+".*")
	if err != nil {
		_ = runs.Stop()
		return nil, fmt.Errorf("watching operations of %s: %w", f.runID, err)
	}
	return &watches{runs: runs, ops: ops}, nil
}

func (w *watches) stop() {
	_ = w.runs.Stop()
	_ = w.ops.Stop()
}

func (f *follower) loop(ctx context.Context) error {
	w, err := f.watch(ctx)
	if err != nil {
		return err
	}
	defer w.stop()
	tick := time.NewTicker(f.opts.Poll)
	defer tick.Stop()
	for {
		var changes []Change
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e, ok := <-w.runs.Updates():
			if !ok {
				return ErrWatchClosed
			}
			if changes, err = f.onRun(ctx, e); err != nil {
				return err
			}
		case e, ok := <-w.ops.Updates():
			if !ok {
				return ErrWatchClosed
			}
			changes = f.onOp(e)
		case <-tick.C:
			f.loadPlan(ctx)
			f.ms.measure(f.m)
			if changes = f.release(nil); len(changes) > 0 {
				f.sink.Changed(f.m, changes)
			}
			f.sink.Tick(f.m)
			continue
		}
		if f.opts.Until(f.m) {
			return f.finish(ctx, f.releaseAll(changes))
		}
		if changes = f.release(changes); len(changes) > 0 {
			f.sink.Changed(f.m, changes)
		}
	}
}

func isPut(e jetstream.KeyValueEntry) bool {
	return e != nil && e.Operation() == jetstream.KeyValuePut
}

func (f *follower) onRun(ctx context.Context, e jetstream.KeyValueEntry) ([]Change, error) {
	if !isPut(e) {
		return nil, nil
	}
	var r runs.Record
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return nil, fmt.Errorf("decoding run %s: %w", f.runID, err)
	}
	changes := f.m.ApplyRun(r)
	f.loadPlan(ctx)
	return changes, nil
}

func (f *follower) onOp(e jetstream.KeyValueEntry) []Change {
	if !isPut(e) {
		return nil
	}
	if _, err := strconv.Atoi(strings.TrimPrefix(e.Key(), f.runID+".")); err != nil {
		return nil // a dependency barrier, not an operation
	}
	var o runstore.OpRecord
	if json.Unmarshal(e.Value(), &o) != nil {
		return nil
	}
	changes := f.m.ApplyOp(o)
	if changes != nil && o.Op.Kind == plan.KindDownloadSnapshot {
		f.ms.measure(f.m) // a finished download's line carries its size
	}
	return changes
}

// release returns the held changes followed by changes, or holds them all and returns nil
// while there are operation lines among them and the plan, which names their canisters' roles,
// is still to come.
func (f *follower) release(changes []Change) []Change {
	if f.planToCome() && (len(f.held) > 0 || slices.ContainsFunc(changes, isOpChange)) {
		f.held = append(f.held, changes...)
		return nil
	}
	return f.releaseAll(changes)
}

// planToCome reports whether the run's plan is not known yet but may be: the run has not
// been seen, is being planned, or names a plan not loaded yet.
func (f *follower) planToCome() bool {
	r := f.m.Run
	return r == nil || r.State == runs.Planning || (r.PlanID != "" && f.m.Plan == nil)
}

func isOpChange(c Change) bool { return c.Kind == ChangeOp }

// releaseAll returns the held changes followed by changes, whatever is known.
func (f *follower) releaseAll(changes []Change) []Change {
	out := append(f.held, changes...)
	f.held = nil
	return out
}

// loadPlan reads the run's plan once the planner stored it.
func (f *follower) loadPlan(ctx context.Context) {
	if f.m.Plan != nil || f.m.Run == nil || f.m.Run.PlanID == "" {
		return
	}
	if p, err := f.store.LoadPlan(ctx, f.runID); err == nil {
		f.m.SetPlan(p)
	}
}

// finish reads every operation once, so the last picture is exact whatever the
// watches had still to deliver, and hands the last changes to the sink, the run's own last.
func (f *follower) finish(ctx context.Context, changes []Change) error {
	f.loadPlan(ctx)
	var last []Change
	for _, c := range changes {
		if c.Kind == ChangeRun {
			last = append(last, c)
		}
	}
	ops := opChanges(changes)
	n := f.m.Run.Counts.Total
	if f.m.Plan != nil {
		n = len(f.m.Plan.Phases)
	}
	for seq := range n {
		if e, err := f.store.Ops.Get(ctx, runstore.OpKey(f.runID, seq)); err == nil {
			ops = append(ops, f.m.ApplyOp(e.Value)...)
		}
	}
	f.ms.measureFinal(f.m)
	f.sink.Changed(f.m, append(ops, last...))
	return nil
}

func opChanges(changes []Change) []Change {
	var out []Change
	for _, c := range changes {
		if isOpChange(c) {
			out = append(out, c)
		}
	}
	return out
}
