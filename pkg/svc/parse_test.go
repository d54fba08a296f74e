package svc

import (
	"errors"
	"flag"
	"io"
	"testing"
	"time"
)

// envOf turns a map into a getenv function.
func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func mustParse(t *testing.T, service string, args []string, env map[string]string) *Config {
	t.Helper()
	cfg, err := parse(service, args, envOf(env), io.Discard)
	if err != nil {
		t.Fatalf("parse(%q, %q): %v", service, args, err)
	}
	return cfg
}

func TestParseDefaults(t *testing.T) {
	cfg := mustParse(t, "planner", []string{"--sim-state", "/s"}, nil)
	if cfg.NATSURL != DefaultNATSURL || cfg.Replicas != 1 || cfg.Executor != ExecutorSim ||
		cfg.Prefix != "fleetbackup" || cfg.HealthAddr != "" || cfg.LogFormat != LogAuto || cfg.LogLevel != "info" {
		t.Errorf("defaults: %+v", cfg)
	}
	if cfg.Sim.StateDir != "/s" {
		t.Errorf("sim state: %q", cfg.Sim.StateDir)
	}
}

func TestParseEnvFallback(t *testing.T) {
	env := map[string]string{
		"NATS_URL":                       "nats://a:4222,nats://b:4222",
		"NATS_CREDS":                     "/creds/user.creds",
		"FLEETBACKUP_PREFIX":             "acme",
		"FLEETBACKUP_BACKUP_ROOT":        "/backups",
		"FLEETBACKUP_REPLICAS":           "3",
		"FLEETBACKUP_SIM_STATE":          "/sim",
		"FLEETBACKUP_SIM_LATENCY":        "stop=5ms",
		"FLEETBACKUP_SIM_ARTIFACT_BYTES": "4096",
		"FLEETBACKUP_CONCURRENCY":        "4",
		"FLEETBACKUP_HEALTH_ADDR":        ":8080",
		"FLEETBACKUP_LOG_FORMAT":         "json",
		"FLEETBACKUP_LOG_LEVEL":          "debug",
	}
	cfg := mustParse(t, "downloader", nil, env)
	if cfg.NATSURL != env["NATS_URL"] || cfg.NATSCreds != env["NATS_CREDS"] || cfg.Prefix != "acme" ||
		cfg.BackupRoot != "/backups" || cfg.Replicas != 3 || cfg.Concurrency != 4 || cfg.HealthAddr != ":8080" ||
		cfg.LogFormat != LogJSON || cfg.LogLevel != "debug" {
		t.Errorf("env not applied: %+v", cfg)
	}
	if cfg.Sim.StateDir != "/sim" || cfg.Sim.ArtifactBytes != 4096 || cfg.Sim.Latency["stop"] != 5*time.Millisecond {
		t.Errorf("sim env not applied: %+v", cfg.Sim)
	}
}

func TestParseFlagWinsOverEnv(t *testing.T) {
	env := map[string]string{
		"NATS_URL": "nats://env:4222", "FLEETBACKUP_REPLICAS": "3", "FLEETBACKUP_SIM_STATE": "/env-sim",
		"FLEETBACKUP_EXECUTOR": "icp", "FLEETBACKUP_ICP_TIMEOUT": "1m",
	}
	args := []string{"--nats-url", "nats://flag:4222", "--replicas=2", "--sim-state", "/flag-sim", "--executor", "sim"}
	cfg := mustParse(t, "planner", args, env)
	if cfg.NATSURL != "nats://flag:4222" || cfg.Replicas != 2 || cfg.Sim.StateDir != "/flag-sim" || cfg.Executor != ExecutorSim {
		t.Errorf("flags should win: %+v", cfg)
	}
	if cfg.ICP.Timeout != time.Minute {
		t.Errorf("unset flag should fall back to env: icp timeout %s", cfg.ICP.Timeout)
	}
}

func TestParseICP(t *testing.T) {
	env := map[string]string{"FLEETBACKUP_ICP_NETWORK": "ic", "FLEETBACKUP_ICP_IDENTITY_PASSWORD_FILE": "/run/pw"}
	args := []string{"--executor", "icp", "--icp-binary", "/bin/icp", "--icp-environment", "prod",
		"--icp-project-root", "/p", "--icp-identity", "ops", "--icp-root-key", "abcd", "--icp-timeout", "90s"}
	cfg := mustParse(t, "snapshotter", args, env)
	want := ICPConfig{Binary: "/bin/icp", Network: "ic", RootKey: "abcd", Environment: "prod", ProjectRoot: "/p",
		Identity: "ops", IdentityPasswordFile: "/run/pw", Timeout: 90 * time.Second}
	if cfg.ICP != want {
		t.Errorf("icp = %+v, want %+v", cfg.ICP, want)
	}
}

