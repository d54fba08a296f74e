// Package worker runs a handler over the messages of one durable JetStream pull consumer,
// with bounded concurrency, panic recovery and graceful shutdown.
//
// A worker pulls a message only when it has a free slot, so several instances of one
// service share a consumer's work evenly. The handler's error decides the message's fate, in
// one policy (fate.go): nil acknowledges it; a Reject error terminates it at once (it can
// never succeed); a *Retry error or a panic hands it back after a backoff that grows with its
// delivery count, until its last allowed delivery, where it is given up (terminated); a
// cancelled context at shutdown hands it back at once; any other error terminates it.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// Handler processes one message.
type Handler interface {
	Handle(ctx context.Context, msg jetstream.Msg) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, msg jetstream.Msg) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, msg jetstream.Msg) error { return f(ctx, msg) }

// Config configures Run; the zero value of every field but Consumer means its default.
type Config struct {
	Consumer    jetstream.Consumer
	Concurrency int           // messages handled at once; default 1
	PollWait    time.Duration // how long one pull waits for a message; default 1s
	// Grace is how long shutdown waits for running handlers before cancelling them; default 10s.
	Grace time.Duration
	Log   *slog.Logger
	// MaxDeliver is the delivery on which a message that still asks for a retry is given up.
	// Default: the consumer's MaxDeliver, or bus.DefaultMaxDeliver when the consumer has none.
	// It may not exceed the consumer's: the server would stop delivering the message first,
	// and it would stay in the stream unhandled.
	MaxDeliver int
	// BackoffBase and BackoffMax shape the hand-back backoff (see Backoff); defaults
	// DefaultBackoffBase and DefaultBackoffMax.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Counters, when set, counts the messages' fates; nil counts into a private Counters.
	Counters *Counters
}

func (c Config) withDefaults() (Config, error) {
	if c.Consumer == nil {
		return c, errors.New("worker: consumer required")
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.PollWait <= 0 {
		c.PollWait = time.Second
	}
	if c.Grace <= 0 {
		c.Grace = 10 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.BackoffBase <= 0 {
		c.BackoffBase = DefaultBackoffBase
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	if c.Counters == nil {
		c.Counters = new(Counters)
	}
	return c.withMaxDeliver()
}

// withMaxDeliver defaults MaxDeliver to the consumer's, as the server enforces that one.
func (c Config) withMaxDeliver() (Config, error) {
	consumerMax := 0
	if info := c.Consumer.CachedInfo(); info != nil {
		consumerMax = info.Config.MaxDeliver // -1 or 0: unlimited
	}
	switch {
	case c.MaxDeliver <= 0 && consumerMax > 0:
		c.MaxDeliver = consumerMax
	case c.MaxDeliver <= 0:
		c.MaxDeliver = bus.DefaultMaxDeliver
	case consumerMax > 0 && c.MaxDeliver > consumerMax:
		return c, fmt.Errorf("worker: MaxDeliver %d exceeds the consumer's %d", c.MaxDeliver, consumerMax)
	}
	return c, nil
}

// Run handles messages until ctx is cancelled, then lets running handlers finish within the
// grace period (cancelling them after it, which hands their messages back) and returns. A
// Config without Counters counts into the Counters ctx carries (WithCounters), if any.
func Run(ctx context.Context, cfg Config, h Handler) error {
	if cfg.Counters == nil {
		cfg.Counters = countersFrom(ctx)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	handlerCtx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	var wg sync.WaitGroup
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pullLoop(ctx, handlerCtx, cfg, h)
		}()
	}
	<-ctx.Done()
	waitGrace(&wg, cfg.Grace, cancelHandlers)
	return nil
}

func waitGrace(wg *sync.WaitGroup, grace time.Duration, cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		cancel()
		<-done
	}
}

func pullLoop(ctx, handlerCtx context.Context, cfg Config, h Handler) {
	for ctx.Err() == nil {
		msg, err := cfg.Consumer.Next(jetstream.FetchMaxWait(cfg.PollWait))
		if err != nil {
			pauseAfterPullError(ctx, err, cfg)
			continue
		}
		// Shutting down: hand it back at once, unless this is its last delivery (the server
		// would not deliver it again): then handle it within the grace period.
		if ctx.Err() != nil && !newDelivery(msg, cfg).last() {
			_ = msg.Nak()
			return
		}
		settle(handlerCtx, msg, cfg, h)
	}
}

func pauseAfterPullError(ctx context.Context, err error, cfg Config) {
	if isIdle(err) {
		return
	}
	cfg.Log.Warn("pulling message", "err", err)
	select {
	case <-ctx.Done():
	case <-time.After(cfg.PollWait):
	}
}

func isIdle(err error) bool {
	return errors.Is(err, nats.ErrTimeout) || errors.Is(err, context.DeadlineExceeded)
}
