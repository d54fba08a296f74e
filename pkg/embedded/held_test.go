package embedded_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// A held service's work queues up and nothing of it runs until Release; then its instances
// (of one slot each here) finish the run.
func TestHeldVerifiersWorkOnlyAfterRelease(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 4096)
	log := &execLog{count: map[int]int{}, by: map[string]int{}}
	st := embeddedtest.Start(t, f, embedded.Config{Exec: f.Sim, OnExecuted: log.record,
		Instances: map[string]int{"verifier": 2}, Slots: map[string]int{"verifier": 1},
		Held: map[string]bool{"verifier": true}})
	if err := st.Release("downloader"); err == nil {
		t.Fatal("Release of a service that was not held succeeded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, "held", f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	verifies := verifyOps(ctx, t, st, "held")
	if err := st.AwaitQueued(ctx, "verifier", verifies); err != nil {
		t.Fatal(err)
	}
	if n := executedBy(log, "verifier"); n != 0 {
		t.Fatalf("%d verifies ran while the verifier was held", n)
	}
	if rec, err := st.Store.Run(ctx, "held"); err != nil || rec.State != runs.Running {
		t.Fatalf("run before release: %s, %v; want running", rec.State, err)
	}
	if err := st.Release("verifier"); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, st.Store, "held")
	if err != nil || rec.State != runs.Completed {
		t.Fatalf("run ended %s (%v): %s", rec.State, err, deref(rec.Error))
	}
	if n := executedBy(log, "verifier"); n != verifies {
		t.Fatalf("verifiers executed %d operations, want %d", n, verifies)
	}
}

// verifyOps waits for a run's plan and counts its verify operations.
func verifyOps(ctx context.Context, t *testing.T, st *embeddedtest.Stack, runID string) int {
	t.Helper()
	w, err := st.Store.Runs.KV.Watch(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for e := range w.Updates() {
		if e == nil {
			continue
		}
		p, err := st.Store.LoadPlan(ctx, runID)
		if err != nil {
			continue // not planned yet: the next update of the run record comes
		}
		n := 0
		for _, op := range p.Phases {
			if op.Kind == plan.KindVerifyArtifact {
				n++
			}
		}
		return n
	}
	t.Fatalf("run %s was never planned: %v", runID, ctx.Err())
	return 0
}

func executedBy(l *execLog, service string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for w, c := range l.by {
		if strings.Contains(w, "embedded-"+service+"-") {
			n += c
		}
	}
	return n
}
