package svc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// syncBuffer is a bytes.Buffer safe for the logger's and the test's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// started is a run in the background and what its hooks reported.
type started struct {
	addr  chan string
	ready chan struct{}
	done  chan error
	logs  *syncBuffer
}

func startRun(ctx context.Context, service string, args []string) *started {
	s := &started{addr: make(chan string, 1), ready: make(chan struct{}), done: make(chan error, 1), logs: &syncBuffer{}}
	hk := hooks{
		stderr:   s.logs,
		onHealth: func(_ *Health, addr string) { s.addr <- addr },
		onReady:  func() { close(s.ready) },
	}
	go func() { s.done <- run(ctx, service, args, envOf(nil), hk) }()
	return s
}

func TestRunLifecycle(t *testing.T) {
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: t.TempDir(), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url := strings.Replace(srv.ClientURL(), "nats://", "nats://alice:s3cret@", 1)
	args := []string{"--nats-url", url, "--prefix", "svctest", "--sim-state", t.TempDir(),
		"--backup-root", t.TempDir(), "--health-addr", "127.0.0.1:0", "--log-format", "json"}
	run := startRun(ctx, "verifier", args)
	addr := <-run.addr
	select {
	case <-run.ready:
	case err := <-run.done:
		t.Fatalf("run ended before ready: %v\n%s", err, run.logs)
	}
	if code, _, _ := get(t, "http://"+addr+"/readyz"); code != http.StatusOK {
		t.Errorf("readyz once bound = %d", code)
	}
	if _, body, _ := get(t, "http://"+addr+"/metrics"); !strings.Contains(body, `fleetbackup_ready{service="verifier"} 1`) {
		t.Errorf("metrics: %s", body)
	}
	checkInstalled(t, srv.ClientURL(), "svctest")

	cancel()
	if err := <-run.done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("health server still answering after shutdown")
	}
	logs := run.logs.String()
	if strings.Contains(logs, "s3cret") || !strings.Contains(logs, `"msg":"starting"`) || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("logs:\n%s", logs)
	}
}

// checkInstalled asserts bus.Setup ran with the prefix: streams, consumer, buckets.
func checkInstalled(t *testing.T, url, prefix string) {
	t.Helper()
	nc, js, err := bus.Connect(bus.ConnectConfig{URL: url, Name: "check"})
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	names, _ := bus.NewNames(prefix)
	ctx := context.Background()
	if _, err := js.Consumer(ctx, names.OpStream(), bus.ConsumerVerifier); err != nil {
		t.Errorf("consumer: %v", err)
	}
	if _, err := js.KeyValue(ctx, names.RunsBucket()); err != nil {
		t.Errorf("runs bucket: %v", err)
	}
}

func TestRunStopsWhileNATSUnreachable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	args := []string{"--nats-url", "nats://127.0.0.1:1", "--sim-state", t.TempDir()}
	run := startRun(ctx, "planner", args)
	<-run.addr
	cancel()
	if err := <-run.done; err != nil {
		t.Fatalf("run = %v, want nil on shutdown", err)
	}
	select {
	case <-run.ready:
		t.Error("ready without a server")
	default:
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	err := run(context.Background(), "planner", []string{"--executor", "k8s"}, envOf(nil), hooks{stderr: io.Discard})
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("err = %v", err)
	}
}
