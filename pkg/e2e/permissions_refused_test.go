package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
)

// A service started with files the secured server refuses (another installation's
// credentials; a client certificate of another CA) exits at once with the reason, instead of
// retrying in silence.
func TestPermissionsServiceRefusedExits(t *testing.T) {
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2}), 4096)
	s := newSecured(t, f, time.Minute)
	dir := t.TempDir()
	other, err := bus.GenerateAuth(bus.AuthConfig{Dir: dir, Hosts: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	mine, theirs := s.files.Identity(bus.IdentityPlanner), other.Identity(bus.IdentityPlanner)
	for name, files := range map[string]bus.IdentityFiles{
		"authorization violation": {Creds: theirs.Creds, CA: mine.CA, Cert: mine.Cert, Key: mine.Key},
		"tls":                     {Creds: mine.Creds, CA: mine.CA, Cert: theirs.Cert, Key: theirs.Key},
	} {
		cmd := exec.CommandContext(s.ctx, s.bins[bus.IdentityPlanner], "--nats-url", s.url, "--nats-creds", files.Creds,
			"--nats-tls-ca", files.CA, "--nats-tls-cert", files.Cert, "--nats-tls-key", files.Key,
			"--executor", "sim", "--sim-state", f.StateDir, "--log-format", "text")
		out, err := cmd.CombinedOutput()
		if err == nil || s.ctx.Err() != nil || !strings.Contains(strings.ToLower(string(out)), name) {
			t.Fatalf("the planner with refused files (%s): %v\n%s", name, err, out)
		}
	}
}
