package svc

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func TestMaskURLs(t *testing.T) {
	rows := map[string]string{
		"nats://127.0.0.1:4222":              "nats://127.0.0.1:4222",
		"nats://alice:s3cret@a:4222":         "nats://alice:xxxxx@a:4222",
		"nats://T0KEN@a:4222":                "nats://xxxxx@a:4222",
		"nats://a:4222, tls://bob:pw@b:4222": "nats://a:4222,tls://bob:xxxxx@b:4222",
		"nats://bad:%zz@host":                "xxxxx",
		"":                                   "",
	}
	for in, want := range rows {
		if got := MaskURLs(in); got != want {
			t.Errorf("MaskURLs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfigLogValueHidesSecrets(t *testing.T) {
	cfg := mustParse(t, "planner", []string{"--sim-state", "/s", "--nats-url", "nats://alice:s3cret@a:4222",
		"--nats-creds", "/creds/alice.creds", "--sim-latency", "stop=1ms"}, nil)
	var buf bytes.Buffer
	NewLogger(&Config{LogFormat: LogJSON}, &buf).Info("starting", "config", cfg)
	out := buf.String()
	if strings.Contains(out, "s3cret") {
		t.Fatalf("secret leaked: %s", out)
	}
	var line struct {
		Config map[string]any `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not JSON: %v: %s", err, out)
	}
	for _, key := range []string{"nats_url", "nats_creds", "prefix", "backup_root", "replicas", "executor", "sim",
		"concurrency", "health_addr", "log_format", "log_level"} {
		if _, ok := line.Config[key]; !ok {
			t.Errorf("config lacks %q: %s", key, out)
		}
	}
	if line.Config["nats_creds"] != "/creds/alice.creds" {
		t.Errorf("creds path should show: %v", line.Config["nats_creds"])
	}
	if sim, _ := line.Config["sim"].(map[string]any); sim["latency"] != "stop=1ms" || sim["state"] != "/s" {
		t.Errorf("sim group: %v", line.Config["sim"])
	}
}

func TestICPLogValue(t *testing.T) {
	cfg := mustParse(t, "planner", []string{"--executor", "icp", "--icp-identity-password-file", "/run/pw",
		"--icp-network", "ic"}, nil)
	var buf bytes.Buffer
	NewLogger(&Config{LogFormat: LogJSON}, &buf).Info("starting", "config", cfg)
	if !strings.Contains(buf.String(), `"icp":{"binary":"","network":"ic"`) ||
		!strings.Contains(buf.String(), `"identity_password_file":"/run/pw"`) {
		t.Errorf("icp group: %s", buf.String())
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	NewLogger(nil, &buf).Info("hello", "run_id", "r1")
	if !json.Valid(bytes.TrimSpace(buf.Bytes())) {
		t.Errorf("auto format on a non-terminal should be JSON: %s", buf.String())
	}
	buf.Reset()
	NewLogger(&Config{LogFormat: LogText, LogLevel: "warn"}, &buf).Info("hidden")
	if buf.Len() != 0 {
		t.Errorf("info logged at warn level: %s", buf.String())
	}
	NewLogger(&Config{LogFormat: LogText, LogLevel: "warn"}, &buf).Warn("shown", "run_id", "r1")
	if !strings.Contains(buf.String(), "msg=shown run_id=r1") {
		t.Errorf("text format: %s", buf.String())
	}
	if isTerminal(io.Discard) {
		t.Error("io.Discard is no terminal")
	}
}
