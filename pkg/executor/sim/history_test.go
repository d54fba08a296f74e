package sim

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// A backup of the sample fleet in pipeline order, then the history proves the order: every
// snapshot of a stopped canister, no start before the last snapshot, downloads of taken snapshots.
func TestHistoryOrder(t *testing.T) {
	s := newSim(t, "", Config{})
	ctx := context.Background()
	f, _ := parseFleet(SampleFleetJSON())
	ids := map[string]string{}
	_, err := s.Registry(ctx, s.Root())
	mustOK(t, err)
	for _, m := range f.members {
		mustOK(t, s.Stop(ctx, m.pid))
	}
	for _, m := range f.members {
		snap, err := s.CreateSnapshot(ctx, m.pid)
		mustOK(t, err)
		ids[m.pid] = snap.ID
	}
	for _, m := range slices.Backward(f.members) {
		mustOK(t, s.Start(ctx, m.pid))
		mustOK(t, s.DownloadSnapshot(ctx, m.pid, ids[m.pid], t.TempDir(), false))
	}
	calls, err := ReadHistory(s.StateDir())
	mustOK(t, err)
	if len(calls) != 1+4*len(f.members) {
		t.Fatalf("%d history lines", len(calls))
	}
	lastSnapshot, firstStart := -1, len(calls)
	for i, c := range calls {
		if c.Process != os.Getpid() || c.TimeNanos == 0 || !c.OK || c.Error != nil {
			t.Fatalf("line %d: %+v", i, c)
		}
		switch c.Call {
		case KindSnapshot:
			lastSnapshot = i
			if *c.StatusBefore != executor.StatusStopped {
				t.Fatalf("snapshot of a %s canister", *c.StatusBefore)
			}
		case KindStart:
			firstStart = min(firstStart, i)
		case KindDownload:
			if c.SnapshotID == nil || (*c.SnapshotID != ids[c.Canister]) {
				t.Fatalf("download line %+v", c)
			}
		case KindRegistry:
			if c.StatusBefore != nil || c.Canister != s.Root() {
				t.Fatalf("registry line %+v", c)
			}
		}
	}
	if firstStart < lastSnapshot {
		t.Fatalf("start at line %d before the last snapshot at line %d", firstStart, lastSnapshot)
	}
}

func TestHistoryRecordsFailures(t *testing.T) {
	s := newSim(t, "", Config{})
	_, snapErr := s.CreateSnapshot(context.Background(), sampleHub)
	mustErr(t, snapErr, ErrCanisterNotStopped)
	calls, err := ReadHistory(s.StateDir())
	mustOK(t, err)
	c := calls[0]
	if len(calls) != 1 || c.OK || c.Error == nil || *c.Error != snapErr.Error() || *c.StatusBefore != executor.StatusRunning ||
		c.SnapshotID != nil {
		t.Fatalf("history %+v", calls)
	}
}

func TestReadHistoryEdges(t *testing.T) {
	dir := t.TempDir()
	calls, err := ReadHistory(dir)
	if err != nil || calls == nil || len(calls) != 0 {
		t.Fatalf("missing history: %v, %v", calls, err)
	}
	path := filepath.Join(dir, historyName)
	line := `{"time_ns":1,"pid":2,"call":"stop","canister":"x","snapshot_id":null,"status_before":"running","ok":true,"error":null}`
	mustOK(t, os.WriteFile(path, []byte(line+"\n"+`{"time_ns":2,"pi`), 0o644))
	calls, err = ReadHistory(dir)
	mustOK(t, err)
	if len(calls) != 1 || calls[0].Call != "stop" || calls[0].Process != 2 {
		t.Fatalf("calls %+v", calls)
	}
	mustOK(t, os.WriteFile(path, []byte("{\n"+line+"\n"), 0o644))
	_, err = ReadHistory(dir)
	mustErr(t, err, ErrCorruptState)
}
