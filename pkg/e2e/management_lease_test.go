package e2e

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// kill -9 of the only snapshotter while it holds a stop (each stop takes 3 s), with the default
// leases (30 s, management 5 s): a new snapshotter takes the stop over once the management
// lease has lapsed, not the 30 s lease, and the run completes (every canister running again)
// long before 30 s have passed since the kill.
func TestKilledSnapshotterStopTakenOverAfterManagementLease(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 4096)
	c := newClusterWithLease(t, f, bus.DefaultLease, "--sim-artifact-bytes", "4096", "--sim-latency", "stop=3s")
	for _, s := range []string{"planner", "downloader", "verifier", "finalizer"} {
		c.start(s)
	}
	victim := c.start("snapshotter")
	ctx := testCtx(t, 2*time.Minute)
	const runID = "mgmt-lease"
	if err := client.Submit(ctx, c.store, subtreeRequest(t, runID, f), ""); err != nil {
		t.Fatal(err)
	}
	var held []runstore.OpRecord
	waitFor(t, ctx, "a stop in flight", func() bool {
		held = heldOps(ctx, c, runID, plan.KindStop)
		return len(held) > 0
	})
	c.kill("snapshotter", victim)
	killed := time.Now()
	c.start("snapshotter")

	// Within the 30 s lease that a takeover would wait out if it waited for a lease: about
	// 12-15 s of work (the takeover, then the stops below, snapshots, starts, downloads) on
	// an idle machine; the takeover itself is held to two management leases below.
	deadline, cancel := context.WithDeadline(ctx, killed.Add(bus.DefaultLease))
	defer cancel()
	takeover := waitTakenOver(t, deadline, c, runID, held[0])
	rec, err := client.WaitTerminal(deadline, c.store, runID)
	if err != nil || rec.State != runs.Completed {
		c.dumpOps(runID)
		t.Fatalf("run %s after the kill: %+v, %v", time.Since(killed).Round(time.Millisecond), rec, err)
	}
	done := time.Since(killed)
	t.Logf("stop %s taken over %s after the kill -9 (management lease %s, lease %s); run completed %s after it",
		held[0].Op.OperationID, takeover.Sub(killed).Round(time.Millisecond), bus.DefaultManagementLease,
		bus.DefaultLease, done.Round(time.Millisecond))
	if d := takeover.Sub(killed); d > 2*bus.DefaultManagementLease {
		t.Errorf("takeover %s after the kill, want within two management leases (%s)", d, 2*bus.DefaultManagementLease)
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
}

// newClusterWithLease is newCluster with another lease: the installation is set up with it,
// and every service started with it.
func newClusterWithLease(t *testing.T, fleet *embeddedtest.Fleet, lease time.Duration, simArgs ...string) *cluster {
	t.Helper()
	bins := serviceBinaries(t)
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	c := &cluster{t: t, bins: bins, url: srv.ClientURL(), backupRoot: filepath.Join(t.TempDir(), "backups"),
		fleet: fleet, simArgs: simArgs, lease: lease, logs: t.TempDir(), procs: map[string][]*proc{}}
	c.store = c.connect()
	t.Cleanup(c.stopAll)
	return c
}

// heldOps returns a run's operations of a kind that a worker holds right now.
func heldOps(ctx context.Context, c *cluster, runID string, kind plan.OperationKind) []runstore.OpRecord {
	var out []runstore.OpRecord
	for _, o := range rpOps(ctx, c, runID, kind) {
		if o.Op.State == journal.StatePending && o.Claim != nil && o.Claim.LeaseUntil > 0 {
			out = append(out, o)
		}
	}
	return out
}

// waitTakenOver watches an operation held at the kill until a later claim takes it (or it is
// completed by one), and returns when that was seen.
func waitTakenOver(t *testing.T, ctx context.Context, c *cluster, runID string, held runstore.OpRecord) time.Time {
	t.Helper()
	var now runstore.OpRecord
	waitFor(t, ctx, "the killed snapshotter's stop to be taken over", func() bool {
		e, err := c.store.Ops.Get(ctx, runstore.OpKey(runID, held.Op.Sequence))
		if err == nil {
			now = e.Value
		}
		return err == nil && now.Attempts > held.Claim.Attempt
	})
	if now.Claim != nil && now.Claim.Worker == held.Claim.Worker {
		t.Fatalf("the stop was claimed again by the killed worker %s", held.Claim.Worker)
	}
	return time.Now()
}
