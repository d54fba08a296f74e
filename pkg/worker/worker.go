// Package worker runs a handler over the messages of one durable JetStream pull consumer,
// with bounded concurrency, panic recovery and graceful shutdown.
//
// A worker pulls a message only when it has a free slot, so several instances of one
// service share a consumer's work evenly. The handler's error decides the message's fate:
// nil acknowledges it; a *Retry error hands it back after a delay; a cancelled context at
// shutdown hands it back at once; any other error terminates it (it could never succeed).
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Handler processes one message.
type Handler interface {
	Handle(ctx context.Context, msg jetstream.Msg) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, msg jetstream.Msg) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, msg jetstream.Msg) error { return f(ctx, msg) }

// Retry asks for the message to be delivered again after Delay.
type Retry struct {
	Delay time.Duration
	Err   error
}

func (r *Retry) Error() string { return fmt.Sprintf("retry in %s: %v", r.Delay, r.Err) }

// Unwrap returns the cause.
func (r *Retry) Unwrap() error { return r.Err }

// Config configures Run; the zero value of every field but Consumer means its default.
type Config struct {
	Consumer    jetstream.Consumer
	Concurrency int           // messages handled at once; default 1
	PollWait    time.Duration // how long one pull waits for a message; default 1s
	// Grace is how long shutdown waits for running handlers before cancelling them; default 10s.
	Grace time.Duration
	Log   *slog.Logger
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
	return c, nil
}

// Run handles messages until ctx is cancelled, then lets running handlers finish within the
// grace period (cancelling them after it, which hands their messages back) and returns.
func Run(ctx context.Context, cfg Config, h Handler) error {
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
		if ctx.Err() != nil {
			_ = msg.Nak() // shutting down: hand it back at once
			return
		}
		settle(handlerCtx, msg, cfg.Log, h)
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

// settle runs the handler and acts on its verdict.
func settle(ctx context.Context, msg jetstream.Msg, log *slog.Logger, h Handler) {
	err := safeHandle(ctx, msg, h)
	var retry *Retry
	switch {
	case err == nil:
		_ = msg.Ack()
	case errors.As(err, &retry):
		log.Debug("message handed back", "subject", msg.Subject(), "delay", retry.Delay, "err", err)
		_ = msg.NakWithDelay(retry.Delay)
	case ctx.Err() != nil:
		_ = msg.Nak()
	default:
		log.Error("message terminated", "subject", msg.Subject(), "err", err)
		_ = msg.TermWithReason(err.Error())
	}
}

func safeHandle(ctx context.Context, msg jetstream.Msg, h Handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &Retry{Delay: time.Second, Err: fmt.Errorf("handler panic: %v\n%s", r, debug.Stack())}
		}
	}()
	return h.Handle(ctx, msg)
}
