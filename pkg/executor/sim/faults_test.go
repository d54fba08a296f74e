package sim

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

func TestFaultTransientAndPermanent(t *testing.T) {
	s := newSim(t, "", Config{})
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindStop, Canister: sampleHub, Mode: ModeTransient, Times: 1}))
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindStop, Mode: ModePermanent, Times: 1, Message: "not a controller"}))
	ctx := context.Background()
	err := s.Stop(ctx, sampleHub)
	mustErr(t, err, executor.ErrTransient, ErrInjected)
	if status(t, s, sampleHub) != executor.StatusRunning {
		t.Fatal("a failed stop took effect")
	}
	err = s.Stop(ctx, sampleHub)
	mustErr(t, err, executor.ErrPermanent, ErrInjected)
	var exec *executor.Error
	if !errors.As(err, &exec) || exec.Status != "sim" || exec.Message != "stop "+sampleHub+": not a controller" {
		t.Fatalf("executor error %+v", exec)
	}
	mustOK(t, s.Stop(ctx, sampleHub))
	if _, err := os.Stat(filepath.Join(s.StateDir(), faultsName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("spent faults left a faults file")
	}
}

// A lost reply takes effect, then times out: the snapshot exists, and the history says so.
func TestFaultLostReply(t *testing.T) {
	s := newSim(t, "", Config{})
	mustOK(t, s.Stop(context.Background(), sampleLeaf))
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindSnapshot, Mode: ModeLostReply, Times: 1}))
	_, err := s.CreateSnapshot(context.Background(), sampleLeaf)
	mustErr(t, err, executor.ErrTransient, ErrReplyLost)
	list, err := s.ListSnapshots(context.Background(), sampleLeaf)
	mustOK(t, err)
	if len(list) != 1 {
		t.Fatalf("lost reply left %d snapshots, want 1", len(list))
	}
	calls, err := ReadHistory(s.StateDir())
	mustOK(t, err)
	c := calls[1]
	if c.Call != KindSnapshot || !c.OK || c.Error == nil || c.SnapshotID == nil || *c.SnapshotID != list[0].ID {
		t.Fatalf("history line %+v", c)
	}
}

func TestFaultHang(t *testing.T) {
	s := newSim(t, "", Config{})
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindDownload, Mode: ModeHang, Times: 1}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.DownloadSnapshot(ctx, sampleHub, "00", t.TempDir(), false) }()
	waitFor(t, "the hang to take its fault", func() bool {
		_, err := os.Stat(filepath.Join(s.StateDir(), faultsName))
		return errors.Is(err, fs.ErrNotExist)
	})
	select {
	case err := <-done:
		t.Fatalf("hung call returned %v", err)
	default:
	}
	cancel()
	mustErr(t, <-done, executor.ErrTransient, context.Canceled)
}

func TestFaultTimesAndScope(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindStatus, Canister: sampleHub, Mode: ModeTransient, Times: 2}))
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindList, Mode: ModePermanent}))
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindRegistry, Canister: sampleRoot, Mode: ModeTransient, Times: 1}))
	status(t, s, sampleLeaf) // another canister: unaffected
	for range 2 {
		_, err := s.Status(ctx, sampleHub)
		mustErr(t, err, ErrInjected)
	}
	status(t, s, sampleHub)
	for range 3 { // Times 0: every call
		_, err := s.ListSnapshots(ctx, sampleLeaf)
		mustErr(t, err, executor.ErrPermanent, ErrInjected)
	}
	_, err := s.Registry(ctx, sampleRoot)
	mustErr(t, err, executor.ErrTransient, ErrInjected)
	_, err = s.Registry(ctx, sampleRoot)
	mustOK(t, err)
	mustOK(t, ClearFaults(s.StateDir()))
	_, err = s.ListSnapshots(ctx, sampleLeaf)
	mustOK(t, err)
}

// Faults are consumed atomically: five counts fail exactly five of many concurrent calls
// made through three processes.
func TestFaultConsumedOnce(t *testing.T) {
	dir := t.TempDir()
	sims := []*Sim{newSim(t, dir, Config{}), newSim(t, dir, Config{}), newSim(t, dir, Config{})}
	mustOK(t, InjectFault(dir, Fault{Call: KindStatus, Mode: ModeTransient, Times: 5}))
	var (
		mu     sync.Mutex
		failed int
		wg     sync.WaitGroup
	)
	for i := range 30 {
		wg.Go(func() {
			_, err := sims[i%3].Status(context.Background(), sampleOther)
			if err != nil {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failed != 5 {
		t.Fatalf("%d calls failed, want 5", failed)
	}
}

func TestInjectFaultValidates(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []Fault{
		{Call: "bogus", Mode: ModeTransient},
		{Call: KindMutate, Mode: ModeTransient},
		{Call: KindStop, Mode: "flaky"},
		{Call: KindStop, Mode: ModeHang, Times: -1},
		{Call: KindStop, Mode: ModeHang, Canister: "not-a-principal"},
	} {
		mustErr(t, InjectFault(dir, f), ErrInvalidFault)
	}
}

func TestCorruptFaultsFile(t *testing.T) {
	s := newSim(t, "", Config{})
	mustOK(t, os.WriteFile(filepath.Join(s.StateDir(), faultsName), []byte("{"), 0o644))
	_, err := s.Status(context.Background(), sampleHub)
	mustErr(t, err, executor.ErrPermanent, ErrCorruptState)
}
