package sim

import (
	"context"
	"encoding/hex"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

var snapshotIDPattern = regexp.MustCompile(`^[0-9a-f]{36}$`)

func TestSnapshotNeedsStoppedCanister(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	_, err := s.CreateSnapshot(ctx, sampleHub)
	mustErr(t, err, executor.ErrPermanent, ErrCanisterNotStopped)
	first := stopAndSnapshot(t, s, sampleHub)
	second, err := s.CreateSnapshot(ctx, sampleHub)
	mustOK(t, err)
	for _, snap := range []executor.Snapshot{first, second} {
		if !snapshotIDPattern.MatchString(snap.ID) || snap.TotalSizeBytes != 4096 || snap.TakenAtNanos == 0 {
			t.Fatalf("snapshot %+v", snap)
		}
	}
	if first.ID == second.ID {
		t.Fatal("snapshot ids repeat")
	}
	list, err := s.ListSnapshots(ctx, sampleHub)
	mustOK(t, err)
	if len(list) != 2 || list[0] != first || list[1] != second {
		t.Fatalf("ListSnapshots = %+v", list)
	}
	if list, _ := s.ListSnapshots(ctx, sampleLeaf); list == nil || len(list) != 0 {
		t.Fatalf("untouched canister lists %v, want []", list)
	}
}

// Snapshot ids follow the IC's layout, as in icp's example id 0000000000000000ffffffffffc000020101.
func TestSnapshotIDLayout(t *testing.T) {
	blob, _ := hex.DecodeString("ffffffffffc000020101")
	if got := snapshotID(0, blob); got != "0000000000000000ffffffffffc000020101" {
		t.Fatalf("snapshotID = %s", got)
	}
	if got := snapshotID(258, blob); got != "0000000000000102ffffffffffc000020101" {
		t.Fatalf("snapshotID = %s", got)
	}
}

func TestSnapshotLimit(t *testing.T) {
	s := newSim(t, "", Config{MaxSnapshots: 3})
	stopAndSnapshot(t, s, sampleLeaf)
	for range 2 {
		_, err := s.CreateSnapshot(context.Background(), sampleLeaf)
		mustOK(t, err)
	}
	_, err := s.CreateSnapshot(context.Background(), sampleLeaf)
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotLimit)
	st, err := Inspect(s.StateDir(), sampleLeaf)
	mustOK(t, err)
	if len(st.Snapshots) != 3 || st.Counter != 3 || st.Status != executor.StatusStopped {
		t.Fatalf("Inspect = %+v", st)
	}
}

func TestStopStartIdempotent(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	for _, step := range []struct {
		call func(context.Context, string) error
		want executor.Status
	}{
		{s.Start, executor.StatusRunning}, {s.Stop, executor.StatusStopped}, {s.Stop, executor.StatusStopped},
		{s.Start, executor.StatusRunning}, {s.Start, executor.StatusRunning},
	} {
		mustOK(t, step.call(ctx, sampleOther))
		if got := status(t, s, sampleOther); got != step.want {
			t.Fatalf("status %s, want %s", got, step.want)
		}
	}
}

func TestUnknownCanister(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	for _, id := range []string{strangerID, "../../etc/passwd", ""} {
		_, err := s.Status(ctx, id)
		mustErr(t, err, executor.ErrPermanent, ErrCanisterNotFound)
		mustErr(t, s.Stop(ctx, id), executor.ErrPermanent, ErrCanisterNotFound)
		mustErr(t, s.Start(ctx, id), executor.ErrPermanent, ErrCanisterNotFound)
		_, err = s.CreateSnapshot(ctx, id)
		mustErr(t, err, executor.ErrPermanent, ErrCanisterNotFound)
		_, err = s.ListSnapshots(ctx, id)
		mustErr(t, err, executor.ErrPermanent, ErrCanisterNotFound)
		mustErr(t, s.DownloadSnapshot(ctx, id, "00", t.TempDir(), false), executor.ErrPermanent, ErrCanisterNotFound)
	}
	_, err := Inspect(s.StateDir(), strangerID)
	mustErr(t, err, ErrCanisterNotFound)
}

