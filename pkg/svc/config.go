// Package svc is the process plumbing every fleetbackup service shares: its settings (flags
// with environment fallbacks), its logger, its executor, its health and metrics endpoints, and
// Run, which wires them to the pipeline and shuts the service down in order.
package svc

import (
	"flag"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// Executor kinds (--executor).
const (
	ExecutorSim = "sim"
	ExecutorICP = "icp"
)

// Log formats (--log-format).
const (
	LogAuto = "auto"
	LogJSON = "json"
	LogText = "text"
)

// DefaultNATSURL is where a service looks for NATS when neither --nats-url nor NATS_URL is set.
const DefaultNATSURL = "nats://127.0.0.1:4222"

// Config holds every common service setting. Register fills it from flags; Parse adds the
// environment fallbacks and validates it.
type Config struct {
	NATSURL     string // servers, comma-separated; may carry user:password (masked in logs)
	NATSCreds   string // user credentials file
	NATSTLS     TLSConfig
	Prefix      string // subject and bucket prefix; "" means fleetbackup
	BackupRoot  string // shared backup root (downloader, verifier, finalizer)
	Replicas    int    // stream and bucket replicas
	Executor    string // sim or icp
	ICP         ICPConfig
	Sim         *sim.Config // filled by sim.RegisterFlags; nil means the zero sim.Config
	Concurrency int         // operations at once; 0 means the service's default
	HealthAddr  string      // listen address of /healthz, /readyz, /metrics; "" means off
	// Record retention (planner only; docs/record-retention.md): purge the KV records of settled
	// runs unchanged for RecordRetention (failed runs: RecordRetentionFailed), every interval.
	RecordRetention, RecordRetentionFailed, RecordRetentionInterval time.Duration
	// MaxTargets (planner only) is the most targets of one backup or restore; 0 means
	// plan.DefaultMaxTargets.
	MaxTargets int
	LogFormat  string // auto, json or text
	LogLevel   string // debug, info, warn or error
	// Lease is how long a silent worker keeps an operation: its claim lease and the
	// consumers' ack wait. A shorter lease makes takeover after a crash faster.
	Lease time.Duration
	// ManagementLease is the same for management operations (stop, create-snapshot, start,
	// load-snapshot, check-member) and the snapshotter's consumer; never longer than Lease.
	ManagementLease time.Duration
	// Retry bounds the retries of transient executor errors within one claim.
	RetryAttempts int
	RetryInitial  time.Duration
	RetryMax      time.Duration
}

// TLSConfig holds the NATS connection's TLS files; all optional.
type TLSConfig struct {
	CAFile, CertFile, KeyFile string
}

// ICPConfig holds the icp executor's settings as flags give them.
type ICPConfig struct {
	Binary               string
	Network              string
	RootKey              string
	Environment          string
	ProjectRoot          string
	Identity             string
	IdentityPasswordFile string
	Timeout              time.Duration
}

// Register registers every common flag on fs and returns the Config they fill in when fs is
// parsed. Defaults are those of a single-node development setup.
func Register(fs *flag.FlagSet) *Config {
	c := &Config{}
	fs.StringVar(&c.NATSURL, "nats-url", DefaultNATSURL, "NATS server `URLs`, comma-separated")
	fs.StringVar(&c.NATSCreds, "nats-creds", "", "NATS user credentials `FILE`")
	fs.StringVar(&c.NATSTLS.CAFile, "nats-tls-ca", "", "CA `FILE` to verify the NATS server's certificate")
	fs.StringVar(&c.NATSTLS.CertFile, "nats-tls-cert", "", "client certificate `FILE` for NATS (with --nats-tls-key)")
	fs.StringVar(&c.NATSTLS.KeyFile, "nats-tls-key", "", "client key `FILE` for NATS (with --nats-tls-cert)")
	fs.StringVar(&c.Prefix, "prefix", "fleetbackup", "subject and bucket `PREFIX` of this installation")
	fs.StringVar(&c.BackupRoot, "backup-root", "", "shared backup root `DIR` (downloader, verifier, finalizer)")
	fs.IntVar(&c.Replicas, "replicas", 1, "replicas of streams and buckets (3 in a cluster)")
	fs.StringVar(&c.Executor, "executor", ExecutorSim, "executor: sim or icp")
	registerICP(fs, &c.ICP)
	c.Sim = sim.RegisterFlags(fs)
	fs.IntVar(&c.Concurrency, "concurrency", 0, "operations at once (default: 8 for the snapshotter, 2 otherwise)")
	fs.DurationVar(&c.RecordRetention, "record-retention", 0, "planner: purge the KV records of settled runs unchanged for this `DURATION` (0: keep them; at least 1h)")
	fs.DurationVar(&c.RecordRetentionFailed, "record-retention-failed", 0, "planner: the same for failed runs, which a retry needs (0: keep them)")
	fs.DurationVar(&c.RecordRetentionInterval, "record-retention-interval", time.Hour, "planner: how often to purge")
	fs.IntVar(&c.MaxTargets, "max-targets", 0, "planner: refuse a backup or restore of more than `N` targets (0: the default, 10000)")
	fs.StringVar(&c.HealthAddr, "health-addr", "", "`ADDR` serving /healthz, /readyz and /metrics, e.g. :8080 (default off)")
	fs.StringVar(&c.LogFormat, "log-format", LogAuto, "log format: auto (text on a terminal, else json), json or text")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&c.Lease, "lease", bus.DefaultLease, "how long a silent worker keeps an operation before another takes it over")
	fs.DurationVar(&c.ManagementLease, "management-lease", bus.DefaultManagementLease,
		"the same for stop, snapshot, start, load and check operations, and the snapshotter's ack wait (at most --lease)")
	fs.IntVar(&c.RetryAttempts, "retry-attempts", 5, "calls of a transient-failing management call before the operation fails")
	fs.DurationVar(&c.RetryInitial, "retry-initial", 100*time.Millisecond, "first wait of the exponential retry backoff")
	fs.DurationVar(&c.RetryMax, "retry-max", 5*time.Second, "longest wait of the exponential retry backoff")
	return c
}

func registerICP(fs *flag.FlagSet, c *ICPConfig) {
	fs.StringVar(&c.Binary, "icp-binary", "", "icp executor: path of the icp `PROGRAM` (default: icp on PATH)")
	fs.StringVar(&c.Network, "icp-network", "", "icp executor: `NETWORK` (-n), e.g. ic or local")
	fs.StringVar(&c.RootKey, "icp-root-key", "", "icp executor: root `KEY` of a non-mainnet network")
	fs.StringVar(&c.Environment, "icp-environment", "", "icp executor: project `ENVIRONMENT` (-e)")
	fs.StringVar(&c.ProjectRoot, "icp-project-root", "", "icp executor: project root `DIR`")
	fs.StringVar(&c.Identity, "icp-identity", "", "icp executor: `IDENTITY` name")
	fs.StringVar(&c.IdentityPasswordFile, "icp-identity-password-file", "", "icp executor: `FILE` holding the identity's password")
	fs.DurationVar(&c.Timeout, "icp-timeout", 0, "icp executor: timeout of one icp call (default: the executor's)")
}
