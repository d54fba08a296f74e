package svc

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// installation is the five services running as Run runs them (each its own NATS connection,
// health server and metrics registry, as separate processes would), over one embedded server.
type installation struct {
	store      *runstore.Store
	backupRoot string
	root       string            // the sample fleet's root canister
	addrs      map[string]string // health address by service
	runs       map[string]*started
	stop       func() // stops every service and waits for it (idempotent)
}

const pipelinePrefix = "svcmetrics"

// startInstallation starts every service and waits until each is ready; they are stopped
// when the test ends, before the server.
func startInstallation(t *testing.T) *installation {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	simState := t.TempDir()
	fleet, err := sim.New(sim.Config{StateDir: simState, ArtifactBytes: 4096})
	if err != nil {
		t.Fatal(err)
	}
	in := &installation{backupRoot: t.TempDir(), root: fleet.Root(), addrs: map[string]string{}, runs: map[string]*started{}}
	in.stop = sync.OnceFunc(func() {
		cancel()
		for name, r := range in.runs {
			if err := <-r.done; err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
	t.Cleanup(in.stop)
	args := []string{"--nats-url", srv.ClientURL(), "--prefix", pipelinePrefix, "--sim-state", simState,
		"--sim-artifact-bytes", "4096", "--backup-root", in.backupRoot, "--health-addr", "127.0.0.1:0", "--log-format", "json"}
	for _, name := range stages.Names() {
		r := startRun(ctx, name, args)
		in.addrs[name], in.runs[name] = <-r.addr, r
		select {
		case <-r.ready:
		case err := <-r.done:
			t.Fatalf("%s ended before ready: %v\n%s", name, err, r.logs)
		}
	}
	nc, js, err := bus.Connect(bus.ConnectConfig{URL: srv.ClientURL(), Name: "test-client"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	names, _ := bus.NewNames(pipelinePrefix)
	if in.store, err = runstore.OpenStore(ctx, js, names); err != nil {
		t.Fatal(err)
	}
	return in
}

// backup runs a backup of the sample fleet's user_hub subtree to its end.
func (in *installation) backup(t *testing.T, runID string) runs.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"run_id": runID, "fleet": "demo", "network": "local",
		"root_canister_id": in.root, "scope": "subtree", "selector": "user_hub", "include_descendants": true})
	if err := client.Submit(ctx, in.store, body, ""); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, in.store, runID)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// scrapeAll scrapes every service once.
func (in *installation) scrapeAll(t *testing.T) map[string]scrape {
	t.Helper()
	all := map[string]scrape{}
	for name, addr := range in.addrs {
		all[name] = scrapeMetrics(t, addr)
	}
	return all
}

// plannedOps counts the plan's operations by kind, the preflight validations (recorded at
// acceptance, never executed by a worker) left out.
func (in *installation) plannedOps(t *testing.T, rec runs.Record) map[string]float64 {
	t.Helper()
	rp, err := in.store.LoadRunPlan(context.Background(), rec.RunID, rec.Order)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]float64{}
	for _, ph := range rp.Plan.Phases {
		if !ph.Kind.IsPreflight() {
			byKind[string(ph.Kind)]++
		}
	}
	return byKind
}

// artifactBytes is the size of every file in the run's artifact directories.
func artifactBytes(t *testing.T, runDir string) float64 {
	t.Helper()
	entries, err := os.ReadDir(runDir)
	if err != nil {
		t.Fatal(err)
	}
	n, dirs := 0.0, 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dirs++
		err := filepath.WalkDir(filepath.Join(runDir, e.Name()), func(_ string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			n += float64(info.Size())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if dirs == 0 || n == 0 {
		t.Fatalf("no artifacts under %s", runDir)
	}
	return n
}
