package icp

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConfigValidation(t *testing.T) {
	key := strings.Repeat("ab", 133)
	cases := []struct {
		name string
		cfg  Config
		want error
	}{
		{"zero value", Config{}, nil},
		{"named network", Config{Network: "ic"}, nil},
		{"URL with fetch", Config{Network: testURL, RootKey: "fetch"}, nil},
		{"URL with hex key", Config{Network: "https://icp-api.io", RootKey: key}, nil},
		{"environment with project root", Config{Environment: "staging", ProjectRoot: os.TempDir()}, nil},
		{"network and environment", Config{Network: "ic", Environment: "staging"}, ErrNetworkConflict},
		{"URL without root key", Config{Network: testURL}, ErrRootKeyRequired},
		{"root key with named network", Config{Network: "ic", RootKey: "fetch"}, ErrInvalidConfig},
		{"root key with environment", Config{Environment: "staging", RootKey: "fetch"}, ErrInvalidConfig},
		{"bad root key", Config{Network: testURL, RootKey: "abc"}, ErrInvalidConfig},
		{"flag-like network", Config{Network: "--json"}, ErrInvalidConfig},
		{"flag-like identity", Config{Identity: "-x"}, ErrInvalidConfig},
		{"padded environment", Config{Environment: " staging"}, ErrInvalidConfig},
		{"negative timeout", Config{Timeout: -time.Second}, ErrInvalidConfig},
		{"project root not a directory", Config{ProjectRoot: "/nonexistent/fleetbackup"}, ErrInvalidConfig},
		{"env without =", Config{Env: []string{"FOO"}}, ErrInvalidConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.cfg)
			if c.want == nil && err != nil {
				t.Fatal(err)
			}
			var ce *ConfigError
			if c.want != nil && (!errors.Is(err, c.want) || !errors.As(err, &ce)) {
				t.Fatalf("want %v, got %v", c.want, err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if e.cfg.Binary != "icp" || e.cfg.Network != "local" {
		t.Fatalf("defaults: %+v", e.cfg)
	}
	if e.timeout(kindDownload) != 5*time.Minute || e.timeout(kindStop) != 2*time.Minute {
		t.Fatal("default timeouts")
	}
	e, _ = New(Config{Timeout: time.Second})
	if e.timeout(kindDownload) != time.Second || e.timeout(kindRegistry) != time.Second {
		t.Fatal("configured timeout not applied to every command")
	}
}

func TestEnvironmentOfCommands(t *testing.T) {
	t.Setenv("ICP_NETWORK", "ic")
	t.Setenv("ICP_ENVIRONMENT", "prod")
	t.Setenv("DO_NOT_TRACK", "0")
	e, err := New(Config{Env: []string{"FAKEICP_X=1"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range e.env {
		if strings.HasPrefix(kv, "ICP_NETWORK=") || strings.HasPrefix(kv, "ICP_ENVIRONMENT=") || kv == "DO_NOT_TRACK=0" {
			t.Errorf("environment keeps %s", kv)
		}
	}
	if !slices.Contains(e.env, "DO_NOT_TRACK=1") || !slices.Contains(e.env, "FAKEICP_X=1") {
		t.Errorf("environment lacks DO_NOT_TRACK=1 or Env: %v", e.env)
	}
}
