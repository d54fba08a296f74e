package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// runTimeout bounds one backup run; the largest (10,000 targets with sync) takes minutes.
const runTimeout = 30 * time.Minute

// installConfig is one scenario's installation: a simulated fleet and an embedded stack.
type installConfig struct {
	entries       []registry.Entry
	artifactBytes int64
	latency       map[string]time.Duration
	noSync        bool
	instances     map[string]int
	slots         map[string]int  // operations at once per instance (embedded.Config.Slots)
	held          map[string]bool // services started later (embedded.Config.Held)
	hashWorkers   int             // files one checksum reads at once (runenv.Env.HashWorkers)
}

// installation is a fresh fleet and stack in a temporary directory that Close removes.
type installation struct {
	dir      string
	stateDir string
	root     string
	sim      *sim.Sim
	stack    *embedded.Stack
	stats    *kvstore.Stats
	backups  string
}

// install writes the fleet, opens the simulator on it and starts every service over it. The
// stack connects in-process, as the pipeline tests do.
func install(ctx context.Context, cfg installConfig) (in *installation, err error) {
	dir, err := os.MkdirTemp("", "fleetbackup-bench-")
	if err != nil {
		return nil, err
	}
	in = &installation{dir: dir, stateDir: filepath.Join(dir, "sim"), root: cfg.entries[0].Pid,
		stats: &kvstore.Stats{}, backups: filepath.Join(dir, "backups")}
	defer func() {
		if err != nil {
			in.Close()
		}
	}()
	data, err := fleetgen.JSON(cfg.entries)
	if err != nil {
		return nil, err
	}
	fleetFile := filepath.Join(dir, "fleet.json")
	if err := os.WriteFile(fleetFile, data, 0o644); err != nil {
		return nil, err
	}
	in.sim, err = sim.New(sim.Config{StateDir: in.stateDir, FleetFile: fleetFile,
		ArtifactBytes: cfg.artifactBytes, Latency: cfg.latency})
	if err != nil {
		return nil, fmt.Errorf("opening the simulator: %w", err)
	}
	in.stack, err = embedded.Start(ctx, embedded.Config{StoreDir: filepath.Join(dir, "store"),
		BackupRoot: in.backups, Exec: in.sim, Port: -1, NoSync: cfg.noSync,
		Instances: cfg.instances, Slots: cfg.slots, Held: cfg.held, Stats: in.stats,
		Env: func(e *runenv.Env) { e.HashWorkers = cfg.hashWorkers }})
	if err != nil {
		return nil, fmt.Errorf("starting the embedded stack: %w", err)
	}
	return in, nil
}

// Close stops the stack and removes every file of the installation.
func (in *installation) Close() {
	if in.stack != nil {
		in.stack.Close()
	}
	_ = os.RemoveAll(in.dir)
}

// backup submits a run of the fleet with the given request fields (runRequest) and waits until
// it ends; it returns the final record and the time from submission to the terminal record. A
// run that does not complete is an error.
func (in *installation) backup(ctx context.Context, runID string, fields map[string]any) (runs.Record, time.Duration, error) {
	body, err := in.runRequest(runID, fields)
	if err != nil {
		return runs.Record{}, 0, err
	}
	return in.await(ctx, runID, func(ctx context.Context) error { return client.Submit(ctx, in.stack.Store, body, "") })
}

// runRequest is a backup request of the fleet with the given fields (run_id, fleet, network
// and root are filled in).
func (in *installation) runRequest(runID string, fields map[string]any) ([]byte, error) {
	req := map[string]any{"run_id": runID, "fleet": "bench", "network": "local", "root_canister_id": in.root}
	for k, v := range fields {
		req[k] = v
	}
	return json.Marshal(req)
}

// await submits a run and waits until it ends; it returns the final record and the time from
// submission to the terminal record. A run that does not complete is an error.
func (in *installation) await(ctx context.Context, runID string, submit func(context.Context) error) (runs.Record, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	start := time.Now()
	if err := submit(ctx); err != nil {
		return runs.Record{}, 0, fmt.Errorf("submitting: %w", err)
	}
	rec, err := client.WaitTerminal(ctx, in.stack.Store, runID)
	elapsed := time.Since(start)
	if err != nil {
		return rec, elapsed, fmt.Errorf("waiting for run %s: %w", runID, err)
	}
	if rec.State != runs.Completed {
		reason := ""
		if rec.Error != nil {
			reason = *rec.Error
		}
		return rec, elapsed, fmt.Errorf("run %s ended %s: %s", runID, rec.State, reason)
	}
	return rec, elapsed, nil
}

// targets is the number of targets of a run's plan.
func (in *installation) targets(ctx context.Context, runID string) (int, error) {
	p, err := in.stack.Store.LoadPlan(ctx, runID)
	if err != nil {
		return 0, fmt.Errorf("reading the plan: %w", err)
	}
	return len(p.Targets), nil
}

// subtreeFleet is a root, one hub and a two-level tree of exactly n canisters in the hub's
// subtree (the hub included): the hub has k children with m children each, n = 1 + k(1+m).
func subtreeFleet(n int) ([]registry.Entry, error) {
	for k := 10; k >= 1; k-- {
		if (n-1)%k == 0 && (n-1)/k-1 >= 1 {
			return fleetgen.Generate(fleetgen.Spec{Levels: []int{1, k, (n-1)/k - 1}, Roles: []string{"hub", "store"}}), nil
		}
	}
	return nil, fmt.Errorf("no subtree shape of %d canisters", n)
}

// twoLevelFleet is a root with k children of m children each: n = k(1+m) canisters besides
// the root, two levels deep, k the largest divisor of n not above its square root.
func twoLevelFleet(n int) ([]registry.Entry, error) {
	for k := n; k >= 1; k-- {
		if k*k <= n && n%k == 0 && n/k-1 >= 1 {
			return fleetgen.Generate(fleetgen.Spec{Levels: []int{k, n/k - 1}, Roles: []string{"hub", "store"}}), nil
		}
	}
	return nil, errors.New("no two-level shape of fewer than 2 canisters")
}
