package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Several processes (Sims) opening a fresh state directory at once agree on one fleet.
func TestConcurrentFirstUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "nested")
	const n = 8
	sims := make([]*Sim, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { sims[i], errs[i] = New(Config{StateDir: dir, ArtifactBytes: 4096}) })
	}
	wg.Wait()
	for i := range n {
		mustOK(t, errs[i])
		if sims[i].Root() != sampleRoot {
			t.Fatalf("sim %d root %s", i, sims[i].Root())
		}
	}
	stored, err := os.ReadFile(filepath.Join(dir, fleetFileName))
	mustOK(t, err)
	if !bytes.Equal(stored, SampleFleetJSON()) {
		t.Fatal("stored fleet is not the sample fleet")
	}
}

// Goroutines of several processes racing to snapshot one canister: exactly MaxSnapshots win,
// each with its own id, and the rest hit the limit.
func TestConcurrentSnapshotsOneCanister(t *testing.T) {
	dir := t.TempDir()
	sims := []*Sim{newSim(t, dir, Config{}), newSim(t, dir, Config{}), newSim(t, dir, Config{})}
	mustOK(t, sims[0].Stop(context.Background(), sampleHub))
	var (
		mu     sync.Mutex
		ids    = map[string]bool{}
		limits int
		wg     sync.WaitGroup
	)
	for i := range 24 {
		wg.Go(func() {
			snap, err := sims[i%len(sims)].CreateSnapshot(context.Background(), sampleHub)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ids[snap.ID] = true
			case errorIs(err, ErrSnapshotLimit):
				limits++
			default:
				t.Errorf("CreateSnapshot: %v", err)
			}
		})
	}
	wg.Wait()
	if len(ids) != DefaultMaxSnapshots || limits != 24-DefaultMaxSnapshots {
		t.Fatalf("%d snapshots, %d refusals", len(ids), limits)
	}
	st, err := Inspect(dir, sampleHub)
	mustOK(t, err)
	if st.Counter != DefaultMaxSnapshots || len(st.Snapshots) != DefaultMaxSnapshots {
		t.Fatalf("Inspect = %+v", st)
	}
}

// Every canister cycled by its own goroutine, through two processes, without interference.
func TestConcurrentCanisters(t *testing.T) {
	dir := t.TempDir()
	a, b := newSim(t, dir, Config{}), newSim(t, dir, Config{})
	f, _ := parseFleet(SampleFleetJSON())
	var wg sync.WaitGroup
	for i, m := range f.members {
		s := []*Sim{a, b}[i%2]
		wg.Go(func() {
			ctx := context.Background()
			if err := s.Stop(ctx, m.pid); err != nil {
				t.Error(err)
				return
			}
			snap, err := s.CreateSnapshot(ctx, m.pid)
			if err == nil {
				err = s.Start(ctx, m.pid)
			}
			if err == nil {
				err = s.DownloadSnapshot(ctx, m.pid, snap.ID, t.TempDir(), false)
			}
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	calls, err := ReadHistory(dir)
	mustOK(t, err)
	if len(calls) != 4*len(f.members) {
		t.Fatalf("%d history lines, want %d", len(calls), 4*len(f.members))
	}
	for _, m := range f.members {
		st, err := Inspect(dir, m.pid)
		mustOK(t, err)
		if st.Status != executor.StatusRunning || len(st.Snapshots) != 1 {
			t.Fatalf("%s: %+v", m.role, st)
		}
	}
}
