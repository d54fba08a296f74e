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
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

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
	ctx := testCtx(t, 3*time.Minute)

	cases := overlappingRuns(t, c, f)
	submitAll(t, ctx, c, cases)
	tally, completed := settleOverlappingRuns(t, ctx, c, cases)
	t.Logf("outcomes of 20 overlapping runs: %v", tally)
	if tally["rejected"]+tally["queued, then completed"] == 0 {
		t.Errorf("no run was refused or queued: the runs did not overlap, the test proves nothing")
	}
	for _, rec := range completed {
		layouttest.CheckBackupDir(t, *rec.BackupDir)
		simcheck.CheckBackupIsConsistentCut(t, f.StateDir, *rec.BackupDir)
	}
	simcheck.CheckConsistentCuts(t, f.StateDir)
	f.CheckAllRunning(t)
	held, err := heldLocks(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) > 0 {
		t.Errorf("canister locks still held after every run settled: %v", held)
	}
}

// overlapRun is one of TestOverlappingRunsAreKeptApart's runs: its request and its recorded
// versions.
type overlapRun struct {
	id   string
	wait bool
	body []byte
	log  *runLog
}

// overlappingRuns builds the 20 requests (non-root fleet, subtrees of children and of leaves;
// every other one with on_conflict wait) and starts recording each run.
func overlappingRuns(t *testing.T, c *cluster, f *embeddedtest.Fleet) []*overlapRun {
	t.Helper()
	var cases []*overlapRun
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
		rc := &overlapRun{id: req["run_id"].(string), wait: i%2 == 1}
		if rc.wait {
			req["on_conflict"] = "wait"
		}
		rc.body = embeddedtest.Request(t, req)
		rc.log = recordRun(t, c, rc.id)
		cases = append(cases, rc)
	}
	return cases
}

// submitAll submits every run's request at once.
func submitAll(t *testing.T, ctx context.Context, c *cluster, cases []*overlapRun) {
	t.Helper()
	var pub sync.WaitGroup
	for _, rc := range cases {
		pub.Go(func() {
			if err := client.Submit(ctx, c.store, rc.body, ""); err != nil {
				t.Errorf("submitting %s: %v", rc.id, err)
			}
		})
	}
	pub.Wait()
}

// settleOverlappingRuns waits for every run's settled end and checks it; it returns how many
// runs ended each way and the completed runs' records.
func settleOverlappingRuns(t *testing.T, ctx context.Context, c *cluster, cases []*overlapRun) (map[string]int, []runs.Record) {
	t.Helper()
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
			checkOverlapRejection(t, rc, end, ids)
		default:
			t.Errorf("run %s ended %s: %s (states %s)%s", rc.id, end.State, deref(end.Error), rc.log.states(), rc.log.describe())
		}
		if queued && end.State != runs.Completed {
			t.Errorf("run %s was queued and ended %s", rc.id, end.State)
		}
	}
	return tally, completed
}

// checkOverlapRejection checks a rejected run: it names another run of the test as the holder
// of one of its canisters, and it did not ask to wait on conflict.
func checkOverlapRejection(t *testing.T, rc *overlapRun, end runs.Record, ids map[string]bool) {
	t.Helper()
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
