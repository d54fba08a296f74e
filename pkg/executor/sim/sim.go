package sim

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Names inside the state directory.
const (
	canistersDir  = "canisters"
	fleetFileName = "fleet.json"
	initLockName  = ".init.lock"
)

// Sim is a simulated fleet backed by a state directory. It is safe for concurrent use, and
// several Sims (in one process or many) on the same state directory act on one fleet.
type Sim struct {
	dir     string
	cfg     Config
	fleet   *fleet
	mutexes map[string]*sync.Mutex // per canister, built once, read-only afterwards

	afterStep func(progress) // test hook: runs after every download step
}

var (
	_ executor.Executor         = (*Sim)(nil)
	_ executor.SnapshotDeleter  = (*Sim)(nil)
	_ executor.Restorer         = (*Sim)(nil)
	_ executor.SnapshotReplacer = (*Sim)(nil)
)

// New validates cfg and opens (creating and initialising on first use) its state directory.
func New(cfg Config) (*Sim, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.StateDir == "" {
		if cfg.StateDir, err = os.MkdirTemp("", "fleetbackup-sim-"); err != nil {
			return nil, err
		}
	}
	var given []byte
	if cfg.FleetFile != "" {
		if given, err = os.ReadFile(cfg.FleetFile); err != nil {
			return nil, &ConfigError{Field: "FleetFile", Value: cfg.FleetFile, Reason: err.Error(), Err: ErrInvalidConfig}
		}
	}
	f, err := openState(cfg.StateDir, cfg.FleetFile, given)
	if err != nil {
		return nil, err
	}
	s := &Sim{dir: cfg.StateDir, cfg: cfg, fleet: f, mutexes: make(map[string]*sync.Mutex, len(f.members))}
	for _, m := range f.members {
		s.mutexes[m.pid] = new(sync.Mutex)
	}
	return s, nil
}

// openState creates the state directory and settles its fleet under the init lock, so several
// processes starting at once agree on one fleet. A stored fleet wins over the sample; a given
// fleet file must match the stored one.
func openState(dir, fleetPath string, given []byte) (*fleet, error) {
	if err := os.MkdirAll(filepath.Join(dir, canistersDir), 0o755); err != nil {
		return nil, err
	}
	lock, err := flock(filepath.Join(dir, initLockName))
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	path := filepath.Join(dir, fleetFileName)
	stored, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err == nil {
		return storedFleet(path, stored, fleetPath, given)
	}
	if given == nil {
		given = SampleFleetJSON()
	}
	f, err := parseFleet(given)
	if err != nil {
		return nil, err
	}
	return f, writeAtomic(path, f.registry)
}

func storedFleet(path string, stored []byte, fleetPath string, given []byte) (*fleet, error) {
	f, err := parseFleet(stored)
	if err != nil {
		return nil, &StateError{Path: path, Err: err}
	}
	if given == nil {
		return f, nil
	}
	g, err := parseFleet(given)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(g.registry, f.registry) {
		return nil, &ConfigError{Field: "FleetFile", Value: fleetPath,
			Reason: "differs from the fleet in the state directory " + path, Err: ErrFleetMismatch}
	}
	return f, nil
}

// StateDir is the state directory in use (a temporary one when the Config named none).
func (s *Sim) StateDir() string { return s.dir }

// MaxSnapshots is how many snapshots a canister may hold in this simulator.
func (s *Sim) MaxSnapshots() int { return s.cfg.MaxSnapshots }

// Root is the principal of the simulated fleet's root canister.
func (s *Sim) Root() string { return s.fleet.root }

// Registry returns the fleet's registry JSON ({"Ok": [...]}) when root is the fleet's root canister.
func (s *Sim) Registry(ctx context.Context, root string) ([]byte, error) {
	rec := &record{call: KindRegistry, canister: root}
	var out []byte
	err := s.run(ctx, rec, func() error {
		if err := s.pause(ctx, rec, KindRegistry); err != nil {
			return err
		}
		if root != s.fleet.root {
			return permanent(rec, ErrCanisterNotFound, "canister %s not found or not the root of this fleet", root)
		}
		out = bytes.Clone(s.fleet.registry)
		return nil
	})
	return out, err
}

// member is the fleet member of a known canister.
func (s *Sim) member(pid string) *member { return &s.fleet.members[s.fleet.index[pid]] }

// known fails with a permanent not-found error for a canister outside the fleet.
func (s *Sim) known(rec *record) error {
	if _, ok := s.fleet.index[rec.canister]; !ok {
		return permanent(rec, ErrCanisterNotFound, "canister %s not found", rec.canister)
	}
	return nil
}