func TestParseRejects(t *testing.T) {
	sim := []string{"--sim-state", "/s"}
	rows := []struct {
		name    string
		service string
		args    []string
		env     map[string]string
		setting string
	}{
		{"unknown executor", "planner", append(sim, "--executor", "k8s"), nil, "executor"},
		{"unknown executor from env", "planner", sim, map[string]string{"FLEETBACKUP_EXECUTOR": "k8s"}, "executor"},
		{"bad prefix", "planner", append(sim, "--prefix", "a.b"), nil, "prefix"},
		{"bad prefix from env", "planner", sim, map[string]string{"FLEETBACKUP_PREFIX": "-x"}, "prefix"},
		{"downloader without backup root", "downloader", sim, nil, "backup-root"},
		{"verifier without backup root", "verifier", sim, nil, "backup-root"},
		{"finalizer without backup root", "finalizer", sim, nil, "backup-root"},
		{"sim without state", "planner", nil, nil, "sim-state"},
		{"replicas zero", "planner", append(sim, "--replicas", "0"), nil, "replicas"},
		{"replicas six", "planner", append(sim, "--replicas", "6"), nil, "replicas"},
		{"replicas not a number in env", "planner", sim, map[string]string{"FLEETBACKUP_REPLICAS": "three"}, "replicas"},
		{"bad latency in env", "planner", sim, map[string]string{"FLEETBACKUP_SIM_LATENCY": "nap=1s"}, "sim-latency"},
		{"negative concurrency", "planner", append(sim, "--concurrency", "-1"), nil, "concurrency"},
		{"health addr without port", "planner", append(sim, "--health-addr", "8080"), nil, "health-addr"},
		{"log format", "planner", append(sim, "--log-format", "xml"), nil, "log-format"},
		{"log level", "planner", append(sim, "--log-level", "loud"), nil, "log-level"},
		{"empty nats url", "planner", append(sim, "--nats-url", ""), nil, "nats-url"},
		{"negative icp timeout", "planner", []string{"--executor", "icp", "--icp-timeout", "-1s"}, nil, "icp-timeout"},
		{"unknown service", "archiver", sim, nil, ""},
		{"unknown flag", "planner", append(sim, "--colour"), nil, ""},
		{"bad flag value", "planner", append(sim, "--replicas", "x"), nil, ""},
		{"positional argument", "planner", append(sim, "extra"), nil, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			_, err := parse(row.service, row.args, envOf(row.env), io.Discard)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Setting != row.setting {
				t.Fatalf("err = %#v, want setting %q", err, row.setting)
			}
			if ExitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", ExitCode(err))
			}
		})
	}
}

func TestParseAcceptsBackupRootlessServices(t *testing.T) {
	for _, service := range []string{"planner", "snapshotter"} {
		mustParse(t, service, []string{"--sim-state", "/s"}, nil)
	}
}

func TestParseHelp(t *testing.T) {
	_, err := parse("planner", []string{"-h"}, envOf(nil), io.Discard)
	if !errors.Is(err, flag.ErrHelp) || ExitCode(err) != 0 {
		t.Fatalf("err = %v (exit %d), want flag.ErrHelp (exit 0)", err, ExitCode(err))
	}
}

func TestExitCode(t *testing.T) {
	if ExitCode(nil) != 0 || ExitCode(errors.New("nats down")) != 1 {
		t.Error("exit codes")
	}
}

func TestEnvName(t *testing.T) {
	for flagName, want := range map[string]string{
		"nats-url": "NATS_URL", "nats-creds": "NATS_CREDS", "backup-root": "FLEETBACKUP_BACKUP_ROOT",
		"icp-identity-password-file": "FLEETBACKUP_ICP_IDENTITY_PASSWORD_FILE", "sim-state": "FLEETBACKUP_SIM_STATE",
	} {
		if got := EnvName(flagName); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", flagName, got, want)
		}
	}
}

func TestZeroConfigDoesNotPanic(t *testing.T) {
	var cfg Config
	if err := cfg.Validate(""); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("zero config validated: %v", err)
	}
	cfg.Executor = ExecutorSim
	if err := cfg.Validate("planner"); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("zero config validated: %v", err)
	}
}
