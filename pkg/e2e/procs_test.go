package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// cluster is one NATS server (embedded in the test, over TCP) and service processes.
type cluster struct {
	t          *testing.T
	bins       map[string]string
	url        string
	backupRoot string
	fleet      *embeddedtest.Fleet
	simArgs    []string
	lease      time.Duration
	logs       string
	store      *runstore.Store

	mu    sync.Mutex
	procs map[string][]*proc
	seq   int
}

// proc is one running service process.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func newCluster(t *testing.T, fleet *embeddedtest.Fleet, simArgs ...string) *cluster {
	t.Helper()
	return newClusterWithLease(t, fleet, 2*time.Second, simArgs...)
}

func (c *cluster) connect() *runstore.Store {
	nc, js, err := bus.Connect(bus.ConnectConfig{URL: c.url, Name: "e2e-test"})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(nc.Close)
	names, _ := bus.NewNames("")
	ctx := context.Background()
	if err := bus.Setup(ctx, js, names, bus.SetupConfig{AckWait: c.lease}); err != nil {
		c.t.Fatal(err)
	}
	store, err := runstore.OpenStore(ctx, js, names)
	if err != nil {
		c.t.Fatal(err)
	}
	return store
}

// start launches one service process.
func (c *cluster) start(service string) *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	args := append([]string{"--nats-url", c.url, "--backup-root", c.backupRoot, "--executor", "sim",
		"--sim-state", c.fleet.StateDir, "--sim-fleet", c.fleet.File, "--lease", c.lease.String(),
		"--log-format", "json", "--log-level", logLevel()}, c.simArgs...)
	cmd := exec.Command(c.bins[service], args...)
	logFile, err := os.Create(filepath.Join(c.logs, fmt.Sprintf("%s-%d.log", service, c.seq)))
	if err != nil {
		c.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("starting %s: %v", service, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logFile.Close(); close(p.done) }()
	c.procs[service] = append(c.procs[service], p)
	return p
}

// startAll launches n instances of every service.
func (c *cluster) startAll(n int) {
	for _, s := range services {
		for range n {
			c.start(s)
		}
	}
}

// kill sends SIGKILL to one process, waits for it to die, and forgets it.
func (c *cluster) kill(service string, victim *proc) {
	c.mu.Lock()
	list := c.procs[service]
	for i, p := range list {
		if p == victim {
			c.procs[service] = append(list[:i], list[i+1:]...)
			break
		}
	}
	c.mu.Unlock()
	_ = victim.cmd.Process.Signal(syscall.SIGKILL)
	<-victim.done
}

// randomWorker picks a live process of any service.
func (c *cluster) randomWorker() (string, *proc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		s := services[rand.IntN(len(services))]
		if list := c.procs[s]; len(list) > 0 {
			return s, list[rand.IntN(len(list))]
		}
	}
}

// stopAll terminates every process gracefully (SIGTERM) and waits for them, killing any that
// does not exit within 20 seconds.
func (c *cluster) stopAll() {
	c.mu.Lock()
	all := c.procs
	c.procs = map[string][]*proc{}
	c.mu.Unlock()
	for _, list := range all {
		for _, p := range list {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	deadline := time.After(20 * time.Second)
	for _, list := range all {
		for _, p := range list {
			select {
			case <-p.done:
			case <-deadline:
				_ = p.cmd.Process.Signal(syscall.SIGKILL)
				<-p.done
			}
		}
	}
	c.dumpLogs()
}

// dumpLogs prints the services' logs when a test failed.
func (c *cluster) dumpLogs() {
	if !c.t.Failed() {
		return
	}
	files, _ := filepath.Glob(filepath.Join(c.logs, "*.log"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if s := strings.TrimSpace(string(data)); s != "" {
			c.t.Logf("--- %s\n%s", filepath.Base(f), s)
		}
	}
}

// runToEnd submits a request and waits for the run to end.
func (c *cluster) runToEnd(runID string, body []byte, timeout time.Duration) runs.Record {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := client.Submit(ctx, c.store, body, ""); err != nil {
		c.t.Fatal(err)
	}
	rec, err := client.WaitTerminal(ctx, c.store, runID)
	if err != nil {
		c.dumpLogs()
		c.t.Fatalf("waiting for run %s: %v", runID, err)
	}
	return rec
}

// logLevel is the services' log level: warn, or E2E_LOG_LEVEL when debugging a failure.
func logLevel() string {
	if l := os.Getenv("E2E_LOG_LEVEL"); l != "" {
		return l
	}
	return "warn"
}

// dumpOps logs every operation record of a run, to see where a stalled run stands.
func (c *cluster) dumpOps(runID string) {
	ctx := context.Background()
	for seq := 0; ; seq++ {
		e, err := c.store.Ops.Get(ctx, runstore.OpKey(runID, seq))
		if err != nil {
			return
		}
		o := e.Value
		if o.Op.State.Done() {
			continue
		}
		c.t.Logf("op %d %s: %s deps %d/%d dispatched %v claim %+v", seq, o.Op.OperationID, o.Op.State,
			o.Deps.Count(), o.Deps.Need, o.Dispatched, o.Claim)
	}
}
