// Package stage is what every service of the pipeline is: a name, the durable consumer it
// pulls from, a default concurrency, and a constructor of its message handler. The five
// service binaries and the embedded stack run the same values (package stages), so the two
// composition roots cannot drift.
package stage

import (
	"context"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/recordgc"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Signals are optional callbacks tests and metrics observe a stage with.
type Signals struct {
	// Executed is called after each operation the stage executed.
	Executed func(runID string, seq int, worker string)
}

// Stage is one service of the pipeline.
type Stage struct {
	Name string
	// Stream names the stream of the stage's consumer.
	Stream func(bus.Names) string
	// Consumer is the durable consumer's name.
	Consumer string
	// Concurrency is how many messages one instance handles at once by default.
	Concurrency int
	// NeedsBackupRoot says the stage reads or writes backup directories.
	NeedsBackupRoot bool
	// Handler builds the stage's message handler for an instance of the given settings.
	Handler func(env *runenv.Env, cfg Config) worker.Handler
}

// Config is one running instance's settings.
type Config struct {
	Concurrency int // default: the stage's
	Signals     Signals
	// OnReady, when set, is called once the consumer is bound and the stage starts pulling.
	OnReady func()
	// Counters, when set, counts the fates of the stage's messages for its metrics.
	Counters *worker.Counters
	// Setup, when set, is the installation's setup: the stage checks every HealInterval
	// (default 5s) that its streams, consumers and buckets exist, and sets them up again if not.
	Setup        *bus.SetupConfig
	HealInterval time.Duration
	// RecordAge, RecordFailedAge and RecordInterval, when an age is set, purge the KV records
	// of finished runs periodically (recordgc.Policy; the planner runs it).
	RecordAge, RecordFailedAge, RecordInterval time.Duration
	// MaxTargets bounds the targets of one run the planner admits, backup or restore (its
	// --max-targets); zero or negative means plan.DefaultMaxTargets.
	MaxTargets int
}

// Run runs one instance of s until ctx ends, then shuts it down gracefully.
func Run(ctx context.Context, env *runenv.Env, s Stage, cfg Config) error {
	cons, err := env.Store.JS.Consumer(ctx, s.Stream(env.Store.Names), s.Consumer)
	if err != nil {
		return fmt.Errorf("binding consumer %s: %w", s.Consumer, err)
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = s.Concurrency
	}
	log := env.Logger().With("service", s.Name)
	log.Info("service started", "consumer", s.Consumer, "concurrency", conc)
	if cfg.OnReady != nil {
		cfg.OnReady()
	}
	if cfg.Setup != nil {
		interval := cfg.HealInterval
		if interval <= 0 {
			interval = 5 * time.Second
		}
		go bus.Heal(ctx, env.Store.JS, env.Store.Names, *cfg.Setup, interval, log)
	}
	if p := (recordgc.Policy{Age: cfg.RecordAge, FailedAge: cfg.RecordFailedAge, Interval: cfg.RecordInterval}); p.Enabled() {
		go recordgc.Run(ctx, env.Store, p, log.With("component", "record-retention"))
	}
	wc := worker.Config{Consumer: cons, Concurrency: conc, Log: log, Counters: cfg.Counters, MaxDeliver: env.MaxDeliver}
	return worker.Run(ctx, wc, s.Handler(env, cfg))
}

// Operations is the stage of a service that executes dispatched operations of the kinds
// effects has (its durable consumer on the operation stream is named after it).
func Operations(name string, concurrency int, needsBackupRoot bool, effects func() opworker.Effects) Stage {
	return Stage{Name: name, Stream: bus.Names.OpStream, Consumer: name, Concurrency: concurrency,
		NeedsBackupRoot: needsBackupRoot,
		Handler: func(env *runenv.Env, cfg Config) worker.Handler {
			return opworker.New(env, name, effects()).OnExecuted(cfg.Signals.Executed)
		}}
}
