package embedded_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/icp"
	"github.com/fleetbackup/fleetbackup/pkg/executor/icp/icptest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// twentyCanisterFleet is root → hub → 3 mids → 5 leaves each: the hub's subtree has 19 targets.
func twentyCanisterFleet() []registry.Entry {
	return fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 3, 5}, Roles: []string{"hub", "index", "worker"}, ModuleHash: true})
}

// icpExecutor drives the fake icp program, backed by the fleet's simulator state.
func icpExecutor(t *testing.T, f *embeddedtest.Fleet, timeout time.Duration, extra ...string) *icp.Executor {
	t.Helper()
	exec, err := icp.New(icp.Config{Binary: icptest.Fake(t), Network: "ic", Timeout: timeout,
		Env: icptest.Env(sim.Config{StateDir: f.StateDir, ArtifactBytes: 1024}, extra...)})
	if err != nil {
		t.Fatal(err)
	}
	return exec
}

// The whole pipeline through the icp executor: registry read with `canister call --query
// --json` and decoded from Candid, every management call and download through `icp`.
func TestICPExecutorPipeline(t *testing.T) {
	f := embeddedtest.NewFleet(t, twentyCanisterFleet(), 1024)
	st := embeddedtest.Start(t, f, embedded.Config{Exec: icpExecutor(t, f, 30*time.Second)})
	rec := st.RunToEnd(t, "via-icp", subtreeRequest(t, "via-icp", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	if len(p.Targets) != 19 {
		t.Fatalf("plan has %d targets, want 19", len(p.Targets))
	}
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	simcheck.CheckParallelOrder(t, f.StateDir)
	if n := countCalls(t, f.StateDir, "registry", f.Root); n != 2 { // planning, then preflight
		t.Fatalf("%d registry calls through icp, want 2", n)
	}
}

// Faults through the fake icp: a transient-looking failure and a hung command are retried
// (the hang is killed at its timeout); a permanent failure and garbage output fail the run
// with a clear reason, and every canister runs again.
func TestICPExecutorFaults(t *testing.T) {
	cases := []struct {
		name      string
		fault     *sim.Fault
		extraEnv  []string
		completes bool
		reason    string
	}{
		{name: "transient", fault: &sim.Fault{Call: "stop", Mode: sim.ModeTransient, Times: 2}, completes: true},
		{name: "hang", fault: &sim.Fault{Call: "download", Mode: sim.ModeHang, Times: 1}, completes: true},
		{name: "permanent", fault: &sim.Fault{Call: "snapshot", Mode: sim.ModePermanent, Times: 0, Message: "caller is not a controller"},
			reason: "not a controller"},
		{name: "garbage", extraEnv: []string{"FAKEICP_GARBAGE=snapshot"}, reason: "snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := embeddedtest.NewFleet(t, twentyCanisterFleet(), 1024)
			if c.fault != nil {
				inject(t, f, *c.fault)
			}
			st := embeddedtest.Start(t, f, embedded.Config{Exec: icpExecutor(t, f, 2*time.Second, c.extraEnv...), Env: fastRetries})
			rec := st.RunToEnd(t, "icp-"+c.name, subtreeRequest(t, "icp-"+c.name, f, "parallel"))
			if c.completes {
				if rec.State != runs.Completed {
					t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
				}
				layouttest.CheckBackupDir(t, *rec.BackupDir)
				return
			}
			if rec.State != runs.Failed || !strings.Contains(deref(rec.Error), c.reason) {
				t.Fatalf("run = %s %q, want failed naming %q", rec.State, deref(rec.Error), c.reason)
			}
			t.Logf("failure reason: %s", deref(rec.Error))
			waitContained(t, st, "icp-"+c.name)
			checkAllRunning(t, f)
		})
	}
}
