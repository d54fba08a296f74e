package pipeline

import (
	"log/slog"
	"os"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// Env is what every service of the pipeline shares: the store, the executor, the backup
// root, the clock and the logger.
type Env struct {
	Store      *Store
	Exec       executor.Executor
	BackupRoot string
	Log        *slog.Logger
	// Now is the clock; nil means time.Now. Lease expiry and preflight TTL use it.
	Now func() time.Time
	// WorkerID names this process's workers in claims; default host-pid.
	WorkerID string
	// Tool names the program in manifests.
	ToolName, ToolVersion string
	// Retry bounds retries of transient executor errors; zero value means defaults.
	Retry RetryPolicy
	// Lease is how long a claim lasts without renewal; default 30s.
	Lease time.Duration
	// MaxDeliver is the consumers' delivery limit (bus.SetupConfig.MaxDeliver); default
	// bus.DefaultMaxDeliver.
	MaxDeliver int
}

func (e *Env) maxDeliver() uint64 {
	if e.MaxDeliver > 0 {
		return uint64(e.MaxDeliver)
	}
	return uint64(bus.DefaultMaxDeliver)
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) marker() string { return timestamp.Marker(e.now()) }

func (e *Env) markerPtr() *string {
	m := e.marker()
	return &m
}

func (e *Env) logger() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

func (e *Env) workerID() string {
	if e.WorkerID != "" {
		return e.WorkerID
	}
	host, _ := os.Hostname()
	return host + "-" + itoa(os.Getpid())
}

func (e *Env) lease() time.Duration {
	if e.Lease > 0 {
		return e.Lease
	}
	return 30 * time.Second
}

func (e *Env) rfc3339() string { return e.now().UTC().Format(time.RFC3339Nano) }

func (e *Env) toolName() string {
	if e.ToolName != "" {
		return e.ToolName
	}
	return "fleetbackup"
}

func (e *Env) toolVersion() string {
	if e.ToolVersion != "" {
		return e.ToolVersion
	}
	return "dev"
}
