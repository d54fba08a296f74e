package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/reply"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Finding 3: retry and abort of a failed, contained run published at the same moment, 20
// times (four lanes over disjoint subtrees, five runs each). Either may win, but once a version
// of the run says aborted, no later version says anything else (it never runs, and never
// stops canisters, again); an abort the planner accepted leaves the run aborted; every run
// ends settled (aborted with containment done, or completed), and every canister runs.
func TestConcurrentRetryAndAbort(t *testing.T) {
	const lanes, perLane = 4, 5
	f := embeddedtest.NewFleet(t, fleetOf([]int{lanes, 3}), 4096) // root, 4 children, 12 grandchildren
	c := newCluster(t, f, "--sim-artifact-bytes", "4096",
		"--sim-latency", "stop=20ms,snapshot=30ms,start=20ms,download=50ms")
	c.startAll(1)
	c.start("planner") // two planners: retry and abort may be handled by different processes
	ctx := testCtx(t, 3*time.Minute)

	// Published at the very same moment, the abort nearly always wins: the retry reads the
	// run's operations before it reopens the run, and finds it aborted meanwhile (the race the
	// old code lost: it reopened the aborted run). Some races give the retry a head start, and
	// one in five sends the abort only once the retry reopened the run, so that the retry
	// also wins (then the abort ends a running run and restarts what it stopped).
	staggers := []time.Duration{0, 0, 20 * time.Millisecond, 100 * time.Millisecond, abortOnceRunning}
	var mu sync.Mutex
	outcomes := map[string]int{}
	var wg sync.WaitGroup
	for lane := range lanes {
		wg.Go(func() {
			child := f.Entries[1+lane]
			for k := range perLane {
				leaf := f.Entries[1+lanes+3*lane+k%3]
				stagger := staggers[(lane+k)%len(staggers)]
				outcome, err := raceRetryAbort(ctx, t, c, f, fmt.Sprintf("race-%d-%d", lane, k), child, leaf, stagger)
				if err != nil {
					t.Errorf("lane %d, run %d: %v", lane, k, err)
					return
				}
				mu.Lock()
				outcomes[outcome]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Logf("outcomes of %d retry+abort races: %v", lanes*perLane, outcomes)
	f.CheckAllRunning(t)
}

// abortOnceRunning, as raceRetryAbort's stagger, sends the abort once the retry has reopened the run.
const abortOnceRunning = -1

// raceRetryAbort fails a run over the subtree of child with a permanent stop fault on leaf,
// waits for its containment, then publishes retry and abort at once (the abort stagger later)
// and checks the outcome.
func raceRetryAbort(ctx context.Context, t *testing.T, c *cluster, f *embeddedtest.Fleet, runID string, child, leaf registry.Entry, stagger time.Duration) (string, error) {
	log, err := failAndContain(ctx, t, c, f, runID, child, leaf)
	if err != nil {
		return "", err
	}
	retryR, abortR, err := raceControls(ctx, c, log, runID, stagger)
	if err != nil {
		return "", err
	}
	end, err := log.until(ctx, "a settled end", func(r runs.Record) bool {
		return settledEnd(r) && (r.State == runs.Aborted || r.Retries > 0)
	})
	if err != nil {
		c.dumpOps(runID)
		return "", fmt.Errorf("%w; retry answer %+v, abort answer %+v%s", err, retryR, abortR, log.describe())
	}
	if err := checkOnceAborted(log, retryR, abortR); err != nil {
		return "", err
	}
	if err := checkRaceEnd(log, end, retryR, abortR); err != nil {
		return "", err
	}
	if err := checkSubtreeRunning(f, child, end, log); err != nil {
		return "", err
	}
	outcome := string(end.State)
	if end.Retries > 0 {
		outcome += " after retry"
	}
	t.Logf("%s (abort sent %s): retry %s, abort %s; states %s", runID, staggerName(stagger), answered(retryR), answered(abortR), log.states())
	return outcome, nil
}

// failAndContain starts recording runID, submits it over the subtree of child with a
// permanent stop fault on leaf, and waits until it is failed and contained.
func failAndContain(ctx context.Context, t *testing.T, c *cluster, f *embeddedtest.Fleet, runID string, child, leaf registry.Entry) (*runLog, error) {
	log, err := startRunLog(t, c, runID)
	if err != nil {
		return nil, err
	}
	if err := sim.InjectFault(f.StateDir, sim.Fault{Call: sim.KindStop, Canister: leaf.Pid, Mode: sim.ModePermanent, Times: 1, Message: "stop refused (injected)"}); err != nil {
		return nil, err
	}
	body := embeddedtest.Request(t, map[string]any{"run_id": runID, "fleet": "e2e", "network": "local",
		"root_canister_id": f.Root, "scope": "subtree", "selector": child.Pid})
	if err := client.Submit(ctx, c.store, body, ""); err != nil {
		return nil, err
	}
	failed, err := log.until(ctx, "failed and contained", func(r runs.Record) bool {
		return r.State.Terminal() && !r.ContainmentPending()
	})
	if err != nil {
		return nil, err
	}
	if failed.State != runs.Failed || failed.Containment == nil || failed.Containment.State != runs.ContainDone {
		return nil, fmt.Errorf("before the race the run is %s (containment %+v), want failed and contained: %s%s",
			failed.State, failed.Containment, deref(failed.Error), log.describe())
	}
	return log, nil
}

// raceControls publishes retry and abort of runID at once (the abort stagger later, or once
// the retry reopened the run) and returns the planner's answers.
func raceControls(ctx context.Context, c *cluster, log *runLog, runID string, stagger time.Duration) (retryR, abortR reply.Reply, err error) {
	var (
		start             = make(chan struct{})
		race              sync.WaitGroup
		retryErr, abortEr error
	)
	answeredCtx, retryAnswered := context.WithCancel(ctx) // ends once the retry is answered
	defer retryAnswered()
	race.Go(func() {
		<-start
		retryR, retryErr = controlForReply(ctx, c, runID, runs.ActionRetry)
		retryAnswered()
	})
	race.Go(func() {
		<-start
		switch {
		case stagger == abortOnceRunning:
			_, _ = log.until(answeredCtx, "the retry reopening the run", func(r runs.Record) bool { return r.Retries > 0 || r.State == runs.Aborted })
		case stagger > 0: // the cadence is the point: let the retry get ahead by a few milliseconds
			<-time.After(stagger)
		}
		abortR, abortEr = controlForReply(ctx, c, runID, runs.ActionAbort)
	})
	close(start)
	race.Wait()
	if retryErr != nil || abortEr != nil {
		return retryR, abortR, fmt.Errorf("control: retry %v, abort %v", retryErr, abortEr)
	}
	return retryR, abortR, nil
}

// checkOnceAborted: once aborted, always aborted: every later version, however late it was
// written.
func checkOnceAborted(log *runLog, retryR, abortR reply.Reply) error {
	versions := log.all()
	for i, v := range versions {
		if v.State != runs.Aborted {
			continue
		}
		for j, w := range versions[i+1:] {
			if w.State != runs.Aborted {
				return fmt.Errorf("the run was aborted (version %d) and then %s (version %d); retry answer %+v, abort answer %+v%s",
					i, w.State, i+1+j, retryR, abortR, log.describe())
			}
		}
		break
	}
	return nil
}

// checkRaceEnd checks the settled end against the answers: an accepted abort leaves the run
// aborted, an aborted run is contained, a completed run had its abort refused.
func checkRaceEnd(log *runLog, end runs.Record, retryR, abortR reply.Reply) error {
	accepted := !abortR.Refused && abortR.State == runs.Aborted
	switch {
	case accepted && end.State != runs.Aborted:
		return fmt.Errorf("the abort was accepted (%+v) but the run ended %s%s", abortR, end.State, log.describe())
	case end.State == runs.Aborted:
		if end.Containment == nil || end.Containment.State != runs.ContainDone || end.RestartRequired {
			return fmt.Errorf("aborted run not contained: containment %+v restart_required %v%s", end.Containment, end.RestartRequired, log.describe())
		}
	case end.State == runs.Completed:
		if !abortR.Refused {
			return fmt.Errorf("the run completed although its abort was not refused (%+v)%s", abortR, log.describe())
		}
	default:
		return fmt.Errorf("run ended %s: %s; retry answer %+v, abort answer %+v%s", end.State, deref(end.Error), retryR, abortR, log.describe())
	}
	return nil
}

// checkSubtreeRunning checks that every canister of child's subtree runs again.
func checkSubtreeRunning(f *embeddedtest.Fleet, child registry.Entry, end runs.Record, log *runLog) error {
	for _, e := range f.Entries {
		if e.Pid != child.Pid && (e.ParentPid == nil || *e.ParentPid != child.Pid) {
			continue
		}
		st, err := sim.Inspect(f.StateDir, e.Pid)
		if err != nil {
			return err
		}
		if st.Status != executor.StatusRunning {
			return fmt.Errorf("canister %s is %s after the run ended %s%s", e.Pid, st.Status, end.State, log.describe())
		}
	}
	return nil
}

func staggerName(d time.Duration) string {
	switch d {
	case abortOnceRunning:
		return "once the retry reopened the run"
	case 0:
		return "with the retry"
	}
	return d.String() + " after the retry"
}

// answered summarises the planner's answer to a control action.
func answered(r reply.Reply) string {
	if r.Refused {
		return "refused (" + r.Error + ")"
	}
	return "accepted (run " + string(r.State) + ")"
}
