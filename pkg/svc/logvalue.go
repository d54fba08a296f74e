package svc

import (
	"log/slog"
	"net/url"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/executor/sim"
)

// masked stands in for a secret in logs.
const masked = "xxxxx"

// LogValue renders the effective configuration for the start-up log line, with every secret
// masked: passwords and tokens in NATS URLs. File paths (credentials, password file) are
// shown, their contents never read here.
func (c *Config) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("nats_url", MaskURLs(c.NATSURL)),
		slog.String("nats_creds", c.NATSCreds),
		slog.String("prefix", c.Prefix),
		slog.String("backup_root", c.BackupRoot),
		slog.Int("replicas", c.Replicas),
		slog.String("executor", c.Executor),
	}
	switch c.Executor {
	case ExecutorICP:
		attrs = append(attrs, slog.Any("icp", c.ICP))
	case ExecutorSim:
		attrs = append(attrs, simAttr(c.Sim))
	}
	attrs = append(attrs,
		slog.Int("concurrency", c.Concurrency),
		slog.String("health_addr", c.HealthAddr),
		slog.String("log_format", c.LogFormat),
		slog.String("log_level", c.LogLevel),
	)
	return slog.GroupValue(attrs...)
}

// LogValue renders the icp settings; the root key is public, the password file only a path.
func (c ICPConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("binary", c.Binary),
		slog.String("network", c.Network),
		slog.String("root_key", c.RootKey),
		slog.String("environment", c.Environment),
		slog.String("project_root", c.ProjectRoot),
		slog.String("identity", c.Identity),
		slog.String("identity_password_file", c.IdentityPasswordFile),
		slog.Duration("timeout", c.Timeout),
	)
}

func simAttr(c *sim.Config) slog.Attr {
	if c == nil {
		return slog.Group("sim")
	}
	return slog.Group("sim",
		slog.String("state", c.StateDir),
		slog.String("fleet", c.FleetFile),
		slog.Int64("artifact_bytes", c.ArtifactBytes),
		slog.String("latency", sim.FormatLatency(c.Latency)),
	)
}

// MaskURLs masks the password (or the token, when a URL carries one alone) of every URL in a
// comma-separated server list. A part that does not parse as a URL is masked whole when it
// holds an '@', since it may carry a secret.
func MaskURLs(list string) string {
	parts := strings.Split(list, ",")
	for i, part := range parts {
		parts[i] = maskURL(strings.TrimSpace(part))
	}
	return strings.Join(parts, ",")
}

func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return masked
		}
		return raw
	}
	if u.User == nil {
		return raw
	}
	if _, hasPassword := u.User.Password(); hasPassword {
		u.User = url.UserPassword(u.User.Username(), masked)
	} else {
		u.User = url.User(masked)
	}
	return u.String()
}
