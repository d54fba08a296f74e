package icp

import (
	"os"
	"slices"
	"strings"
	"time"
)

// Defaults applied to a zero Config.
const (
	DefaultBinary          = "icp"
	DefaultNetwork         = "local"
	DefaultTimeout         = 2 * time.Minute
	DefaultDownloadTimeout = 5 * time.Minute // also for uploads
)

// Config configures the icp executor. The zero value runs `icp` from PATH against the local
// network with the default identity.
type Config struct {
	// Binary is the icp program (a path or a name looked up in PATH); default "icp".
	Binary string
	// Network is the network name or URL passed with -n; default "local" unless Environment is set.
	Network string
	// RootKey is passed with -k: "mainnet", "fetch" or 266 hex digits. Required with a URL network.
	RootKey string
	// Environment is the project environment passed with -e; it conflicts with Network.
	Environment string
	// ProjectRoot is the working directory of every command (the icp project, needed with -e).
	ProjectRoot string
	// Identity is passed with --identity.
	Identity string
	// IdentityPasswordFile is passed with --identity-password-file.
	IdentityPasswordFile string
	// Timeout bounds every command; zero means 5 minutes for downloads and uploads and 2 minutes
	// for the others.
	Timeout time.Duration
	// Env holds extra KEY=VALUE pairs for every command (tests point a fake icp at its state).
	Env []string
}

// withDefaults validates cfg and fills in defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Binary == "" {
		cfg.Binary = DefaultBinary
	}
	if cfg.Network != "" && cfg.Environment != "" {
		return cfg, &ConfigError{Field: "Environment", Value: cfg.Environment,
			Reason: "conflicts with Network " + cfg.Network + " (-n and -e cannot be combined)", Err: ErrNetworkConflict}
	}
	if cfg.Network == "" && cfg.Environment == "" {
		cfg.Network = DefaultNetwork
	}
	for _, f := range []struct{ name, value string }{
		{"Binary", cfg.Binary}, {"Network", cfg.Network}, {"RootKey", cfg.RootKey},
		{"Environment", cfg.Environment}, {"Identity", cfg.Identity},
		{"IdentityPasswordFile", cfg.IdentityPasswordFile}, {"ProjectRoot", cfg.ProjectRoot},
	} {
		if err := checkValue(f.name, f.value); err != nil {
			return cfg, err
		}
	}
	if err := cfg.checkRootKey(); err != nil {
		return cfg, err
	}
	if cfg.Timeout < 0 {
		return cfg, invalidConfig("Timeout", cfg.Timeout.String(), "must not be negative")
	}
	if cfg.ProjectRoot != "" {
		if fi, err := os.Stat(cfg.ProjectRoot); err != nil || !fi.IsDir() {
			return cfg, invalidConfig("ProjectRoot", cfg.ProjectRoot, "is not a directory")
		}
	}
	for _, kv := range cfg.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return cfg, invalidConfig("Env", kv, "want KEY=VALUE")
		}
	}
	return cfg, nil
}

func invalidConfig(field, value, reason string) *ConfigError {
	return &ConfigError{Field: field, Value: value, Reason: reason, Err: ErrInvalidConfig}
}

// checkValue refuses values that icp's parser would read as a flag, or that cannot be arguments.
func checkValue(field, value string) error {
	switch {
	case value == "":
		return nil
	case strings.TrimSpace(value) != value:
		return invalidConfig(field, value, "has leading or trailing white space")
	case strings.HasPrefix(value, "-"):
		return invalidConfig(field, value, "must not start with '-'")
	case strings.ContainsRune(value, 0):
		return invalidConfig(field, value, "contains a NUL byte")
	}
	return nil
}

// isURL reports whether a network is given by URL rather than by name.
func isURL(network string) bool {
	return strings.HasPrefix(network, "http://") || strings.HasPrefix(network, "https://")
}

func (cfg Config) checkRootKey() error {
	url := isURL(cfg.Network)
	switch {
	case url && cfg.RootKey == "":
		return &ConfigError{Field: "RootKey", Value: "", Reason: "required with network URL " + cfg.Network +
			" (mainnet, fetch or a hex key)", Err: ErrRootKeyRequired}
	case !url && cfg.RootKey != "":
		return invalidConfig("RootKey", cfg.RootKey, "applies only to a network given by URL")
	case cfg.RootKey == "", cfg.RootKey == "mainnet", cfg.RootKey == "fetch", isHex(cfg.RootKey, 266):
		return nil
	}
	return invalidConfig("RootKey", cfg.RootKey, "want mainnet, fetch or 266 hex digits")
}

// isHex reports whether s is hex of the given length (any even, non-zero length when n is 0).
func isHex(s string, n int) bool {
	if (n > 0 && len(s) != n) || (n == 0 && (s == "" || len(s)%2 != 0)) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// targetFlags are the network and identity flags every command ends with.
func (cfg Config) targetFlags() []string {
	var flags []string
	if cfg.Environment != "" {
		flags = append(flags, "-e", cfg.Environment)
	} else {
		flags = append(flags, "-n", cfg.Network)
		if cfg.RootKey != "" {
			flags = append(flags, "-k", cfg.RootKey)
		}
	}
	if cfg.Identity != "" {
		flags = append(flags, "--identity", cfg.Identity)
	}
	if cfg.IdentityPasswordFile != "" {
		flags = append(flags, "--identity-password-file", cfg.IdentityPasswordFile)
	}
	return flags
}

// environment is the environment of every command: the process's own without the variables
// that would override the configured targeting, plus DO_NOT_TRACK=1 and Env.
func (cfg Config) environment() []string {
	drop := []string{"ICP_NETWORK=", "ICP_ENVIRONMENT=", "DO_NOT_TRACK="}
	if cfg.ProjectRoot != "" {
		drop = append(drop, "ICP_PROJECT_ROOT=")
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return slices.ContainsFunc(drop, func(d string) bool { return strings.HasPrefix(kv, d) })
	})
	env = append(env, "DO_NOT_TRACK=1")
	return append(env, cfg.Env...)
}
