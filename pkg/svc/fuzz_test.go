package svc

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary command lines and environment values to Parse: it never panics,
// and every failure is a configuration error or a request for help.
func FuzzParse(f *testing.F) {
	f.Add("--sim-state /s", "", "downloader")
	f.Add("--executor icp --icp-timeout 5s", "nats://u:p@h:4222", "planner")
	f.Add("--replicas 9 --prefix a.b", "x", "verifier")
	f.Add("--sim-latency stop=1ms,start=-1s", "", "snapshotter")
	f.Add("-h", "", "finalizer")
	f.Add("--health-addr [::1]:0 --log-level debug+2", "nats://%zz@h", "planner")
	f.Fuzz(func(t *testing.T, line, envValue, service string) {
		getenv := func(string) string { return envValue }
		cfg, err := parse(service, strings.Fields(line), getenv, io.Discard)
		if err == nil {
			_ = MaskURLs(cfg.NATSURL)
			NewLogger(cfg, io.Discard).Info("config", "config", cfg)
			return
		}
		if !errors.Is(err, ErrInvalidConfig) && !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("parse(%q) = %v: neither a configuration error nor help", line, err)
		}
	})
}
