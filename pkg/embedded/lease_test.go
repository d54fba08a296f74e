package embedded_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Management calls that each run for well over a management lease (stop, snapshot and start
// take 3.5 s each in the sim; the management lease is 2 s: with the least a service accepts,
// 1 s, a claim slowed by a loaded machine's fsyncs could see its message redelivered before the
// first progress ack, a third of a lease after the claim) complete under their first claim, with two snapshotters that could take them over: the
// worker renews its claim and acks progress every third of the management lease, so neither
// the other snapshotter nor JetStream (whose ack wait for the snapshotter is that lease) takes
// an operation over while it runs, and no message is handed back.
func TestManagementLeaseRenewedWhileTheCallRuns(t *testing.T) {
	const lease, call = 2 * time.Second, 3500 * time.Millisecond
	f := embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{1}, Roles: []string{"app"}}), 1024)
	slow := f.Slow(t, 1024, map[string]time.Duration{"stop": call, "snapshot": call, "start": call})
	counters := new(worker.Counters)
	log := &execLog{count: map[int]int{}, by: map[string]int{}}
	backupRoot := filepath.Join(t.TempDir(), "backups")
	st, err := embedded.Start(worker.WithCounters(context.Background(), counters), embedded.Config{
		StoreDir: t.TempDir(), BackupRoot: backupRoot, Exec: slow, Port: -1, ManagementLease: lease,
		Instances: map[string]int{"snapshotter": 2}, OnExecuted: log.record})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	stack := &embeddedtest.Stack{Stack: st, BackupRoot: backupRoot}
	checkAckWait(t, stack, bus.ConsumerSnapshotter, lease)
	checkAckWait(t, stack, bus.ConsumerDownloader, bus.DefaultLease)

	started := time.Now()
	rec := stack.RunToEnd(t, "renewed", subtreeRequest(t, "renewed", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run ended %s: %s", rec.State, deref(rec.Error))
	}
	if took := time.Since(started); took < 3*call {
		t.Fatalf("the run took %s, less than its three management calls of %s: the sim was not slow", took, call)
	}
	ops, err := st.Store.LoadOps(context.Background(), "renewed", rec.Counts.Total)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		if o.Op.Kind.IsPreflight() {
			continue
		}
		if o.Attempts != 1 {
			t.Errorf("%s took %d claims, want 1 (its lease lapsed while the call ran)", o.Op.OperationID, o.Attempts)
		}
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for seq, n := range log.count {
		if n != 1 {
			t.Errorf("operation %d executed %d times", seq, n)
		}
	}
	if n := counters.HandedBack.Load(); n != 0 {
		t.Errorf("%d messages handed back: a running operation's message came back (ack wait passed)", n)
	}
}

func checkAckWait(t *testing.T, st *embeddedtest.Stack, consumer string, want time.Duration) {
	t.Helper()
	c, err := st.Store.JS.Consumer(context.Background(), st.Names.OpStream(), consumer)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.CachedInfo().Config.AckWait; got != want {
		t.Errorf("%s ack wait %s, want %s", consumer, got, want)
	}
}
