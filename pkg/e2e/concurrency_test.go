package e2e

import (
	"context"
	"fmt"
	"strings"
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
	ctx := testCtx(t, 55*time.Second)

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
	embeddedtest.CheckAllRunning(t, f)
}

// abortOnceRunning, as raceRetryAbort's stagger, sends the abort once the retry has reopened the run.
const abortOnceRunning = -1

// raceRetryAbort fails a run over the subtree of child with a permanent stop fault on leaf,
// waits for its containment, then publishes retry and abort at once (the abort stagger later)
// and checks the outcome.
func raceRetryAbort(ctx context.Context, t *testing.T, c *cluster, f *embeddedtest.Fleet, runID string, child, leaf registry.Entry, stagger time.Duration) (string, error) {
	log, err := startRunLog(t, c, runID)
	if err != nil {
		return "", err
	}
	if err := sim.InjectFault(f.StateDir, sim.Fault{Call: sim.KindStop, Canister: leaf.Pid, Mode: sim.ModePermanent, Times: 1, Message: "stop refused (injected)"}); err != nil {
		return "", err
	}
	body := embeddedtest.Request(t, map[string]any{"run_id": runID, "fleet": "e2e", "network": "local",
		"root_canister_id": f.Root, "scope": "subtree", "selector": child.Pid})
	if err := client.Submit(ctx, c.store, body, ""); err != nil {
		return "", err
	}
	failed, err := log.until(ctx, "failed and contained", func(r runs.Record) bool {
		return r.State.Terminal() && !r.ContainmentPending()
	})
	if err != nil {
		return "", err
	}
	if failed.State != runs.Failed || failed.Containment == nil || failed.Containment.State != runs.ContainDone {
		return "", fmt.Errorf("before the race the run is %s (containment %+v), want failed and contained: %s%s",
			failed.State, failed.Containment, deref(failed.Error), log.describe())
	}

	var (
		start             = make(chan struct{})
		race              sync.WaitGroup
		retryR, abortR    reply.Reply
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
		return "", fmt.Errorf("control: retry %v, abort %v", retryErr, abortEr)
	}
	end, err := log.until(ctx, "a settled end", func(r runs.Record) bool {
		return settledEnd(r) && (r.State == runs.Aborted || r.Retries > 0)
	})
	if err != nil {
		c.dumpOps(runID)
		return "", fmt.Errorf("%w; retry answer %+v, abort answer %+v%s", err, retryR, abortR, log.describe())
	}
	// Once aborted, always aborted: every later version, however late it was written.
	versions := log.all()
	for i, v := range versions {
		if v.State != runs.Aborted {
			continue
		}
		for j, w := range versions[i+1:] {
			if w.State != runs.Aborted {
				return "", fmt.Errorf("the run was aborted (version %d) and then %s (version %d); retry answer %+v, abort answer %+v%s",
					i, w.State, i+1+j, retryR, abortR, log.describe())
			}
		}
		break
	}
	accepted := !abortR.Refused && abortR.State == runs.Aborted
	switch {
	case accepted && end.State != runs.Aborted:
		return "", fmt.Errorf("the abort was accepted (%+v) but the run ended %s%s", abortR, end.State, log.describe())
	case end.State == runs.Aborted:
		if end.Containment == nil || end.Containment.State != runs.ContainDone || end.RestartRequired {
			return "", fmt.Errorf("aborted run not contained: containment %+v restart_required %v%s", end.Containment, end.RestartRequired, log.describe())
		}
	case end.State == runs.Completed:
		if !abortR.Refused {
			return "", fmt.Errorf("the run completed although its abort was not refused (%+v)%s", abortR, log.describe())
		}
	default:
		return "", fmt.Errorf("run ended %s: %s; retry answer %+v, abort answer %+v%s", end.State, deref(end.Error), retryR, abortR, log.describe())
	}
	// Every canister of the subtree runs again.
	for _, e := range f.Entries {
		if e.Pid != child.Pid && (e.ParentPid == nil || *e.ParentPid != child.Pid) {
			continue
		}
		st, err := sim.Inspect(f.StateDir, e.Pid)
		if err != nil {
			return "", err
		}
		if st.Status != executor.StatusRunning {
			return "", fmt.Errorf("canister %s is %s after the run ended %s%s", e.Pid, st.Status, end.State, log.describe())
		}
	}
	outcome := string(end.State)
	if end.Retries > 0 {
		outcome += " after retry"
	}
	t.Logf("%s (abort sent %s): retry %s, abort %s; states %s", runID, staggerName(stagger), answered(retryR), answered(abortR), log.states())
	return outcome, nil
}

