package runs

import (
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Fail ends a run that is not terminal with its cause. Contain (a management operation
// failed) also starts containment, on a run not yet failed or failed without it.
type Fail struct {
	Reason  string
	Contain bool
}

// Name implements Event.
func (Fail) Name() string { return "fail" }

func (e Fail) apply(r *Record) error {
	switch {
	case !r.State.Terminal() && r.LoadsBegun:
		r.State, r.Error = Failed, &e.Reason
		next := nextAfterLoads
		r.AttentionRequired, r.NextAction = true, &next
		return nil
	case !r.State.Terminal():
		before := r.State
		r.State, r.Error, r.WaitingFor = Failed, &e.Reason, ""
		if e.Contain && before == Running {
			r.Containment = &Containment{State: ContainPending}
		}
		return nil
	case r.State == Failed && e.Contain && r.Containment == nil && !r.LoadsBegun:
		r.Containment = &Containment{State: ContainPending}
		return nil
	}
	return refuse(r, e, "the run has ended")
}

// nextAfterLoads is a failed restore's next action once loads have begun.
const nextAfterLoads = "the fleet may be mixed: retry to continue the restore forward, or abort with force to start the canisters as they are"

// Abort ends a run that is not completed, rejected or aborted. A run that may have stopped
// canisters (running, or failed without a finished containment) restarts them (containment).
// A restore whose loads have begun is aborted only with Force (DESIGN §10).
type Abort struct{ Force bool }

// Name implements Event.
func (Abort) Name() string { return "abort" }

func (e Abort) apply(r *Record) error {
	if !in(r.State, Planning, Preflight, Queued, Running, Failed) {
		return refuse(r, e, "")
	}
	if r.LoadsBegun && !e.Force {
		return refuse(r, e, "the restore has begun loading snapshots; abort needs force")
	}
	r.AttentionRequired, r.NextAction = false, nil
	msg := "aborted by operator"
	if r.Error != nil {
		msg += " (after: " + *r.Error + ")"
	}
	mayHaveStopped := r.State == Running || r.State == Failed
	r.State, r.Error, r.WaitingFor = Aborted, &msg, ""
	if mayHaveStopped && (r.Containment == nil || r.Containment.State != ContainDone) {
		r.Containment = &Containment{State: ContainPending}
	}
	return nil
}

// Retry reopens a failed run whose containment is not under way: failed → running in a new
// retry generation, with the counts recounted from the operation records. The run must lock
// its canisters again (Locked) before workers accept its operations.
type Retry struct{ Counts *journal.Counts }

// Name implements Event.
func (Retry) Name() string { return "retry" }

func (e Retry) apply(r *Record) error {
	if r.State != Failed {
		return refuse(r, e, "only a failed run can be retried")
	}
	if r.ContainmentPending() {
		return refuse(r, e, "the run is still restarting its canisters; retry once containment is done")
	}
	if e.Counts != nil {
		r.setCounts(*e.Counts)
	}
	r.State, r.Error, r.Containment, r.LocksHeld = Running, nil, nil, false
	r.AttentionRequired, r.NextAction = false, nil
	r.Retries++
	return nil
}

// BeginLoads marks a running restore past its point of no return: the first load is claimed.
type BeginLoads struct{}

// Name implements Event.
func (BeginLoads) Name() string { return "begin-loads" }

func (e BeginLoads) apply(r *Record) error {
	if r.State != Running || r.Kind != KindRestore {
		return refuse(r, e, "only a running restore loads snapshots")
	}
	r.LoadsBegun = true
	return nil
}

// Complete ends a running run whose manifest is written, with exact counts.
type Complete struct {
	Counts                  journal.Counts
	ManifestPath, BackupDir string
}

// Name implements Event.
func (Complete) Name() string { return "complete" }

func (e Complete) apply(r *Record) error {
	if r.State != Running {
		return refuse(r, e, "only a running run completes")
	}
	r.State = Completed
	r.setCounts(e.Counts)
	r.ManifestPath, r.BackupDir = &e.ManifestPath, &e.BackupDir
	return nil
}

// FinishContainment records containment's outcome, with counts recomputed from the operation
// records (nil when the run has none). Err is empty when every canister runs again.
type FinishContainment struct {
	Counts *journal.Counts
	Err    string
}

// Name implements Event.
func (FinishContainment) Name() string { return "finish-containment" }

func (e FinishContainment) apply(r *Record) error {
	if !r.ContainmentPending() {
		return refuse(r, e, "no containment under way")
	}
	if e.Counts != nil {
		r.setCounts(*e.Counts)
	}
	r.Containment = &Containment{State: ContainDone}
	if e.Err != "" {
		msg := e.Err
		r.Containment = &Containment{State: ContainFailed, Error: &msg}
	}
	return nil
}

// Count moves one operation of Kind from one journal state to another in the run's counts.
// It applies in every state a worker or containment can act in.
type Count struct {
	Kind     plan.OperationKind
	From, To journal.State
}

// Name implements Event.
func (Count) Name() string { return "count" }

func (e Count) apply(r *Record) error {
	if in(r.State, Planning, Preflight, Queued, Rejected) || e.From == e.To {
		return refuse(r, e, "")
	}
	r.Counts.Apply(e.Kind, e.From, e.To)
	return nil
}

// CountDelta adds several operations' moves to the run's counts at once (moves buffered by a
// worker, see runenv.Env.MoveCount), made while the record's counts were of epoch Epoch. A
// record recounted since (another epoch) already holds them and refuses the delta, as does a
// completed run, whose counts are exact.
type CountDelta struct {
	Delta journal.Counts
	Epoch int
}

// Name implements Event.
func (CountDelta) Name() string { return "count-delta" }

func (e CountDelta) apply(r *Record) error {
	if in(r.State, Planning, Preflight, Queued, Rejected, Completed) {
		return refuse(r, e, "")
	}
	if r.CountsEpoch != e.Epoch {
		return refuse(r, e, "the counts were recounted since these moves")
	}
	r.Counts.AddDelta(e.Delta)
	return nil
}

// Released records that the run's canister locks of epoch Epoch were released: only by a
// settled run still in that epoch.
type Released struct{ Epoch int }

// Name implements Event.
func (Released) Name() string { return "released" }

func (e Released) apply(r *Record) error {
	if !r.LocksHeld || r.LockEpoch != e.Epoch || !r.Settled() {
		return refuse(r, e, "")
	}
	r.LocksHeld = false
	return nil
}

// setCounts sets the counts whole (a seed or a recount) and starts a new counts epoch.
func (r *Record) setCounts(c journal.Counts) {
	r.Counts = c
	r.CountsEpoch++
}
