package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func fleetOf(levels []int) []registry.Entry {
	return fleetgen.Generate(fleetgen.Spec{Levels: levels, Roles: []string{"hub", "index", "store", "worker"}, ModuleHash: true})
}

func subtreeRequest(t *testing.T, runID string, f *embeddedtest.Fleet) []byte {
	return embeddedtest.Request(t, map[string]any{"run_id": runID, "fleet": "e2e", "network": "local",
		"root_canister_id": f.Root, "scope": "subtree", "selector": f.Entries[1].Pid})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Five services as five separately started processes against one NATS server, sharing a sim
// state and a backup root, complete a subtree backup of a 30-canister fleet.
func TestFiveServicesAsProcesses(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 4, 6}), 4096)
	c := newCluster(t, f, "--sim-artifact-bytes", "4096")
	c.startAll(1)
	rec := c.runToEnd("procs", subtreeRequest(t, "procs", f), 2*time.Minute)
	if rec.State != runs.Completed {
		c.dumpLogs()
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	simcheck.CheckParallelOrder(t, f.StateDir)
}

// kill -9 of a downloader in the middle of a large download: another downloader takes the
// operation over from a clean temp directory, the artifact's checksum matches, and no staging
// directory is left behind.
func TestKillDownloaderMidDownload(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 8<<20)
	c := newCluster(t, f, "--sim-artifact-bytes", "8388608", "--sim-latency", "download=4s")
	for _, s := range []string{"planner", "snapshotter", "verifier", "finalizer"} {
		c.start(s)
	}
	victim := c.start("downloader")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, c.store, subtreeRequest(t, "killed", f), ""); err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(c.backupRoot, "killed")
	waitFor(t, ctx, "a download in progress", func() bool {
		progress, _ := filepath.Glob(filepath.Join(runDir, "*.tmp", ".download_progress.json"))
		return len(progress) > 0
	})
	c.kill("downloader", victim)
	c.start("downloader")
	rec, err := client.WaitTerminal(ctx, c.store, "killed")
	if err != nil || rec.State != runs.Completed {
		c.dumpOps("killed")
		t.Fatalf("run = %+v, %v", rec, err)
	}
	p := layouttest.CheckBackupDir(t, runDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	stray, _ := filepath.Glob(filepath.Join(runDir, "*.tmp"))
	progress, _ := filepath.Glob(filepath.Join(runDir, "*", ".download_progress.json"))
	if len(stray)+len(progress) > 0 {
		t.Fatalf("left behind: %v %v", stray, progress)
	}
}

// waitFor polls cond until it holds or ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}

// Chaos: a 60-canister run (non-root-fleet over a root with four children) while a loop kills a random worker process (any kind) every few
// hundred milliseconds during the first part of the run, and starts a new one in its place.
func TestChaosKillsDuringRun(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{4, 14}), 64<<10) // root, 4 children, 56 grandchildren
	c := newCluster(t, f, "--sim-artifact-bytes", "65536",
		"--sim-latency", "stop=20ms,snapshot=50ms,start=20ms,download=150ms")
	c.startAll(2)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	body := embeddedtest.Request(t, map[string]any{"run_id": "chaos", "fleet": "e2e", "network": "local",
		"root_canister_id": f.Root, "scope": "non-root-fleet"})
	if err := client.Submit(ctx, c.store, body, ""); err != nil {
		t.Fatal(err)
	}
	kills := chaos(ctx, c, 4*time.Second, 300*time.Millisecond)
	rec, err := client.WaitTerminal(ctx, c.store, "chaos")
	if err != nil || rec.State != runs.Completed {
		c.dumpOps("chaos")
		t.Fatalf("run after %d kills = %+v, %v", kills, rec, err)
	}
	t.Logf("the run survived %d kills (kill -9 of a random service process every 300ms for 4s)", kills)
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	if len(p.Targets) != 60 {
		t.Fatalf("%d targets, want 60", len(p.Targets))
	}
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
	if os.Getenv("E2E_KEEP") != "" {
		t.Logf("backup kept at %s", *rec.BackupDir)
	}
}

// chaos kills a random service process every interval for span, replacing each, and returns
// the number of kills. The cadence is the point of the test, not a wait for a condition.
func chaos(ctx context.Context, c *cluster, span, interval time.Duration) int {
	stop := time.After(span)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	kills := 0
	for {
		select {
		case <-ctx.Done():
			return kills
		case <-stop:
			return kills
		case <-tick.C:
		}
		service, victim := c.randomWorker()
		c.kill(service, victim)
		c.start(service)
		kills++
	}
}