// Finding 4: 20 concurrent runs over overlapping selections of a 22-canister fleet (non-root
// fleet, subtrees of children and of leaves; every other run with on_conflict wait). Each run
// ends completed, or rejected naming the run that holds one of its canisters; none fails;
// queued runs end completed. The simulator's history shows a consistent cut for every
// canister (no start between a stop and its snapshot), each completed backup is one cut and
// passes the backup checks, every canister runs, and no canister lock is held at the end.
func TestOverlappingRunsAreKeptApart(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{3, 6}), 4096) // root, 3 children, 18 grandchildren
	c := newCluster(t, f, "--sim-artifact-bytes", "4096",
		"--sim-latency", "stop=20ms,snapshot=30ms,start=20ms")
	c.startAll(1)
	c.start("planner") // two planners race for the same locks from two processes
	ctx := testCtx(t, 55*time.Second)

	type runCase struct {
		id   string
		wait bool
		body []byte
		log  *runLog
	}
	var cases []*runCase
	for i := range 20 {
		req := map[string]any{"run_id": fmt.Sprintf("overlap-%02d", i), "fleet": "e2e", "network": "local",
			"root_canister_id": f.Root}
		switch i % 5 {
		case 0:
			req["scope"] = "non-root-fleet"
		case 1, 3:
			req["scope"], req["selector"] = "subtree", f.Entries[1+i%3].Pid
		default:
			req["scope"], req["selector"] = "subtree", f.Entries[4+i%18].Pid
		}
		rc := &runCase{id: req["run_id"].(string), wait: i%2 == 1}
		if rc.wait {
			req["on_conflict"] = "wait"
		}
		rc.body = embeddedtest.Request(t, req)
		rc.log = recordRun(t, c, rc.id)
		cases = append(cases, rc)
	}
	var pub sync.WaitGroup
	for _, rc := range cases {
		pub.Go(func() {
			if err := client.Submit(ctx, c.store, rc.body, ""); err != nil {
				t.Errorf("submitting %s: %v", rc.id, err)
			}
		})
	}
	pub.Wait()

	ids := map[string]bool{}
	for _, rc := range cases {
		ids[rc.id] = true
	}
	tally := map[string]int{}
	var completed []runs.Record
	for _, rc := range cases {
		end, err := rc.log.until(ctx, "a settled end", settledEnd)
		if err != nil {
			c.dumpOps(rc.id)
			t.Fatalf("%v%s", err, rc.log.describe())
		}
		queued := strings.Contains(rc.log.states(), string(runs.Queued))
		switch end.State {
		case runs.Completed:
			completed = append(completed, end)
			if queued {
				tally["queued, then completed"]++
			} else {
				tally["completed"]++
			}
		case runs.Rejected:
			tally["rejected"]++
			msg := deref(end.Error)
			holder, ok := heldBy(msg)
			switch {
			case !ok:
				t.Errorf("run %s rejected without naming a holding run: %q", rc.id, msg)
			case !ids[holder] || holder == rc.id:
				t.Errorf("run %s rejected as held by %q, not another run of the test: %q", rc.id, holder, msg)
			}
			if rc.wait {
				t.Errorf("run %s asked to wait on conflict but was rejected: %q", rc.id, msg)
			}
		default:
			t.Errorf("run %s ended %s: %s (states %s)%s", rc.id, end.State, deref(end.Error), rc.log.states(), rc.log.describe())
		}
		if queued && end.State != runs.Completed {
			t.Errorf("run %s was queued and ended %s", rc.id, end.State)
		}
	}
	t.Logf("outcomes of 20 overlapping runs: %v", tally)
	if tally["rejected"]+tally["queued, then completed"] == 0 {
		t.Errorf("no run was refused or queued: the runs did not overlap, the test proves nothing")
	}
	for _, rec := range completed {
		embeddedtest.CheckBackupDir(t, *rec.BackupDir)
		embeddedtest.CheckBackupIsConsistentCut(t, f.StateDir, *rec.BackupDir)
	}
	embeddedtest.CheckConsistentCuts(t, f.StateDir)
	embeddedtest.CheckAllRunning(t, f)
	held, err := heldLocks(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) > 0 {
		t.Errorf("canister locks still held after every run settled: %v", held)
	}
}

// heldBy extracts the holder from "... is held by run <id> ...".
func heldBy(msg string) (string, bool) {
	_, rest, ok := strings.Cut(msg, "held by run ")
	if !ok {
		return "", false
	}
	holder, _, _ := strings.Cut(rest, " ")
	return strings.TrimRight(holder, ",;:)"), holder != ""
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
