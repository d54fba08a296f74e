package embedded_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim/simcheck"
	"github.com/fleetbackup/fleetbackup/pkg/layout/layouttest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// The NATS server restarts (same store) in the middle of a run: the workers reconnect and the
// run completes with every operation executed exactly once.
func TestServerRestartMidRun(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"download": 40 * time.Millisecond})
	log := &execLog{count: map[int]int{}, by: map[string]int{}}
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow, Port: freePort(t), Env: fastRetries, OnExecuted: log.record, Lease: 2 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, "restarted", f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	mid, err := client.WatchRun(ctx, st.Store, "restarted", func(r runs.Record) bool { return r.Counts.Completed >= 70 })
	if err != nil {
		t.Fatal(err)
	}
	if mid.State.Terminal() {
		t.Fatalf("run ended before the restart: %s", mid.State)
	}
	if err := st.RestartServer(); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, st.Store, "restarted")
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	if want := rec.Counts.Total - 4; len(log.count) != want {
		t.Errorf("%d operations executed, want %d", len(log.count), want)
	}
	for seq, n := range log.count {
		if n != 1 {
			t.Errorf("operation %d executed %d times", seq, n)
		}
	}
	p := layouttest.CheckBackupDir(t, *rec.BackupDir)
	simcheck.CheckFleetAfterBackup(t, f.StateDir, p, map[string]int{})
}
