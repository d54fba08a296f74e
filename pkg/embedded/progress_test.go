package embedded_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/fleetgen"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// A download writes its bytes so far to its operation record while it runs, so a watcher on
// another machine sees them: a slow download's record shows partial bytes before it completes,
// and its last progress is the artifact's full size.
func TestDownloadProgressInKV(t *testing.T) {
	const size = 4 << 20
	f := embeddedtest.NewFleet(t, fleetgen.Generate(fleetgen.Spec{Levels: []int{1, 1}}), size)
	slow := f.Slow(t, size, map[string]time.Duration{sim.KindDownload: 3 * time.Second})
	st := embeddedtest.Start(t, f, embedded.Config{Exec: slow})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, err := st.Store.Ops.KV.Watch(ctx, "progress.>")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	body := embeddedtest.Request(t, map[string]any{"run_id": "progress", "fleet": "demo", "network": "local",
		"root_canister_id": f.Root, "scope": "member", "selector": f.Entries[1].Pid})
	if err := client.Submit(ctx, st.Store, body, ""); err != nil {
		t.Fatal(err)
	}
	partial, last := false, runstore.Progress{}
	for e := range w.Updates() {
		if e == nil {
			continue
		}
		var rec runstore.OpRecord
		if json.Unmarshal(e.Value(), &rec) != nil || rec.Op.Kind != plan.KindDownloadSnapshot || rec.Progress == nil {
			continue
		}
		last = *rec.Progress
		partial = partial || (last.Bytes > 0 && last.Total > 0 && last.Bytes < last.Total)
		if rec.Op.State.Done() {
			break
		}
	}
	if !partial || last.Bytes != last.Total || last.Total == 0 {
		t.Fatalf("progress: partial seen %v, last %+v; want partial bytes first and the full size last", partial, last)
	}
	if rec, err := client.WaitTerminal(ctx, st.Store, "progress"); err != nil || rec.State != runs.Completed {
		t.Fatalf("run: %+v, %v", rec, err)
	}
}
