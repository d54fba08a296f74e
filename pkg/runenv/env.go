// Package runenv is what every stage of the pipeline shares: the run store, the executor,
// the backup root, the clock, the logger and the limits; and the few acts every stage
// performs on a run through the run state machine (apply an event and settle the run, fail
// it, move its counts, ask the planner for containment).
package runenv

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// Env is the environment of one service instance.
type Env struct {
	Store      *runstore.Store
	Exec       executor.Executor
	BackupRoot string
	Log        *slog.Logger
	// Clock is the time source; nil means time.Now. Lease expiry and preflight TTL use it.
	Clock func() time.Time
	// WorkerID names this process's workers in claims; default host-pid.
	WorkerID string
	// Tool names the program in manifests.
	ToolName, ToolVersion string
	// Retry bounds retries of transient executor errors; zero value means defaults.
	Retry executor.RetryPolicy
	// Lease is how long a claim lasts without renewal; default bus.DefaultLease.
	Lease time.Duration
	// ManagementLease is the same for a management operation (ManagementCall); default
	// bus.DefaultManagementLease, never longer than Lease.
	ManagementLease time.Duration
	// MaxDeliver is the consumers' delivery limit (bus.SetupConfig.MaxDeliver); default
	// bus.DefaultMaxDeliver.
	MaxDeliver int
	// HashWorkers bounds how many files of one artifact a checksum reads at once; zero means
	// GOMAXPROCS (a process given one core, by GOMAXPROCS or a container's CPU limit, already
	// hashes one file at a time).
	HashWorkers int

	counts countBuffer // count moves not yet written (MoveCount)
}

// Now is the current time.
func (e *Env) Now() time.Time {
	if e.Clock != nil {
		return e.Clock()
	}
	return time.Now()
}

// Marker is the current time as a journal timestamp marker.
func (e *Env) Marker() string { return timestamp.Marker(e.Now()) }

// MarkerPtr is Marker's address, for receipts.
func (e *Env) MarkerPtr() *string {
	m := e.Marker()
	return &m
}

// RFC3339 is the current time in RFC 3339 with nanoseconds, for records.
func (e *Env) RFC3339() string { return e.Now().UTC().Format(time.RFC3339Nano) }

// Logger is the logger (a discarding one when none is set).
func (e *Env) Logger() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

// NewWorkerID names one worker of this process uniquely: <worker-id>/<name>-<random>.
func (e *Env) NewWorkerID(name string) string {
	id := e.WorkerID
	if id == "" {
		host, _ := os.Hostname()
		id = host + "-" + strconv.Itoa(os.Getpid())
	}
	return fmt.Sprintf("%s/%s-%016x", id, name, rand.Uint64())
}

// LeaseDuration is how long a claim lasts without renewal (a transfer's, finalize's; the
// planner's messages). A management operation's is ManagementLeaseDuration (LeaseFor).
func (e *Env) LeaseDuration() time.Duration {
	if e.Lease > 0 {
		return e.Lease
	}
	return bus.DefaultLease
}

// MaxDeliveries is the consumers' delivery limit.
func (e *Env) MaxDeliveries() uint64 {
	if e.MaxDeliver > 0 {
		return uint64(e.MaxDeliver)
	}
	return uint64(bus.DefaultMaxDeliver)
}

// Tool is the program's name and version for manifests.
func (e *Env) Tool() (name, version string) {
	name, version = e.ToolName, e.ToolVersion
	if name == "" {
		name = "fleetbackup"
	}
	if version == "" {
		version = "dev"
	}
	return name, version
}

// RunDir is a run's backup directory.
func (e *Env) RunDir(runID string) string { return filepath.Join(e.BackupRoot, runID) }
