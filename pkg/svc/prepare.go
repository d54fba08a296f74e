package svc

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Waits between attempts to prepare the installation while NATS is not there yet (a
// cluster still electing its JetStream leader, a server still starting).
const (
	prepareFirstWait = 250 * time.Millisecond
	prepareMaxWait   = 5 * time.Second
)

// prepare creates the streams, consumers and buckets, opens the store and checks that the
// service's consumer is bound, retrying until it succeeds or ctx ends.
func prepare(ctx context.Context, js jetstream.JetStream, names bus.Names, service string,
	setup bus.SetupConfig, log *slog.Logger) (*runstore.Store, error) {
	wait := prepareFirstWait
	replicas := setup.Replicas
	for attempt := 1; ; attempt++ {
		store, err := prepareOnce(ctx, js, names, service, setup)
		if err == nil {
			log.Info("installation ready", "prefix", names.Prefix, "replicas", replicas, "attempt", attempt)
			return store, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		log.Warn("preparing installation, will retry", "attempt", attempt, "retry_in", wait.String(), "err", err)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
		wait = min(2*wait, prepareMaxWait)
	}
}

func prepareOnce(ctx context.Context, js jetstream.JetStream, names bus.Names, service string, setup bus.SetupConfig) (*runstore.Store, error) {
	if err := bus.Setup(ctx, js, names, setup); err != nil {
		return nil, err
	}
	store, err := runstore.OpenStore(ctx, js, names)
	if err != nil {
		return nil, err
	}
	stream, consumer := consumerOf(names, service)
	if _, err := js.Consumer(ctx, stream, consumer); err != nil {
		return nil, fmt.Errorf("binding consumer %s: %w", consumer, err)
	}
	return store, nil
}

// consumerOf names the stream and durable consumer a service reads (DESIGN §3).
func consumerOf(names bus.Names, service string) (stream, consumer string) {
	if service == "planner" {
		return names.RequestStream(), bus.ConsumerPlanner
	}
	return names.OpStream(), service
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
