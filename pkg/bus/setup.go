package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// SetupConfig tunes the streams and consumers; the zero value means the defaults.
type SetupConfig struct {
	Replicas int           // stream and bucket replicas; default 1
	AckWait  time.Duration // how long a silent worker keeps a message; default 30s
	// DuplicateWindow is the request stream's de-duplication window; default 10 minutes.
	DuplicateWindow time.Duration
}

func (c SetupConfig) withDefaults() SetupConfig {
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.AckWait <= 0 {
		c.AckWait = 30 * time.Second
	}
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = 10 * time.Minute
	}
	return c
}

// Setup creates or updates every stream, consumer and bucket of an installation. It is
// idempotent: every service runs it at start.
func Setup(ctx context.Context, js jetstream.JetStream, n Names, cfg SetupConfig) error {
	cfg = cfg.withDefaults()
	if err := setupStreams(ctx, js, n, cfg); err != nil {
		return err
	}
	if err := setupConsumers(ctx, js, n, cfg); err != nil {
		return err
	}
	for _, b := range []string{n.RunsBucket(), n.OpsBucket(), n.PlansBucket(), n.ArtifactsBucket()} {
		if err := setupBucket(ctx, js, b, cfg); err != nil {
			return err
		}
	}
	return nil
}

// setupBucket creates a bucket once and turns off its direct gets. With direct gets any
// replica answers a read, including one that has not caught up: a record read right after
// it was written can come back stale or missing, and a worker would then act on an old state
// (a plan "not found", a run that seems not to be running). Reads served by the stream
// leader see every acknowledged write. An existing bucket is left as it is, because updating
// it through the KV API would turn direct gets on again under handles already bound.
func setupBucket(ctx context.Context, js jetstream.JetStream, bucket string, cfg SetupConfig) error {
	_, err := js.KeyValue(ctx, bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		_, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket: bucket, History: 8, Replicas: cfg.Replicas, Storage: jetstream.FileStorage,
		})
		if errors.Is(err, jetstream.ErrBucketExists) {
			err = nil // another service created it at the same moment
		}
	}
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucket, err)
	}
	return disableDirectGet(ctx, js, "KV_"+bucket)
}

func disableDirectGet(ctx context.Context, js jetstream.JetStream, stream string) error {
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return fmt.Errorf("reading stream %s: %w", stream, err)
	}
	sc := s.CachedInfo().Config
	if !sc.AllowDirect {
		return nil
	}
	sc.AllowDirect = false
	if _, err := js.UpdateStream(ctx, sc); err != nil {
		return fmt.Errorf("turning off direct gets on %s: %w", stream, err)
	}
	return nil
}

func setupStreams(ctx context.Context, js jetstream.JetStream, n Names, cfg SetupConfig) error {
	streams := []jetstream.StreamConfig{{
		Name:       n.RequestStream(),
		Subjects:   []string{n.RequestSubject(), n.ControlWildcard()},
		Retention:  jetstream.WorkQueuePolicy,
		Duplicates: cfg.DuplicateWindow,
		Replicas:   cfg.Replicas,
		Storage:    jetstream.FileStorage,
	}, {
		Name:       n.OpStream(),
		Subjects:   []string{n.Prefix + ".ops.*"},
		Retention:  jetstream.WorkQueuePolicy,
		Duplicates: cfg.DuplicateWindow,
		Replicas:   cfg.Replicas,
		Storage:    jetstream.FileStorage,
	}}
	for _, sc := range streams {
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			return fmt.Errorf("creating stream %s: %w", sc.Name, err)
		}
	}
	return nil
}

func setupConsumers(ctx context.Context, js jetstream.JetStream, n Names, cfg SetupConfig) error {
	planner := consumerConfig(ConsumerPlanner, []string{n.RequestSubject(), n.ControlWildcard()}, cfg)
	if _, err := js.CreateOrUpdateConsumer(ctx, n.RequestStream(), planner); err != nil {
		return fmt.Errorf("creating consumer %s: %w", ConsumerPlanner, err)
	}
	for name, subjects := range n.ConsumerSubjects() {
		if _, err := js.CreateOrUpdateConsumer(ctx, n.OpStream(), consumerConfig(name, subjects, cfg)); err != nil {
			return fmt.Errorf("creating consumer %s: %w", name, err)
		}
	}
	return nil
}

func consumerConfig(name string, subjects []string, cfg SetupConfig) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:        name,
		FilterSubjects: subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        cfg.AckWait,
		MaxAckPending:  1000,
		Replicas:       cfg.Replicas,
	}
}
