package bus_test

import (
	"context"
	"slices"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
)

func TestSetupCreates(t *testing.T) {
	js, n := bustest.Installation(t)
	ctx := context.Background()
	checkConsumers(t, js, n, bus.DefaultMaxDeliver)
	if _, err := js.KeyValue(ctx, n.LocksBucket()); err != nil {
		t.Errorf("locks bucket: %v", err)
	}
	if _, err := js.Publish(ctx, n.InternalSubject("r1"), []byte("{}")); err != nil {
		t.Errorf("publishing to the internal subject: %v", err)
	}
}

// TestSetupUpdatesInPlace: an installation made before the internal subjects and MaxDeliver
// existed is updated in place by Setup, and keeps the messages waiting in it.
func TestSetupUpdatesInPlace(t *testing.T) {
	js := bustest.JetStream(t)
	n, _ := bus.NewNames("")
	ctx := context.Background()
	old := []string{n.RequestSubject(), n.ControlWildcard()}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: n.RequestStream(), Subjects: old, Retention: jetstream.WorkQueuePolicy,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateConsumer(ctx, n.RequestStream(), jetstream.ConsumerConfig{
		Durable: bus.ConsumerPlanner, FilterSubjects: old, AckPolicy: jetstream.AckExplicitPolicy,
		MaxAckPending: 1000,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, n.RequestSubject(), []byte("{}")); err != nil {
		t.Fatal(err)
	}

	if err := bus.Setup(ctx, js, n, bus.SetupConfig{MaxDeliver: 7}); err != nil {
		t.Fatal(err)
	}
	checkConsumers(t, js, n, 7)
	info := consumerInfo(t, js, n.RequestStream(), bus.ConsumerPlanner)
	if info.NumPending != 1 {
		t.Errorf("planner has %d messages pending after the update, want 1", info.NumPending)
	}
	if err := bus.Setup(ctx, js, n, bus.SetupConfig{}); err != nil {
		t.Fatalf("Setup again with the default MaxDeliver: %v", err)
	}
	checkConsumers(t, js, n, bus.DefaultMaxDeliver)
	// The planner's consumer was created by the old installation with the server's default
	// MaxWaiting, which the server cannot change: Setup keeps it instead of failing.
	if got := consumerInfo(t, js, n.RequestStream(), bus.ConsumerPlanner).Config.MaxWaiting; got != 512 {
		t.Errorf("the old planner consumer's MaxWaiting is %d, want the 512 it was created with", got)
	}
}

// New consumers hold a pull request for every slot of a fleet-sized snapshotter (1,000 slots
// and more), not the server's default 512.
func TestSetupConsumersWaitForManySlots(t *testing.T) {
	js, n := bustest.Installation(t)
	for name := range n.ConsumerSubjects() {
		if got := consumerInfo(t, js, n.OpStream(), name).Config.MaxWaiting; got < 1024 {
			t.Errorf("consumer %s holds %d pull requests, want at least 1,024", name, got)
		}
	}
}

// checkConsumers checks every consumer's MaxDeliver and the request stream's subjects.
func checkConsumers(t *testing.T, js jetstream.JetStream, n bus.Names, maxDeliver int) {
	t.Helper()
	s, err := js.Stream(context.Background(), n.RequestStream())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.CachedInfo().Config.Subjects; !slices.Equal(got, n.RequestStreamSubjects()) {
		t.Errorf("request stream subjects %v, want %v", got, n.RequestStreamSubjects())
	}
	planner := consumerInfo(t, js, n.RequestStream(), bus.ConsumerPlanner).Config
	if !slices.Equal(planner.FilterSubjects, n.RequestSubjects()) {
		t.Errorf("planner filters %v, want %v", planner.FilterSubjects, n.RequestSubjects())
	}
	if planner.MaxDeliver != maxDeliver {
		t.Errorf("planner MaxDeliver %d, want %d", planner.MaxDeliver, maxDeliver)
	}
	for name := range n.ConsumerSubjects() {
		if got := consumerInfo(t, js, n.OpStream(), name).Config.MaxDeliver; got != maxDeliver {
			t.Errorf("%s MaxDeliver %d, want %d", name, got, maxDeliver)
		}
	}
}

func consumerInfo(t *testing.T, js jetstream.JetStream, stream, name string) *jetstream.ConsumerInfo {
	t.Helper()
	c, err := js.Consumer(context.Background(), stream, name)
	if err != nil {
		t.Fatal(err)
	}
	return c.CachedInfo()
}
