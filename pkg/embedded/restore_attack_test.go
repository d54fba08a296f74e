package embedded_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
	"github.com/fleetbackup/fleetbackup/pkg/planning"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// A restore that wants canisters a running backup holds is rejected, naming the holder, before
// anything is uploaded; the backup is not disturbed.
func TestRestoreWhileABackupHoldsTheCanisters(t *testing.T) {
	f := smallFleet(t)
	blocked, release := make(chan struct{}), make(chan struct{})
	var once, freed sync.Once
	hold := func(runID string, _ int, _ string) { // holds the second backup's first executed operation
		if runID == "busy" {
			once.Do(func() { close(blocked); <-release })
		}
	}
	st := embeddedtest.Start(t, f, embedded.Config{OnExecuted: hold})
	free := func() { freed.Do(func() { close(release) }) }
	t.Cleanup(free)
	mustComplete(t, st.RunToEnd(t, "first", subtreeRequest(t, "first", f, "parallel")))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, "busy", f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blocked:
	case <-ctx.Done():
		t.Fatal("the second backup executed nothing")
	}
	mark, err := sim.ReadHistory(f.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	rec := st.RestoreToEnd(t, "r-busy", embeddedtest.Request(t, map[string]any{"run_id": "r-busy", "backup": "first"}))
	if rec.State != runs.Rejected || !strings.Contains(deref(rec.Error), "busy") {
		t.Fatalf("restore during a backup: %s (%s), want rejected naming run busy", rec.State, deref(rec.Error))
	}
	calls, err := sim.ReadHistory(f.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls[len(mark):] {
		if c.Call == sim.KindUpload || c.Call == sim.KindLoad {
			t.Fatalf("the rejected restore called %s on %s", c.Call, c.Canister)
		}
	}
	free()
	if done, err := client.WaitTerminal(ctx, st.Store, "busy"); err != nil || done.State != runs.Completed {
		t.Fatalf("the backup after the refused restore: %+v, %v", done, err)
	}
}

// A planner that died after storing a restore's document but before its plan: the request's
// redelivery admits the restore again, finds the same document (admission is deterministic)
// and completes it.
func TestRestoreDocumentStoredBeforeACrashIsAdopted(t *testing.T) {
	f := smallFleet(t)
	st := embeddedtest.Start(t, f, embedded.Config{})
	mustComplete(t, st.RunToEnd(t, "b1", subtreeRequest(t, "b1", f, "parallel")))
	body := embeddedtest.Request(t, map[string]any{"run_id": "r-crash", "backup": "b1"})
	req, err := request.DecodeRestoreRequest(body)
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := planning.PlanRestore(req, st.BackupRoot, func(string) string { return "demo" })
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Store.SaveRestore(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	rec := mustComplete(t, st.RestoreToEnd(t, "r-crash", body))
	if rec.Kind != runs.KindRestore {
		t.Fatalf("record %+v", rec)
	}
	f.CheckAllRunning(t)
}
