package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// A store error while the planner records a new run is transient: the request is handed back,
// not rejected, and runs once the store answers again. (The runs bucket is deleted under the
// planner, then recreated.)
func TestStoreErrorDoesNotLoseRequest(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	js := st.Store.JS
	if err := js.DeleteKeyValue(ctx, st.Names.RunsBucket()); err != nil {
		t.Fatal(err)
	}
	if err := client.Submit(ctx, st.Store, subtreeRequest(t, "survivor", f, "parallel"), ""); err != nil {
		t.Fatal(err)
	}
	planner, err := js.Consumer(ctx, st.Names.RequestStream(), bus.ConsumerPlanner)
	if err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		info, err := planner.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.NumRedelivered > 0 || info.Delivered.Consumer > 1 {
			break // the planner failed to record the run at least once
		}
		select {
		case <-ctx.Done():
			t.Fatal("the planner never took the request")
		case <-tick.C:
		}
	}
	if err := bus.Setup(ctx, js, st.Names, bus.SetupConfig{}); err != nil {
		t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, st.Store, "survivor")
	if err != nil || rec.State != runs.Completed {
		t.Fatalf("run after the store came back = %+v, %v", rec, err)
	}
}
