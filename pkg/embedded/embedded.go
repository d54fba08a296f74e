// Package embedded runs a whole fleetbackup installation in one process: an embedded NATS
// server with JetStream and every service of the pipeline. It is the default a new user gets
// (`fleetbackup dev` and `demo`) and the base of the pipeline tests.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// Config describes the installation; the zero value of a count means one instance.
type Config struct {
	StoreDir   string // JetStream store (required)
	BackupRoot string // where backup directories go (required)
	Exec       executor.Executor
	Prefix     string
	Port       int  // 0 random, -1 no TCP listener
	NoSync     bool // turn off fsync on every write (faster, for benchmarks)
	Log        *slog.Logger
	// Instances of each service (downloaders and verifiers scale independently).
	Instances map[string]int
	// Slots is how many operations one instance of a service handles at once (the services'
	// --concurrency); zero means the stage's default.
	Slots map[string]int
	// Held services are not started with the stack: Release starts their instances later (a
	// benchmark lets work queue up for them first).
	Held map[string]bool
	// Env, when set, adjusts each service's environment (clock, retry policy, lease) before start.
	Env func(*runenv.Env)
	// OnExecuted is called after each operation executed by any service.
	OnExecuted func(runID string, seq int, worker string)
	// Stats, when set, counts every service's KV operations.
	Stats *kvstore.Stats
	// MaxTargets bounds the targets of one run the planner admits (the planner's
	// --max-targets); zero means plan.DefaultMaxTargets.
	MaxTargets int
	// HealInterval, when positive, makes every service check the installation that often and
	// set up again what is missing (the separate services always do, every 5s).
	HealInterval time.Duration
	// Lease is how long a silent worker keeps an operation (claim lease and JetStream ack
	// wait); default 30s. Short leases make takeover after a crash quick.
	Lease time.Duration
	// ManagementLease is the same for management operations (stop, create-snapshot, start,
	// load-snapshot, check-member) and the snapshotter's ack wait; default 5s, never longer
	// than Lease (runenv.Env.ManagementLease).
	ManagementLease time.Duration
}

// setupConfig is the installation's setup under cfg's leases.
func (cfg Config) setupConfig(log *slog.Logger) bus.SetupConfig {
	return bus.SetupConfig{AckWait: cfg.Lease, ManagementAckWait: cfg.ManagementLease, Log: log}
}

// Stack is a running installation.
type Stack struct {
	Server *server.Server
	cfg    Config
	Conn   *nats.Conn
	Store  *runstore.Store
	Names  bus.Names
	runCtx context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	conns  []*nats.Conn
}

// Start starts the server and every service, and returns once they consume.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	if cfg.StoreDir == "" || cfg.BackupRoot == "" || cfg.Exec == nil {
		return nil, errors.New("embedded: store dir, backup root and executor are required")
	}
	names, err := bus.NewNames(cfg.Prefix)
	if err != nil {
		return nil, err
	}
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: cfg.StoreDir, Port: cfg.Port, NoSync: cfg.NoSync})
	if err != nil {
		return nil, err
	}
	st := &Stack{Server: srv, Names: names, cfg: cfg}
	if err := st.setup(ctx, cfg); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// connectConfig reaches the server in-process, or over TCP when it listens (so that
// connections survive a server restart, as a separate process's would).
func (st *Stack) connectConfig(name string) bus.ConnectConfig {
	if st.cfg.Port < 0 {
		return bus.ConnectConfig{InProcess: st.Server, Name: name}
	}
	return bus.ConnectConfig{URL: st.Server.ClientURL(), Name: name}
}

func (st *Stack) setup(ctx context.Context, cfg Config) error {
	nc, js, err := bus.Connect(st.connectConfig("fleetbackup-embedded"))
	if err != nil {
		return err
	}
	st.Conn = nc
	if err := bus.Setup(ctx, js, st.Names, cfg.setupConfig(cfg.Log)); err != nil {
		return err
	}
	if st.Store, err = runstore.OpenStore(ctx, js, st.Names); err != nil {
		return err
	}
	st.runCtx, st.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, s := range stages.All {
		if !cfg.Held[s.Name] {
			if err := st.startInstances(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// startService runs one service instance on its own connection, as a separate process would.
func (st *Stack) startService(ctx context.Context, cfg Config, s stages.Stage, i int) error {
	name := s.Name
	nc, js, err := bus.Connect(st.connectConfig(fmt.Sprintf("%s-%d", name, i)))
	if err != nil {
		return err
	}
	st.conns = append(st.conns, nc)
	store, err := runstore.OpenStore(ctx, js, st.Names)
	if err != nil {
		return err
	}
	store.SetStats(cfg.Stats)
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	env := &runenv.Env{Store: store, Exec: cfg.Exec, BackupRoot: cfg.BackupRoot,
		Log: log, WorkerID: fmt.Sprintf("embedded-%s-%d", name, i), Lease: cfg.Lease, ManagementLease: cfg.ManagementLease}
	if cfg.Env != nil {
		cfg.Env(env)
	}
	st.wg.Add(1)
	go func() {
		defer st.wg.Done()
		sc := stages.Config{Concurrency: cfg.Slots[name], Signals: stages.Signals{Executed: cfg.OnExecuted}, MaxTargets: cfg.MaxTargets}
		if cfg.HealInterval > 0 {
			setup := cfg.setupConfig(log)
			sc.Setup, sc.HealInterval = &setup, cfg.HealInterval
		}
		err := stages.Run(ctx, env, s, sc)
		if err != nil {
			log.Error("service stopped", "service", name, "err", err)
		}
	}()
	return nil
}

// RestartServer shuts the server down and starts it again on the same port and store, as an
// operator restarting NATS would; the services reconnect on their own.
func (st *Stack) RestartServer() error {
	if st.cfg.Port <= 0 {
		return fmt.Errorf("embedded: a server restart needs a fixed TCP port")
	}
	st.Server.Shutdown()
	st.Server.WaitForShutdown()
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: st.cfg.StoreDir, Port: st.cfg.Port, NoSync: st.cfg.NoSync})
	if err != nil {
		return err
	}
	st.Server = srv
	return nil
}

// URL is the client URL of the embedded server ("" when it does not listen on TCP).
func (st *Stack) URL() string {
	if st.Server == nil {
		return ""
	}
	return st.Server.ClientURL()
}

// Close stops every service (gracefully), then the server.
func (st *Stack) Close() {
	if st.cancel != nil {
		st.cancel()
	}
	st.wg.Wait()
	for _, nc := range st.conns {
		_ = nc.Drain()
	}
	if st.Conn != nil {
		st.Conn.Close()
	}
	if st.Server != nil {
		st.Server.Shutdown()
		st.Server.WaitForShutdown()
	}
}
