package pipeline

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Service names, one per binary under services/.
const (
	ServicePlanner     = "planner"
	ServiceSnapshotter = "snapshotter"
	ServiceDownloader  = "downloader"
	ServiceVerifier    = "verifier"
	ServiceFinalizer   = "finalizer"
)

// Services lists every service in pipeline order.
var Services = []string{ServicePlanner, ServiceSnapshotter, ServiceDownloader, ServiceVerifier, ServiceFinalizer}

// ServiceConfig is one service's runtime settings.
type ServiceConfig struct {
	Name        string
	Concurrency int // operations at once; default 8 for the snapshotter (max_parallel), 2 otherwise
	// OnExecuted, when set, is called after each operation this service executed.
	OnExecuted func(runID string, seq int, worker string)
	// OnReady, when set, is called once the service's consumer is bound and it starts pulling.
	OnReady func()
	// Counters, when set, counts the fates of the service's messages (terminated, rejected,
	// given up, panics, handed back) for its metrics.
	Counters *worker.Counters
}

// consumerOf maps a service to its durable consumer.
func consumerOf(service string) (stream func(bus.Names) string, consumer string, err error) {
	switch service {
	case ServicePlanner:
		return bus.Names.RequestStream, bus.ConsumerPlanner, nil
	case ServiceSnapshotter:
		return bus.Names.OpStream, bus.ConsumerSnapshotter, nil
	case ServiceDownloader:
		return bus.Names.OpStream, bus.ConsumerDownloader, nil
	case ServiceVerifier:
		return bus.Names.OpStream, bus.ConsumerVerifier, nil
	case ServiceFinalizer:
		return bus.Names.OpStream, bus.ConsumerFinalizer, nil
	}
	return nil, "", fmt.Errorf("unknown service %q", service)
}

// RunService runs one service until ctx ends, then shuts it down gracefully.
func RunService(ctx context.Context, env *Env, cfg ServiceConfig) error {
	stream, name, err := consumerOf(cfg.Name)
	if err != nil {
		return err
	}
	cons, err := env.Store.JS.Consumer(ctx, stream(env.Store.Names), name)
	if err != nil {
		return fmt.Errorf("binding consumer %s: %w", name, err)
	}
	var h worker.Handler
	if cfg.Name == ServicePlanner {
		h = &Planner{Env: env}
	} else {
		ow := NewOpWorker(env, cfg.Name)
		ow.Executed = cfg.OnExecuted
		h = ow
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = 2
		if cfg.Name == ServiceSnapshotter {
			conc = 8
		}
	}
	log := env.logger().With("service", cfg.Name)
	log.Info("service started", "consumer", name, "concurrency", conc)
	if cfg.OnReady != nil {
		cfg.OnReady()
	}
	return worker.Run(ctx, worker.Config{Consumer: cons, Concurrency: conc, Log: log, Counters: cfg.Counters}, h)
}