// While a stop runs its latency the canister is stopping: another caller sees it, a snapshot
// is refused, and the stop ends when its context does, leaving the canister stopping.
func TestStopIsStoppingForItsLatency(t *testing.T) {
	s := newSim(t, "", Config{Latency: map[string]time.Duration{KindStop: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Stop(ctx, sampleHub) }()
	waitFor(t, "stopping", func() bool {
		st, err := Inspect(s.StateDir(), sampleHub)
		return err == nil && st.Status == executor.StatusStopping
	})
	other := newSim(t, s.StateDir(), Config{})
	if got := status(t, other, sampleHub); got != executor.StatusStopping {
		t.Fatalf("status %s, want stopping", got)
	}
	_, err := other.CreateSnapshot(context.Background(), sampleHub)
	mustErr(t, err, executor.ErrPermanent, ErrCanisterNotStopped)
	cancel()
	mustErr(t, <-done, executor.ErrTransient, context.Canceled)
	if got := status(t, other, sampleHub); got != executor.StatusStopping {
		t.Fatalf("status after cancelled stop %s, want stopping", got)
	}
	mustOK(t, other.Start(context.Background(), sampleHub))
	if got := status(t, other, sampleHub); got != executor.StatusRunning {
		t.Fatalf("status %s, want running", got)
	}
}

// Two stops of one canister: the second waits for the first's stopping to end.
func TestStopWaitsForStopping(t *testing.T) {
	s := newSim(t, "", Config{Latency: map[string]time.Duration{KindStop: 30 * time.Millisecond}})
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() { errs <- s.Stop(context.Background(), sampleLeaf) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		mustOK(t, err)
	}
	if got := status(t, s, sampleLeaf); got != executor.StatusStopped {
		t.Fatalf("status %s, want stopped", got)
	}
}

// A start issued while a canister is stopping wins; the stop reports it (transient). The stop
// takes 3 s, time enough for the start to land within it on a loaded machine.
func TestStartWhileStopping(t *testing.T) {
	s := newSim(t, "", Config{Latency: map[string]time.Duration{KindStop: 3 * time.Second}})
	done := make(chan error, 1)
	go func() { done <- s.Stop(context.Background(), sampleLeaf) }()
	waitFor(t, "stopping or stopped", func() bool {
		st, err := Inspect(s.StateDir(), sampleLeaf)
		return err == nil && st.Status != executor.StatusRunning
	})
	mustOK(t, s.Start(context.Background(), sampleLeaf))
	mustErr(t, <-done, executor.ErrTransient, ErrStartedWhileStopping)
	if got := status(t, s, sampleLeaf); got != executor.StatusRunning {
		t.Fatalf("status %s, want running", got)
	}
}

// A stopping canister becomes stopped at its deadline even if nobody records it.
func TestStoppingEndsAtDeadline(t *testing.T) {
	now := time.Unix(100, 0)
	st := &canisterState{Status: executor.StatusStopping, StoppedAtNanos: now.UnixNano()}
	if st.effective(now.Add(-1)) != executor.StatusStopping || st.effective(now) != executor.StatusStopped {
		t.Fatal("stopping does not end at its deadline")
	}
	st.settle(now)
	if st.Status != executor.StatusStopped || st.StoppedAtNanos != 0 {
		t.Fatalf("settle = %+v", st)
	}
}

func TestContextEnded(t *testing.T) {
	s := newSim(t, "", Config{Latency: map[string]time.Duration{KindSnapshot: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Status(ctx, sampleHub)
	mustErr(t, err, executor.ErrTransient, context.Canceled)
	mustOK(t, s.Stop(context.Background(), sampleHub))
	short, stop := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer stop()
	_, err = s.CreateSnapshot(short, sampleHub)
	mustErr(t, err, executor.ErrTransient, context.DeadlineExceeded)
	if st, _ := Inspect(s.StateDir(), sampleHub); len(st.Snapshots) != 0 {
		t.Fatal("a timed-out snapshot took effect")
	}
}

func TestStateSharedAcrossInstances(t *testing.T) {
	a := newSim(t, "", Config{})
	b := newSim(t, a.StateDir(), Config{})
	mustOK(t, a.Stop(context.Background(), sampleHub))
	if got := status(t, b, sampleHub); got != executor.StatusStopped {
		t.Fatalf("b sees %s", got)
	}
	snap, err := b.CreateSnapshot(context.Background(), sampleHub)
	mustOK(t, err)
	list, err := a.ListSnapshots(context.Background(), sampleHub)
	mustOK(t, err)
	if len(list) != 1 || list[0] != snap {
		t.Fatalf("a lists %+v", list)
	}
}
