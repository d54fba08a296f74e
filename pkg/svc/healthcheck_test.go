package svc

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// serveHealth serves a Health on a real listener until the test ends.
func serveHealth(t *testing.T) (*Health, string) {
	t.Helper()
	h := NewHealth("verifier", "dev", nil)
	addr, stop, err := Serve("127.0.0.1:0", h.Handler(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stop(t.Context()) })
	return h, addr
}

// The probe's status follows /readyz, reaches the address from the flag or the environment
// (an unspecified host on the loopback address), and is 1 for anything but ready.
func TestHealthcheck(t *testing.T) {
	h, addr := serveHealth(t)
	_, port, _ := strings.Cut(addr, ":")
	probe := func(args []string, env map[string]string) (int, string) {
		var stderr bytes.Buffer
		code := Healthcheck("verifier", args, envOf(env), &stderr)
		return code, stderr.String()
	}
	if code, out := probe([]string{"--health-addr", addr}, nil); code != 1 || !strings.Contains(out, "503") {
		t.Errorf("not ready: %d %q", code, out)
	}
	h.SetReady(true)
	for _, c := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--health-addr", addr}, nil},
		{nil, map[string]string{"FLEETBACKUP_HEALTH_ADDR": ":" + port}},
		{[]string{"--health-addr", "0.0.0.0:" + port, "--health-timeout", "2s"}, nil},
		{[]string{"--health-addr", addr}, map[string]string{"FLEETBACKUP_HEALTH_ADDR": "127.0.0.1:1"}}, // the flag wins
	} {
		if code, out := probe(c.args, c.env); code != 0 {
			t.Errorf("ready, %v %v: %d %q", c.args, c.env, code, out)
		}
	}
	for _, args := range [][]string{nil, {"--health-addr", "8080"}, {"--health-addr", "127.0.0.1:1"},
		{"--colour"}, {"--health-addr", addr, "extra"}} {
		if code, out := probe(args, nil); code != 1 || out == "" {
			t.Errorf("%v: %d %q, want 1 and a reason", args, code, out)
		}
	}
	if code, out := probe([]string{"-h"}, nil); code != 0 || !strings.Contains(out, "Exit status") {
		t.Errorf("-h: %d %q", code, out)
	}
}

// A service binary started as `<service> healthcheck` exits with the probe's status: the
// test binary runs itself as the verifier's main.
func TestHealthcheckProcess(t *testing.T) {
	if args := os.Getenv("SVC_TEST_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"verifier"}, strings.Fields(args)...)
		s, _ := stages.ByName("verifier")
		Main(s)
		return
	}
	h, addr := serveHealth(t)
	exitCode := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHealthcheckProcess$")
		cmd.Env = append(os.Environ(), "SVC_TEST_MAIN_ARGS=healthcheck --health-addr "+addr)
		cmd.Stderr = io.Discard
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	if code := exitCode(); code != 1 {
		t.Errorf("exit status while not ready = %d, want 1", code)
	}
	h.SetReady(true)
	if code := exitCode(); code != 0 {
		t.Errorf("exit status while ready = %d, want 0", code)
	}
}
