package bus_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
)

// The snapshotter's consumer, whose kinds are all management calls, waits the management
// lease; every other consumer waits the lease. A lease shorter than the management lease
// shortens both.
func TestSetupGivesManagementConsumersTheManagementLease(t *testing.T) {
	js, n := bustest.Installation(t)
	checkAckWaits(t, js, n, 30*time.Second, 5*time.Second)

	js = bustest.JetStream(t)
	if err := bus.Setup(context.Background(), js, n, bus.SetupConfig{AckWait: 2 * time.Second}); err != nil {
		t.Fatal(err)
	}
	checkAckWaits(t, js, n, 2*time.Second, 2*time.Second)
}

// An installation set up before the management lease existed has a snapshotter consumer that
// waits the lease: Setup keeps it as it is, says so, and does not refuse to start; an instance
// whose management lease disagrees with a consumer set up with one is refused, naming the flag.
func TestSetupKeepsAnOlderSnapshotterAckWait(t *testing.T) {
	js, n := bustest.Installation(t)
	ctx := context.Background()
	setAckWait(t, js, n, bus.ConsumerSnapshotter, 30*time.Second) // as every earlier version set it up
	var log bytes.Buffer
	if err := bus.Setup(ctx, js, n, bus.SetupConfig{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatalf("setting up over an installation made before the management lease: %v", err)
	}
	checkAckWaits(t, js, n, 30*time.Second, 30*time.Second)
	if !strings.Contains(log.String(), "consumer=snapshotter") || !strings.Contains(log.String(), "management_lease=5s") {
		t.Errorf("no warning about the kept ack wait: %q", log.String())
	}
	// The operator adopts the management lease by deleting the consumer (docs/operations.md).
	if err := js.DeleteConsumer(ctx, n.OpStream(), bus.ConsumerSnapshotter); err != nil {
		t.Fatal(err)
	}
	if err := bus.Setup(ctx, js, n, bus.SetupConfig{}); err != nil {
		t.Fatal(err)
	}
	checkAckWaits(t, js, n, 30*time.Second, 5*time.Second)

	err := bus.Setup(ctx, js, n, bus.SetupConfig{ManagementAckWait: 3 * time.Second})
	if !errors.Is(err, bus.ErrConfigMismatch) || !strings.Contains(err.Error(), "--management-lease") {
		t.Fatalf("err = %v, want ErrConfigMismatch naming --management-lease", err)
	}
	checkAckWaits(t, js, n, 30*time.Second, 5*time.Second)
}

func TestManagementOnly(t *testing.T) {
	n, _ := bus.NewNames("acme")
	subjects := n.ConsumerSubjects()
	for name, want := range map[string]bool{bus.ConsumerSnapshotter: true, bus.ConsumerDownloader: false,
		bus.ConsumerVerifier: false, bus.ConsumerFinalizer: false} {
		if got := n.ManagementOnly(subjects[name]); got != want {
			t.Errorf("%s: ManagementOnly = %v, want %v", name, got, want)
		}
	}
	if n.ManagementOnly(nil) || n.ManagementOnly([]string{"fleetbackup.ops.stop"}) {
		t.Error("no subjects, or another installation's, are not management subjects")
	}
}

// checkAckWaits checks the ack wait of the planner's and every operation consumer.
func checkAckWaits(t *testing.T, js jetstream.JetStream, n bus.Names, lease, management time.Duration) {
	t.Helper()
	if got := consumerInfo(t, js, n.RequestStream(), bus.ConsumerPlanner).Config.AckWait; got != lease {
		t.Errorf("planner ack wait %s, want %s", got, lease)
	}
	for name := range n.ConsumerSubjects() {
		want := lease
		if name == bus.ConsumerSnapshotter {
			want = management
		}
		if got := consumerInfo(t, js, n.OpStream(), name).Config.AckWait; got != want {
			t.Errorf("%s ack wait %s, want %s", name, got, want)
		}
	}
}

// setAckWait changes a consumer's ack wait behind Setup's back, as an older version had it.
func setAckWait(t *testing.T, js jetstream.JetStream, n bus.Names, name string, d time.Duration) {
	t.Helper()
	cfg := consumerInfo(t, js, n.OpStream(), name).Config
	cfg.AckWait = d
	if _, err := js.UpdateConsumer(context.Background(), n.OpStream(), cfg); err != nil {
		t.Fatal(err)
	}
}
