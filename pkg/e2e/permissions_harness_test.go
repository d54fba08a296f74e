package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/embedded/embeddedtest"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// secured is a cluster whose NATS server runs the shipped secured configuration
// (bus.GenerateAuth, deploy/auth/gen.sh): every service process connects with its own
// credentials over TLS, and the test drives runs as the operator and restorer roles.
type secured struct {
	*cluster
	files bus.AuthFiles
	srv   *server.Server
	log   *violationLog
	// ctx ends at the test's deadline, or at the first permission violation the server
	// reports: a test that expects none fails at once instead of waiting on a stalled run.
	ctx context.Context
}

// newSecured generates keys, credentials and certificates into a temporary directory, starts
// a server from them in the test's process, and returns the cluster, with no service yet.
func newSecured(t *testing.T, fleet *embeddedtest.Fleet, timeout time.Duration, simArgs ...string) *secured {
	t.Helper()
	bins := serviceBinaries(t)
	dir := t.TempDir()
	files, err := bus.GenerateAuth(bus.AuthConfig{Dir: dir, ServerDir: filepath.Join(dir, "nats"),
		Hosts: []string{"127.0.0.1"}, Policy: bus.PolicyConfig{WorkerSetup: true}})
	if err != nil {
		t.Fatal(err)
	}
	conf, err := files.WriteSingleServerConf("127.0.0.1", -1, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := bus.StartConfigFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(testCtx(t, timeout))
	t.Cleanup(func() { cancel(nil) })
	log := &violationLog{onViolation: func(line string) { cancel(fmt.Errorf("permission violation: %s", line)) }}
	srv.SetLogger(log, false, false)
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	c := &cluster{t: t, bins: bins, url: srv.ClientURL(), backupRoot: filepath.Join(t.TempDir(), "backups"),
		fleet: fleet, simArgs: simArgs, lease: 2 * time.Second, logs: t.TempDir(), procs: map[string][]*proc{}}
	t.Cleanup(c.stopAll)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("permission violations: %v", log.all())
		}
	})
	return &secured{cluster: c, files: files, srv: srv, log: log, ctx: ctx}
}

// startAs launches one service process with its own identity's credentials and TLS files.
func (s *secured) startAs(service string) {
	c := s.cluster
	id := s.files.Identity(service)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	args := append([]string{"--nats-url", c.url, "--nats-creds", id.Creds, "--nats-tls-ca", id.CA,
		"--nats-tls-cert", id.Cert, "--nats-tls-key", id.Key, "--backup-root", c.backupRoot, "--executor", "sim",
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
}

// startPulling starts the services and returns once each one pulls from its consumer: the
// admin identity sees every pull request on $JS.API.CONSUMER.MSG.NEXT (a JetStream call is a
// message like any other), so no poll and no sleep is needed.
func (s *secured) startPulling(ctx context.Context, services ...string) {
	s.t.Helper()
	nc := s.conn(bus.IdentityAdmin, nil)
	sub, err := nc.SubscribeSync("$JS.API.CONSUMER.MSG.NEXT.>")
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	if err := nc.Flush(); err != nil {
		s.t.Fatal(err)
	}
	waiting := map[string]bool{}
	for _, svc := range services {
		s.startAs(svc)
		waiting[svc] = true
	}
	for len(waiting) > 0 {
		msg, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			s.t.Fatalf("services %v never pulled work: %v", waiting, err)
		}
		delete(waiting, msg.Subject[strings.LastIndex(msg.Subject, ".")+1:])
	}
}

// conn connects as identity over TLS; onErr, when set, receives the connection's
// asynchronous errors (permission violations).
func (s *secured) conn(identity string, onErr func(error)) *nats.Conn {
	s.t.Helper()
	id := s.files.Identity(identity)
	opts := []nats.Option{nats.Name("e2e-" + identity), nats.UserCredentials(id.Creds), nats.RootCAs(id.CA),
		nats.ClientCert(id.Cert, id.Key)}
	if onErr != nil {
		opts = append(opts, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { onErr(err) }))
	}
	nc, err := nats.Connect(s.url, opts...)
	if err != nil {
		s.t.Fatalf("connecting as %s: %v", identity, err)
	}
	s.t.Cleanup(nc.Close)
	return nc
}

// storeAs opens the installation's buckets as identity (bus.Connect, like a service).
func (s *secured) storeAs(ctx context.Context, identity string) *runstore.Store {
	s.t.Helper()
	nc, js, err := bus.Connect(s.files.Identity(identity).Connect(s.url, "e2e-"+identity))
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(nc.Close)
	names, _ := bus.NewNames("")
	store, err := runstore.OpenStore(ctx, js, names)
	if err != nil {
		s.t.Fatalf("opening the store as %s: %v", identity, err)
	}
	return store
}

// violationLog is the server's logger: it keeps every permission violation the server
// reports (each line names the connection, and so the identity).
type violationLog struct {
	mu          sync.Mutex
	lines       []string
	onViolation func(line string)
}

func (l *violationLog) keep(format string, v ...any) {
	if line := fmt.Sprintf(format, v...); strings.Contains(line, "Violation") {
		l.mu.Lock()
		l.lines = append(l.lines, line)
		l.mu.Unlock()
		l.onViolation(line)
	}
}

func (l *violationLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

func (l *violationLog) Noticef(format string, v ...any) { l.keep(format, v...) }
func (l *violationLog) Warnf(format string, v ...any)   { l.keep(format, v...) }
func (l *violationLog) Fatalf(format string, v ...any)  { l.keep(format, v...) }
func (l *violationLog) Errorf(format string, v ...any)  { l.keep(format, v...) }
func (l *violationLog) Debugf(format string, v ...any)  {}
func (l *violationLog) Tracef(format string, v ...any)  {}
