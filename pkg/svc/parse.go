package svc

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// envUsage ends the usage text: where the environment stands in for flags.
const envUsage = `
Every flag falls back to an environment variable when not given: NATS_URL, NATS_CREDS, and
FLEETBACKUP_<FLAG> for the others (FLEETBACKUP_BACKUP_ROOT, FLEETBACKUP_SIM_STATE, ...).

"healthcheck [--health-addr ADDR]" as the first argument probes a running instance's /readyz
instead: exit status 0 when ready, 1 otherwise (a container health check without a shell).
`

// maxReplicas is the largest replica count JetStream accepts.
const maxReplicas = 5

// Parse reads service's settings from args, falls back to getenv for every flag not given,
// and validates the result for service. Usage and flag errors are printed on standard error;
// -h yields flag.ErrHelp.
func Parse(service string, args []string, getenv func(string) string) (*Config, error) {
	return parse(service, args, getenv, os.Stderr)
}

func parse(service string, args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	fs := flag.NewFlagSet(service, flag.ContinueOnError)
	fs.SetOutput(out)
	cfg := Register(fs)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage of %s (fleetbackup %s service):\n", service, Version)
		fs.PrintDefaults()
		fmt.Fprint(out, envUsage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, &ConfigError{Setting: "", Reason: err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, &ConfigError{Setting: "", Value: fs.Arg(0), Reason: "unexpected argument"}
	}
	if err := ApplyEnv(fs, getenv); err != nil {
		return nil, err
	}
	managementLeaseFollows(fs, cfg)
	if err := cfg.Validate(service); err != nil {
		return nil, err
	}
	return cfg, nil
}

// Validate checks every setting, and those service needs (a backup root for the
// downloader, verifier and finalizer). An empty service checks the common settings only.
func (c *Config) Validate(service string) error {
	if service != "" && !slices.Contains(stages.Names(), service) {
		return invalid("", service, "unknown service (want one of "+strings.Join(stages.Names(), ", ")+")")
	}
	checks := []func() error{
		func() error { return c.validateNATS() },
		func() error { return c.validateStore(service) },
		func() error { return c.validateExecutor() },
		func() error { return c.validateProcess() },
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) validateNATS() error {
	if strings.TrimSpace(c.NATSURL) == "" {
		return invalid("nats-url", c.NATSURL, "must not be empty")
	}
	if _, err := bus.NewNames(c.Prefix); err != nil {
		return invalid("prefix", c.Prefix, "want a letter or digit, then letters, digits, '_' or '-' (at most 64)")
	}
	if c.Replicas < 1 || c.Replicas > maxReplicas {
		return invalid("replicas", strconv.Itoa(c.Replicas), "want 1 to 5")
	}
	return nil
}

func (c *Config) validateStore(service string) error {
	if s, ok := stages.ByName(service); ok && c.BackupRoot == "" && s.NeedsBackupRoot {
		return invalid("backup-root", "", "the "+service+" needs the shared backup root")
	}
	return nil
}

func (c *Config) validateExecutor() error {
	switch c.Executor {
	case ExecutorSim:
		if c.Sim == nil || c.Sim.StateDir == "" {
			return invalid("sim-state", "", "the sim executor needs a state directory shared by every service")
		}
	case ExecutorICP:
		if c.ICP.Timeout < 0 {
			return invalid("icp-timeout", c.ICP.Timeout.String(), "must not be negative")
		}
	default:
		return invalid("executor", c.Executor, "want sim or icp")
	}
	return nil
}

func (c *Config) validateProcess() error {
	if c.Concurrency < 0 {
		return invalid("concurrency", strconv.Itoa(c.Concurrency), "must not be negative")
	}
	if c.HealthAddr != "" {
		if _, _, err := net.SplitHostPort(c.HealthAddr); err != nil {
			return invalid("health-addr", c.HealthAddr, "want HOST:PORT or :PORT")
		}
	}
	if !slices.Contains([]string{LogAuto, LogJSON, LogText}, c.LogFormat) {
		return invalid("log-format", c.LogFormat, "want auto, json or text")
	}
	if _, err := c.level(); err != nil {
		return invalid("log-level", c.LogLevel, "want debug, info, warn or error")
	}
	return c.validateTiming()
}

// managementLeaseFollows lowers the management lease's default to --lease when that is
// shorter (a --lease of 2s means 2s for every operation); a --management-lease given by flag or
// environment is left for Validate to judge.
func managementLeaseFollows(fs *flag.FlagSet, c *Config) {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "management-lease" })
	if !given {
		c.ManagementLease = min(c.ManagementLease, c.Lease)
	}
}

func (c *Config) validateTiming() error {
	if c.Lease < time.Second {
		return invalid("lease", c.Lease.String(), "want at least 1s")
	}
	if c.MaxTargets < 0 {
		return invalid("max-targets", strconv.Itoa(c.MaxTargets), "must not be negative (0 is the default, 10000)")
	}
	if c.ManagementLease < time.Second || c.ManagementLease > c.Lease {
		return invalid("management-lease", c.ManagementLease.String(), "want at least 1s and at most --lease ("+c.Lease.String()+")")
	}
	if c.RetryAttempts < 1 || c.RetryInitial <= 0 || c.RetryMax < c.RetryInitial {
		return invalid("retry-attempts", strconv.Itoa(c.RetryAttempts), "want at least 1 attempt and 0 < retry-initial <= retry-max")
	}
	return nil
}

// level is the slog level the log-level setting names.
func (c *Config) level() (slog.Level, error) {
	var level slog.Level
	if c == nil || c.LogLevel == "" {
		return slog.LevelInfo, nil
	}
	err := level.UnmarshalText([]byte(c.LogLevel))
	return level, err
}
