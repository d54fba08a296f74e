package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/recordgc"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

var (
	cliOnce sync.Once
	cliBin  string
	cliErr  error
)

// cliBinary builds the fleetbackup command once per test binary.
func cliBinary(t *testing.T) string {
	t.Helper()
	cliOnce.Do(func() {
		root, err := workspaceRoot()
		if err != nil {
			cliErr = err
			return
		}
		dir, err := os.MkdirTemp("", "fleetbackup-cli-")
		if err != nil {
			cliErr = err
			return
		}
		cliBin = filepath.Join(dir, "fleetbackup")
		cmd := exec.Command("go", "build", "-o", cliBin, "./cmd/fleetbackup")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = err
			t.Logf("%s", out)
		}
	})
	if cliErr != nil {
		t.Skipf("the fleetbackup command cannot be built here: %v", cliErr)
	}
	return cliBin
}

// cli runs the fleetbackup command (its words, then the connection flags, then rest) as
// identity, over TLS, and returns its output.
func (s *secured) cli(identity string, command []string, rest ...string) (string, error) {
	id := s.files.Identity(identity)
	args := append(append([]string{}, command...), "--nats-url", s.url, "--nats-creds", id.Creds,
		"--nats-tls-ca", id.CA, "--nats-tls-cert", id.Cert, "--nats-tls-key", id.Key)
	cmd := exec.CommandContext(s.ctx, cliBinary(s.t), append(args, rest...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The operator's command line works with the secured setup: the operator starts a backup and
// follows it, the viewer lists runs, reads one, the records' sizes and the schedules; then the
// planner's record retention purges the settled run (as the planner's loop does, a day later);
// the server refuses nothing on the way.
func TestPermissionsCLI(t *testing.T) {
	cliBinary(t)
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2, 2}), 4096)
	s := startSecured(t, f, 2*time.Minute)
	out, err := s.cli(bus.IdentityOperator, []string{"run"}, "--run-id", "cli-1", "--fleet", "e2e", "--network", "local",
		"--root", f.Root, "--scope", "subtree", "--selector", f.Entries[1].Pid)
	if err != nil {
		t.Fatalf("fleetbackup run as the operator: %v\n%s", err, out)
	}
	for _, c := range []struct{ command, rest []string }{{[]string{"list"}, nil}, {[]string{"status"}, []string{"cli-1"}},
		{[]string{"watch"}, []string{"cli-1"}}, {[]string{"records", "stats"}, nil}, {[]string{"schedule", "list"}, nil}} {
		out, err := s.cli(bus.IdentityViewer, c.command, c.rest...)
		if err != nil {
			t.Fatalf("fleetbackup %s as the viewer: %v\n%s", strings.Join(c.command, " "), err, out)
		}
		if c.command[0] == "status" && !strings.Contains(out, "completed") {
			t.Fatalf("fleetbackup status: %s", out)
		}
	}
	rep, err := recordgc.Pass(s.ctx, s.storeAs(s.ctx, bus.IdentityPlanner), recordgc.Policy{Age: time.Hour},
		recordgc.Options{Now: time.Now().Add(24 * time.Hour)})
	if err != nil || len(rep.Purged) != 1 || rep.Purged[0].RunID != "cli-1" {
		t.Fatalf("record retention as the planner: %+v, %v", rep, err)
	}
	if v := s.log.all(); len(v) > 0 {
		t.Fatalf("the server reported %d permission violations:\n%v", len(v), v)
	}
}

// Schedules with least privilege: admin defines one (only admin may), the server fires it with
// its own rights, the planner claims the firing in the schedules bucket and the run completes;
// admin deletes the schedule; nothing is refused on the way.
func TestPermissionsSchedule(t *testing.T) {
	cliBinary(t)
	f := embeddedtest.NewFleet(t, fleetOf([]int{1, 2, 2}), 4096)
	s := startSecured(t, f, 2*time.Minute)
	viewer := s.storeAs(s.ctx, bus.IdentityViewer)
	kv, err := viewer.JS.KeyValue(s.ctx, viewer.Names.SchedulesBucket())
	if err != nil {
		t.Fatal(err)
	}
	w, err := kv.Watch(s.ctx, "each-second")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Stop() }()
	out, err := s.cli(bus.IdentityAdmin, []string{"schedule", "create"}, "each-second", "--cron", "@every 1s",
		"--fleet", "e2e", "--network", "local", "--root", f.Root, "--scope", "subtree", "--selector", f.Entries[1].Pid)
	if err != nil {
		t.Fatalf("fleetbackup schedule create as admin: %v\n%s", err, out)
	}
	var st schedule.State
	for st.LastRunID == "" {
		select {
		case e := <-w.Updates():
			if e != nil && json.Unmarshal(e.Value(), &st) != nil {
				t.Fatalf("schedule record %s", e.Value())
			}
		case <-s.ctx.Done():
			t.Fatalf("the schedule never ran: %v", context.Cause(s.ctx))
		}
	}
	if rec, err := client.WaitTerminal(s.ctx, viewer, st.LastRunID); err != nil || rec.State != runs.Completed {
		t.Fatalf("scheduled run %s: %s %s (%v)", st.LastRunID, rec.State, deref(rec.Error), err)
	}
	if out, err := s.cli(bus.IdentityAdmin, []string{"schedule", "delete"}, "each-second"); err != nil {
		t.Fatalf("fleetbackup schedule delete as admin: %v\n%s", err, out)
	}
	if v := s.log.all(); len(v) > 0 {
		t.Fatalf("the server reported %d permission violations:\n%v", len(v), v)
	}
}
