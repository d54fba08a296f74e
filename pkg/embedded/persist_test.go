package embedded_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// flakyKV fails the first compare-and-swap writes with a NATS timeout, as a bucket does while
// its stream leader is being elected.
type flakyKV struct {
	jetstream.KeyValue
	failures atomic.Int32
}

func (f *flakyKV) Update(ctx context.Context, key string, value []byte, rev uint64) (uint64, error) {
	if f.failures.Add(-1) >= 0 {
		return 0, nats.ErrTimeout
	}
	return f.KeyValue.Update(ctx, key, value, rev)
}

// Store errors right after a finished download (while recording its artifact) retry the write: the download is not repeated (issue 14: effects survive store errors).
func TestStoreErrorAfterDownloadDoesNotRepeatIt(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	var flaky []*flakyKV
	onDownloader := func(e *runenv.Env) {
		fastRetries(e)
		if strings.Contains(e.WorkerID, "downloader") {
			fk := &flakyKV{KeyValue: e.Store.Artifacts.KV}
			fk.failures.Store(3)
			e.Store.Artifacts.KV = fk
			flaky = append(flaky, fk)
		}
	}
	st := embeddedtest.Start(t, f, embedded.Config{Env: onDownloader})
	rec := st.RunToEnd(t, "flaky", subtreeRequest(t, "flaky", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run = %s: %s", rec.State, deref(rec.Error))
	}
	if len(flaky) == 0 || flaky[0].failures.Load() >= 0 {
		t.Fatal("no store error was injected after a download")
	}
	calls, err := sim.ReadHistory(f.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	downloads := map[string]int{}
	for _, c := range calls {
		if c.Call == sim.KindDownload && c.OK {
			downloads[c.Canister]++
		}
	}
	for canister, n := range downloads {
		if n != 1 {
			t.Errorf("canister %s downloaded %d times", canister, n)
		}
	}
}
