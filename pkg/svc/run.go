package svc

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/metrics"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// Version is the build's version, set by the linker:
// -ldflags "-X github.com/fleetbackup/fleetbackup/pkg/svc.Version=v1.2.3".
var Version = "dev"

// shutdownTimeout bounds draining the NATS connection and closing the health server.
const shutdownTimeout = 30 * time.Second

// Run is a service's whole life: parse its settings (args, then getenv), log the effective
// configuration, build the executor, connect to NATS, create the streams, consumers and
// buckets, serve health and metrics, and run the service until ctx ends. Shutdown goes in
// order: the service stops fetching and drains its current operations, then the NATS
// connection drains, then the health server closes. A cancelled ctx is a clean exit (nil).
func Run(ctx context.Context, service string, args []string, getenv func(string) string) error {
	return run(ctx, service, args, getenv, hooks{stderr: os.Stderr})
}

// hooks lets tests see inside run: where output goes, which address health listens on, and
// when the service became ready.
type hooks struct {
	stderr   io.Writer
	onHealth func(h *Health, addr string)
	onReady  func()
}

func run(ctx context.Context, service string, args []string, getenv func(string) string, hk hooks) error {
	cfg, err := parse(service, args, getenv, hk.stderr)
	if err != nil {
		return err
	}
	p := &process{service: service, cfg: cfg, log: NewLogger(cfg, hk.stderr), hooks: hk}
	p.log.Info("starting", "service", service, "version", Version, "config", cfg)
	if p.exec, err = Executor(cfg); err != nil {
		return err
	}
	return p.serve(ctx)
}

// process is one running service and what it was built from.
type process struct {
	service string
	cfg     *Config
	log     *slog.Logger
	exec    executor.Executor
	hooks   hooks
	health  *Health
}

// serve connects, serves health, works until ctx ends, then shuts down in order.
func (p *process) serve(ctx context.Context) error {
	names, err := bus.NewNames(p.cfg.Prefix)
	if err != nil {
		return invalid("prefix", p.cfg.Prefix, err.Error())
	}
	nc, js, err := bus.Connect(bus.ConnectConfig{
		URL: p.cfg.NATSURL, CredsFile: p.cfg.NATSCreds, Name: "fleetbackup-" + p.service,
		TLSCAFile: p.cfg.NATSTLS.CAFile, TLSCertFile: p.cfg.NATSTLS.CertFile, TLSKeyFile: p.cfg.NATSTLS.KeyFile,
	})
	if err != nil {
		return err
	}
	p.health = NewHealth(p.service, Version, nc.IsConnected)
	p.health.SetLogger(p.log)
	addr, stopHealth, err := Serve(p.cfg.HealthAddr, p.health.Handler(), p.log)
	if err != nil {
		nc.Close()
		return err
	}
	if p.hooks.onHealth != nil {
		p.hooks.onHealth(p.health, addr)
	}
	err = p.work(ctx, js, names)
	drain(nc, p.log)
	shutdown(stopHealth, p.log)
	p.log.Info("stopped", "service", p.service)
	return err
}

// work prepares the installation and runs the service until ctx ends and it has drained.
func (p *process) work(ctx context.Context, js jetstream.JetStream, names bus.Names) error {
	setup := bus.SetupConfig{Replicas: p.cfg.Replicas, AckWait: p.cfg.Lease, ManagementAckWait: p.cfg.ManagementLease, Log: p.log}
	store, err := prepare(ctx, js, names, p.service, setup, p.log)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer p.health.SetReady(false)
	ready := func() {
		p.health.SetReady(true)
		if p.hooks.onReady != nil {
			p.hooks.onReady()
		}
	}
	env := &runenv.Env{
		Store: store, Exec: p.exec, BackupRoot: p.cfg.BackupRoot, Log: p.log,
		ToolName: "fleetbackup", ToolVersion: Version, Lease: p.cfg.Lease, ManagementLease: p.cfg.ManagementLease,
		Retry: executor.RetryPolicy{Attempts: p.cfg.RetryAttempts, Initial: p.cfg.RetryInitial, Max: p.cfg.RetryMax},
	}
	s, ok := stages.ByName(p.service)
	if !ok {
		return fmt.Errorf("unknown service %q", p.service)
	}
	set, err := p.observe(store)
	if err != nil {
		return err
	}
	cfg := stages.Config{Concurrency: p.cfg.Concurrency, OnReady: ready,
		Signals: stages.Signals{Executed: p.health.Executed}, Counters: set.Messages(), Setup: &setup}
	if p.service == "planner" {
		cfg.RecordAge, cfg.RecordFailedAge = p.cfg.RecordRetention, p.cfg.RecordRetentionFailed
		cfg.RecordInterval = p.cfg.RecordRetentionInterval
		cfg.MaxTargets = p.cfg.MaxTargets
	}
	return stages.Run(metrics.NewContext(ctx, set), env, s, cfg)
}

// observe connects the store and the stage to the process's metrics: KV operations counted,
// and in the planner the series read from the runs bucket.
func (p *process) observe(store *runstore.Store) (*metrics.Set, error) {
	set := p.health.Metrics()
	store.SetStats(set.KV())
	if p.service == "planner" {
		if err := p.health.ObserveRuns(store.Runs.KV); err != nil {
			return nil, fmt.Errorf("registering the runs collector: %w", err)
		}
	}
	return set, nil
}

// drain lets in-flight publishes and acks reach the server, then closes the connection.
func drain(nc *nats.Conn, log *slog.Logger) {
	closed := make(chan struct{})
	nc.SetClosedHandler(func(*nats.Conn) { close(closed) })
	if err := nc.Drain(); err != nil {
		log.Warn("draining nats connection", "err", err)
		nc.Close()
		return
	}
	timer := time.NewTimer(shutdownTimeout)
	defer timer.Stop()
	select {
	case <-closed:
	case <-timer.C:
		log.Warn("nats connection still draining, closing it", "timeout", shutdownTimeout)
		nc.Close()
	}
}

func shutdown(stop func(context.Context) error, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := stop(ctx); err != nil {
		log.Warn("closing health server", "err", err)
	}
}

// ExitCode is the process exit status for Run's result: 0 for success or -h, 2 for a
// configuration error (the operator's to fix), 1 for anything else.
func ExitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, ErrInvalidConfig):
		return 2
	}
	return 1
}
