package runs

import (
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

var allStates = []State{Planning, Preflight, Queued, Running, Completed, Failed, Aborted, Rejected}

// recordIn is a representative record in state s: planned, holding its locks from preflight on.
func recordIn(s State) Record {
	r := New("r1", "demo", "local", "parallel", "reject", "digest", "t0")
	r.State, r.PlanID = s, "plan-r1"
	r.LocksHeld = s != Planning
	return r
}

func events() map[string]Event {
	return map[string]Event{
		"plan":     Plan{PlanID: "plan-r1"},
		"proven":   Proven{ValidatedAt: "1", ExpiresAt: "2"},
		"queue":    Queue{Holder: "other"},
		"locked":   Locked{Epoch: 0},
		"attempt":  LockAttempt{},
		"run":      Run{Counts: journal.Counts{Total: 3, Ready: 3}},
		"reject":   Reject{Reason: "bad"},
		"fail":     Fail{Reason: "boom"},
		"abort":    Abort{},
		"retry":    Retry{},
		"complete": Complete{ManifestPath: "m", BackupDir: "d"},
		"count":    Count{Kind: plan.KindStop, From: journal.StateReady, To: journal.StatePending},
	}
}

// The whole state × event table: the state each event leads to, or "" where it is refused.
func TestStateEventTable(t *testing.T) {
	want := map[State]map[string]State{
		Planning:  {"plan": Preflight, "reject": Rejected, "fail": Failed, "abort": Aborted},
		Preflight: {"plan": Preflight, "proven": Preflight, "queue": Queued, "run": Running, "reject": Rejected, "fail": Failed, "abort": Aborted},
		Queued:    {"proven": Queued, "queue": Queued, "reject": Rejected, "fail": Failed, "abort": Aborted},
		Running:   {"fail": Failed, "abort": Aborted, "complete": Completed, "count": Running},
		Completed: {"count": Completed},
		Failed:    {"proven": Failed, "abort": Aborted, "retry": Running, "count": Failed},
		Aborted:   {"count": Aborted},
		Rejected:  {},
	}
	for _, s := range allStates {
		for name, ev := range events() {
			r := recordIn(s)
			before := r
			err := Apply(&r, ev, "t1")
			to, allowed := want[s][name]
			switch {
			case allowed && err != nil:
				t.Errorf("%s + %s: refused: %v", s, name, err)
			case allowed && r.State != to:
				t.Errorf("%s + %s: state %s, want %s", s, name, r.State, to)
			case !allowed && !errors.Is(err, ErrRefused):
				t.Errorf("%s + %s: applied (state %s), want a refusal", s, name, r.State)
			case !allowed && !sameRecord(r, before):
				t.Errorf("%s + %s: refused but the record changed", s, name)
			}
		}
	}
}

func sameRecord(a, b Record) bool {
	return a.State == b.State && a.UpdatedAt == b.UpdatedAt && a.Counts == b.Counts && a.Retries == b.Retries &&
		a.LocksHeld == b.LocksHeld && a.Error == b.Error && a.Containment == b.Containment
}

// A duplicate of a request reaching a running run cannot move it back or reset its counts.
func TestDuplicateRequestCannotRevertRunningRun(t *testing.T) {
	r := recordIn(Running)
	r.Counts = journal.Counts{Total: 5, Completed: 2, Ready: 3}
	for _, ev := range []Event{Plan{PlanID: "plan-r1"}, Proven{}, Run{Counts: journal.Counts{Total: 5, Ready: 5}}, Reject{Reason: "dup"}} {
		if err := Apply(&r, ev, "t"); !errors.Is(err, ErrRefused) {
			t.Fatalf("%s on a running run: %v", ev.Name(), err)
		}
	}
	if r.State != Running || r.Counts.Completed != 2 {
		t.Fatalf("run changed: %+v", r)
	}
}

// Retry after abort is refused; abort after retry applies and starts containment.
func TestRetryAbortRace(t *testing.T) {
	r := recordIn(Failed)
	if err := Apply(&r, Abort{}, "t"); err != nil {
		t.Fatal(err)
	}
	if err := Apply(&r, Retry{}, "t"); !errors.Is(err, ErrRefused) || r.State != Aborted {
		t.Fatalf("retry after abort: %v, state %s", err, r.State)
	}
	r = recordIn(Failed)
	if err := Apply(&r, Retry{}, "t"); err != nil || r.LocksHeld || r.Retries != 1 {
		t.Fatalf("retry: %v %+v", err, r)
	}
	if r.Accepts(plan.KindStop) {
		t.Fatal("a retried run accepts work before it locked its canisters again")
	}
	if err := Apply(&r, Abort{}, "t"); err != nil || !r.ContainmentPending() {
		t.Fatalf("abort after retry: %v %+v", err, r)
	}
}

// restart_required is exact after a containment that restarted everything, even when a stop
// was cut short and its start never ran.
func TestRestartRequiredAfterContainment(t *testing.T) {
	r := recordIn(Running)
	r.Counts = journal.Counts{Total: 4, StopsCompleted: 1, StartsUnfinished: 2, Completed: 1, Pending: 1, Ready: 2}
	if err := Apply(&r, Abort{}, "t"); err != nil || !r.RestartRequired {
		t.Fatalf("abort: %v, restart_required %v", err, r.RestartRequired)
	}
	if r.Settled() {
		t.Fatal("settled while containment is pending")
	}
	counts := journal.Counts{Total: 4, StopsCompleted: 1, StartsUnfinished: 1, Completed: 2, Pending: 1, Ready: 1}
	if err := Apply(&r, FinishContainment{Counts: &counts}, "t"); err != nil {
		t.Fatal(err)
	}
	if r.RestartRequired || !r.Settled() {
		t.Fatalf("after containment: restart_required %v settled %v", r.RestartRequired, r.Settled())
	}
	failed := r
	failed.Containment = &Containment{State: ContainPending}
	if err := Apply(&failed, FinishContainment{Counts: &counts, Err: "start failed"}, "t"); err != nil || !failed.RestartRequired {
		t.Fatalf("failed containment: %v restart_required %v", err, failed.RestartRequired)
	}
}

// Only the newest lock attempt ends in Locked; a queued run that locks is planned again.
func TestLockEpochs(t *testing.T) {
	r := recordIn(Queued)
	r.LocksHeld = false
	for range 2 { // two planners handling the same run
		if err := Apply(&r, LockAttempt{}, "t"); err != nil {
			t.Fatal(err)
		}
	}
	if err := Apply(&r, Locked{Epoch: 1}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("a superseded attempt locked: %v", err)
	}
	if err := Apply(&r, Locked{Epoch: 2}, "t"); err != nil || r.State != Preflight || !r.LocksHeld {
		t.Fatalf("newest attempt: %v %+v", err, r)
	}
	if err := Apply(&r, LockAttempt{}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("a new attempt while holding: %v", err)
	}
}

// Locks are released only by a settled run, once per generation.
func TestReleased(t *testing.T) {
	r := recordIn(Running)
	if err := Apply(&r, Released{Epoch: 0}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("a running run released its locks: %v", err)
	}
	r = recordIn(Completed)
	if err := Apply(&r, Released{Epoch: 1}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("released another epoch: %v", err)
	}
	if err := Apply(&r, Released{Epoch: 0}, "t"); err != nil || r.LocksHeld {
		t.Fatalf("release: %v %+v", err, r)
	}
	if err := Apply(&r, Released{Epoch: 0}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("released twice: %v", err)
	}
}

// A run without its locks accepts nothing; a run failed by a transfer finishes its
// management phase; containment stops all dispatch.
func TestAccepts(t *testing.T) {
	r := recordIn(Running)
	r.LocksHeld = false
	if r.Accepts(plan.KindDownloadSnapshot) {
		t.Fatal("accepts without locks")
	}
	f := recordIn(Failed)
	if !f.Accepts(plan.KindStart) || f.Accepts(plan.KindDownloadSnapshot) {
		t.Fatal("failed run: management only")
	}
	_ = Apply(&f, Fail{Reason: "x", Contain: true}, "t")
	if f.Accepts(plan.KindStart) {
		t.Fatal("accepts during containment")
	}
}
