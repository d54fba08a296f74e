package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Missing lists the streams, consumers and buckets of an installation that do not exist
// (deleted by hand, or lost with a cluster's state). An error reaching the server is returned
// as is: nothing is known to be missing then.
func Missing(ctx context.Context, js jetstream.JetStream, n Names) ([]string, error) {
	var missing []string
	for _, s := range []string{n.RequestStream(), n.OpStream()} {
		if _, err := js.Stream(ctx, s); errors.Is(err, jetstream.ErrStreamNotFound) {
			missing = append(missing, "stream "+s)
		} else if err != nil {
			return nil, err
		}
	}
	consumers := map[string]string{ConsumerPlanner: n.RequestStream()}
	for name := range n.ConsumerSubjects() {
		consumers[name] = n.OpStream()
	}
	for name, stream := range consumers {
		if _, err := js.Consumer(ctx, stream, name); errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
			missing = append(missing, "consumer "+name)
		} else if err != nil {
			return nil, err
		}
	}
	for _, b := range n.Buckets() {
		if _, err := js.KeyValue(ctx, b); errors.Is(err, jetstream.ErrBucketNotFound) {
			missing = append(missing, "bucket "+b)
		} else if err != nil {
			return nil, err
		}
	}
	return missing, nil
}

// Heal checks the installation every interval until ctx ends and sets it up again (Setup,
// idempotent) when something is missing, so that a deleted bucket or consumer does not fail
// every following run until the services are restarted.
func Heal(ctx context.Context, js jetstream.JetStream, n Names, cfg SetupConfig, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := healOnce(ctx, js, n, cfg, log); err != nil && ctx.Err() == nil {
			log.Warn("checking the installation", "err", err)
		}
	}
}

func healOnce(ctx context.Context, js jetstream.JetStream, n Names, cfg SetupConfig, log *slog.Logger) error {
	missing, err := Missing(ctx, js, n)
	if err != nil || len(missing) == 0 {
		return err
	}
	log.Warn("installation incomplete; setting it up again", "missing", missing)
	if err := Setup(ctx, js, n, cfg); err != nil {
		return fmt.Errorf("setting up again: %w", err)
	}
	return nil
}
