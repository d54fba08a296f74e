package sim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Sample fleet canisters used across tests.
var (
	sampleRoot  = sampleMembers()[0].pid
	sampleHub   = sampleMembers()[1].pid // user_hub
	sampleLeaf  = sampleMembers()[4].pid // user_shard_1, child of user_hub
	sampleOther = sampleMembers()[7].pid // asset_store_1
	strangerID  = "renrk-eyaaa-aaaaa-aaada-cai"
)

// newSim opens a Sim on dir (a fresh temp dir when empty) with small artifacts by default.
func newSim(t testing.TB, dir string, cfg Config) *Sim {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cfg.StateDir = dir
	if cfg.ArtifactBytes == 0 {
		cfg.ArtifactBytes = 4096
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// mustErr fails unless err matches every target.
func mustErr(t testing.TB, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got nil error, want %v", targets)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Fatalf("error %v does not match %v", err, target)
		}
	}
}

func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// stopAndSnapshot stops a canister and snapshots it.
func stopAndSnapshot(t testing.TB, s *Sim, canister string) executor.Snapshot {
	t.Helper()
	ctx := context.Background()
	mustOK(t, s.Stop(ctx, canister))
	snap, err := s.CreateSnapshot(ctx, canister)
	mustOK(t, err)
	return snap
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C: // polling a condition with a deadline, not waiting blind
		}
	}
}

// readTree returns every regular file under dir, relative path to content.
func readTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	mustOK(t, err)
	return out
}

func status(t testing.TB, s *Sim, canister string) executor.Status {
	t.Helper()
	st, err := s.Status(context.Background(), canister)
	mustOK(t, err)
	return st
}

func errorIs(err, target error) bool { return errors.Is(err, target) }
