package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultMaxDeliver is how many times a consumer delivers one message before it gives up on
// it. The worker hands a message back after a backoff that starts at 100 ms and doubles up to
// 15 s (worker.DefaultBackoffBase, worker.DefaultBackoffMax), or after the handler's own hint
// when that is longer. Legitimate waits in fleetbackup are long: an operation held by another
// worker until its lease ends (30 s by default; such a hand-back waits the lease), a
// containment waiting for in-flight calls, a NATS outage of a few minutes, a queued run
// waiting for locks. 100 deliveries give about 23 minutes of backoff alone (eight hand-backs
// of 25.5 s in all reach the 15 s ceiling, then 91 more of 15 s) before the worker gives up
// on the last delivery, so only a message that can never succeed gets there; a wait that may
// last longer (a run queued behind a long run) must not be a chain of hand-backs. The worker
// terminates a message on its last delivery; MaxDeliver on the consumer is the backstop for a
// worker that dies then (the server stops redelivering it and publishes a max-deliveries
// advisory).
const DefaultMaxDeliver = 100

// SetupConfig tunes the streams and consumers; the zero value means the defaults.
type SetupConfig struct {
	Replicas int           // stream and bucket replicas; default 1
	AckWait  time.Duration // how long a silent worker keeps a message (the lease); default DefaultLease
	// ManagementAckWait is the ack wait of a consumer whose subjects are all management kinds
	// (ManagementOps: the snapshotter's), the management lease; default DefaultManagementLease,
	// never longer than AckWait.
	ManagementAckWait time.Duration
	// DuplicateWindow is the request stream's de-duplication window; default 10 minutes.
	DuplicateWindow time.Duration
	// MaxDeliver is every consumer's limit of deliveries of one message; default
	// DefaultMaxDeliver.
	MaxDeliver int
	// Log, when set, is told what Setup kept as it was (a consumer set up before the management
	// lease).
	Log *slog.Logger
}

func (c SetupConfig) withDefaults() SetupConfig {
	if c.Replicas <= 0 {
		c.Replicas = 1
	}
	if c.AckWait <= 0 {
		c.AckWait = DefaultLease
	}
	if c.ManagementAckWait <= 0 {
		c.ManagementAckWait = DefaultManagementLease
	}
	c.ManagementAckWait = min(c.ManagementAckWait, c.AckWait)
	if c.DuplicateWindow <= 0 {
		c.DuplicateWindow = 10 * time.Minute
	}
	if c.MaxDeliver <= 0 {
		c.MaxDeliver = DefaultMaxDeliver
	}
	return c
}

// Setup creates or updates every stream, consumer and bucket of an installation. It is
// idempotent: every service runs it at start. An existing installation is updated in place:
// the server allows a stream's subjects and a durable consumer's filter subjects, MaxDeliver
// and AckWait to change (nats-server checkNewConsumerConfig), and keeps their messages and
// delivery state. Setup itself never changes a consumer's AckWait (setupConsumer).
func Setup(ctx context.Context, js jetstream.JetStream, n Names, cfg SetupConfig) error {
	cfg = cfg.withDefaults()
	if err := setupStreams(ctx, js, n, cfg); err != nil {
		return err
	}
	if err := setupConsumers(ctx, js, n, cfg); err != nil {
		return err
	}
	for _, b := range n.Buckets() {
		if err := setupBucket(ctx, js, b, cfg); err != nil {
			return err
		}
	}
	return nil
}

// setupBucket creates a bucket once and, when it has several replicas, turns off its direct
// gets. With direct gets any replica answers a read, including one that has not caught up: a
// record read right after it was written can come back stale or missing, and a worker would
// then act on an old state (a plan "not found", a run that seems not to be running). Reads
// served by the stream leader see every acknowledged write. A bucket of one replica has no
// replica to lag behind, so it keeps direct gets, which cost the server and the client far
// less (the record comes back as the message itself, not base64 inside a JSON API reply).
// An existing bucket is left as it is, because updating it through the KV API would turn
// direct gets on again under handles already bound.
//
// Every bucket keeps 8 revisions per key, the locks bucket included: a lock changes only by
// compare-and-swap on its last revision, so history costs it nothing in correctness, and
// `nats kv history` then shows which runs held a canister before, which explains a run that
// waited; the storage is a few small entries per canister.
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
	if !sc.AllowDirect || sc.Replicas <= 1 {
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
		Subjects:   n.RequestStreamSubjects(),
		Retention:  jetstream.WorkQueuePolicy,
		Duplicates: cfg.DuplicateWindow,
		Replicas:   cfg.Replicas,
		Storage:    jetstream.FileStorage,
		// Schedule definitions live here (docs/schedules.md): the server fires them onto the
		// request subject, which must be a subject of the same stream. Message schedules need
		// roll-ups (a definition replaces the previous one on its subject); once on, they can
		// never be turned off again (nats-server refuses the update).
		AllowMsgSchedules: true,
		AllowRollup:       true,
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
	if err := setupConsumer(ctx, js, n, n.RequestStream(), consumerConfig(n, ConsumerPlanner, n.RequestSubjects(), cfg), cfg); err != nil {
		return err
	}
	for name, subjects := range n.ConsumerSubjects() {
		if err := setupConsumer(ctx, js, n, n.OpStream(), consumerConfig(n, name, subjects, cfg), cfg); err != nil {
			return err
		}
	}
	return nil
}

// ErrConfigMismatch says this instance's settings disagree with those the installation was
// set up with; every instance of every service must be started with the same ones.
var ErrConfigMismatch = errors.New("configuration disagrees with the installation")

// setupConsumer creates or updates one durable consumer, refusing to change its ack wait: the
// ack wait is the workers' lease (--lease, or --management-lease for the snapshotter's
// consumer), and instances that disagree on it would take operations over from each other
// while they are still being worked on. The one difference kept is a consumer of management
// kinds set up before the management lease existed (SetupConfig.agreeAckWait).
func setupConsumer(ctx context.Context, js jetstream.JetStream, n Names, stream string, cc jetstream.ConsumerConfig, cfg SetupConfig) error {
	if cur, err := js.Consumer(ctx, stream, cc.Durable); err == nil {
		if err := cfg.agreeAckWait(n, &cc, cur.CachedInfo().Config.AckWait); err != nil {
			return err
		}
		// The server cannot change it: a consumer keeps the one it was created with.
		cc.MaxWaiting = cur.CachedInfo().Config.MaxWaiting
	} else if !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("reading consumer %s: %w", cc.Durable, err)
	}
	if _, err := js.CreateOrUpdateConsumer(ctx, stream, cc); err != nil {
		return fmt.Errorf("creating consumer %s: %w", cc.Durable, err)
	}
	return nil
}

// maxWaiting is how many pull requests a consumer holds at once. Every slot of every instance
// of a service waits on one (package worker), so the server's default, 512, would refuse some of
// a fleet-sized snapshotter's slots (--concurrency, or many instances) with "Exceeded MaxWaiting".
const maxWaiting = 4096

func consumerConfig(n Names, name string, subjects []string, cfg SetupConfig) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:        name,
		FilterSubjects: subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        cfg.ackWaitFor(n, subjects),
		MaxAckPending:  1000,
		MaxWaiting:     maxWaiting,
		MaxDeliver:     cfg.MaxDeliver,
		Replicas:       cfg.Replicas,
	}
}
