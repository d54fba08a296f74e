package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/embedded"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// A bucket and a consumer deleted by hand under running services are set up again by the
// services themselves, and the next run completes without a restart (issue 14: `nats kv rm
// fleetbackup_plans` made every following run fail until the services were restarted).
func TestServicesRecreateWhatWasDeleted(t *testing.T) {
	f := embeddedtest.NewFleet(t, thirtyCanisterFleet(), 1024)
	st := embeddedtest.Start(t, f, embedded.Config{Env: fastRetries, HealInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	js := st.Store.JS
	if err := js.DeleteKeyValue(ctx, st.Names.PlansBucket()); err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteConsumer(ctx, st.Names.OpStream(), bus.ConsumerDownloader); err != nil {
		t.Fatal(err)
	}
	rec := st.RunToEnd(t, "healed", subtreeRequest(t, "healed", f, "parallel"))
	if rec.State != runs.Completed {
		t.Fatalf("run after the deletion = %s: %s", rec.State, deref(rec.Error))
	}
	if missing, err := bus.Missing(ctx, js, st.Names); err != nil || len(missing) > 0 {
		t.Fatalf("still missing: %v, %v", missing, err)
	}
}
