package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

// simFlagNames are the simulator's contract flags (DESIGN §8), the same on every service.
var simFlagNames = []string{"sim-state", "sim-fleet", "sim-artifact-bytes", "sim-latency"}

// runtimeConfig is what dev and demo start: the embedded installation on a simulated fleet.
type runtimeConfig struct {
	work       string // private directory: the JetStream store, and the sim state unless given
	backupRoot string
	prefix     string
	port       int // 0 random, -1 in-process only
	sim        sim.Config
	log        *slog.Logger
	instances  map[string]int
}

// installation is a started installation and its simulated fleet.
type installation struct {
	stack *embedded.Stack
	sim   *sim.Sim
	fleet []registry.Entry
}

// startRuntime opens the simulated fleet and starts NATS and every service in this process.
func startRuntime(ctx context.Context, cfg runtimeConfig) (*installation, error) {
	if cfg.sim.StateDir == "" {
		cfg.sim.StateDir = filepath.Join(cfg.work, "sim")
	}
	s, err := sim.New(cfg.sim)
	if err != nil {
		return nil, &InputError{What: "simulated fleet", Err: err}
	}
	data, err := s.Registry(ctx, s.Root())
	if err != nil {
		return nil, err
	}
	fleet, err := registry.Parse(data)
	if err != nil {
		return nil, &InputError{What: "simulated fleet", Err: err}
	}
	if err := os.MkdirAll(cfg.backupRoot, 0o755); err != nil {
		return nil, err
	}
	stack, err := embedded.Start(ctx, embedded.Config{
		StoreDir: filepath.Join(cfg.work, "jetstream"), BackupRoot: cfg.backupRoot, Exec: s,
		Prefix: cfg.prefix, Port: cfg.port, Log: cfg.log, Instances: cfg.instances,
		Env: func(e *runenv.Env) { e.ToolVersion = svc.Version },
	})
	if err != nil {
		return nil, fmt.Errorf("starting the embedded installation: %w", err)
	}
	return &installation{stack: stack, sim: s, fleet: fleet}, nil
}

// logFlags registers --log-level and --log-format as the services take them.
func logFlags(fs *flag.FlagSet) *svc.Config {
	return borrowFlags(fs, "log-level", "log-format")
}

// newLogger builds the services' logger on w, or a silent one when w is nil.
func newLogger(cfg *svc.Config, w io.Writer) *slog.Logger {
	if w == nil {
		return slog.New(slog.DiscardHandler)
	}
	return svc.NewLogger(cfg, w)
}

// absDir resolves a directory given on the command line, so records and messages name it
// wherever they are read.
func absDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", &InputError{What: dir, Err: err}
	}
	return abs, nil
}
