// Package embeddedtest starts whole installations for tests: an embedded NATS server, every
// service, and a simulated fleet, and checks a finished backup against the IC's rules.
package embeddedtest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Fleet is a simulated fleet and where its state lives.
type Fleet struct {
	Entries  []registry.Entry
	Root     string
	StateDir string
	File     string
	Sim      *sim.Sim
}

// NewFleet writes entries as a fleet file and opens a simulator on a fresh state directory.
func NewFleet(t testing.TB, entries []registry.Entry, artifactBytes int64) *Fleet {
	t.Helper()
	dir := t.TempDir()
	data, err := fleetgen.JSON(entries)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "fleet.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	s, err := sim.New(sim.Config{StateDir: state, FleetFile: file, ArtifactBytes: artifactBytes})
	if err != nil {
		t.Fatal(err)
	}
	return &Fleet{Entries: entries, Root: entries[0].Pid, StateDir: state, File: file, Sim: s}
}

// Slow opens another simulator on the fleet's state with the given per-call latencies (keys
// stop, start, snapshot, download, status, registry), to slow a run down for a test.
func (f *Fleet) Slow(t testing.TB, artifactBytes int64, latency map[string]time.Duration) *sim.Sim {
	t.Helper()
	s, err := sim.New(sim.Config{StateDir: f.StateDir, ArtifactBytes: artifactBytes, Latency: latency})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Stack is a running installation for one test.
type Stack struct {
	*embedded.Stack
	BackupRoot string
}

// Start starts an embedded installation over fleet; it is closed when the test ends.
func Start(t testing.TB, fleet *Fleet, cfg embedded.Config) *Stack {
	t.Helper()
	cfg.StoreDir = t.TempDir()
	cfg.BackupRoot = filepath.Join(t.TempDir(), "backups")
	if cfg.Exec == nil {
		cfg.Exec = fleet.Sim
	}
	if cfg.Port == 0 {
		cfg.Port = -1 // in-process connections unless the test asks for a TCP port
	}
	st, err := embedded.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return &Stack{Stack: st, BackupRoot: cfg.BackupRoot}
}

// Request builds a run request body.
func Request(t testing.TB, req map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// RunToEnd submits a request and waits (bounded) for the run to reach a terminal state.
func (s *Stack) RunToEnd(t testing.TB, runID string, body []byte) runs.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, s.Store, body, ""); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, s.Store, runID)
	if err != nil {
		t.Fatalf("waiting for run %s: %v", runID, err)
	}
	return rec
}

// RestoreToEnd submits a restore request and waits (bounded) for the run to reach a terminal
// state.
func (s *Stack) RestoreToEnd(t testing.TB, runID string, body []byte) runs.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.SubmitRestore(ctx, s.Store, body, ""); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, s.Store, runID)
	if err != nil {
		t.Fatalf("waiting for restore %s: %v", runID, err)
	}
	return rec
}

// CheckAllRunning asserts that every canister of the fleet is running.
func (f *Fleet) CheckAllRunning(t testing.TB) {
	t.Helper()
	ids := make([]string, len(f.Entries))
	for i, e := range f.Entries {
		ids[i] = e.Pid
	}
	simcheck.CheckAllRunning(t, f.StateDir, ids)
}
