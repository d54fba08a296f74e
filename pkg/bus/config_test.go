package bus_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
)

// An instance whose lease disagrees with the installation's ack wait is refused at start,
// with the reason; one that agrees sets up again idempotently.
func TestSetupRefusesDisagreeingLease(t *testing.T) {
	js, names := bustest.Installation(t) // set up with the default ack wait (30s)
	ctx := context.Background()
	if err := bus.Setup(ctx, js, names, bus.SetupConfig{}); err != nil {
		t.Fatalf("same settings again: %v", err)
	}
	err := bus.Setup(ctx, js, names, bus.SetupConfig{AckWait: 2 * time.Second})
	if !errors.Is(err, bus.ErrConfigMismatch) {
		t.Fatalf("err = %v, want ErrConfigMismatch", err)
	}
	cons, err := js.Consumer(ctx, names.OpStream(), bus.ConsumerDownloader)
	if err != nil {
		t.Fatal(err)
	}
	if got := cons.CachedInfo().Config.AckWait; got != 30*time.Second {
		t.Fatalf("ack wait changed to %s by a refused instance", got)
	}
}
