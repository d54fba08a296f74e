package bus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// setupAs runs bus.Setup as identity and returns the subject the server refused, or "" when
// Setup succeeded. A refused JetStream call gets no reply, only the connection's permission
// error, so the refusal ends the attempt instead of the call's timeout.
func setupAs(t *testing.T, s *secureServer, identity string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, ch := s.connect(t, identity)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	refused := make(chan string, 1)
	go func() {
		select {
		case err := <-ch:
			refused <- refusedSubject(err)
			cancel()
		case <-ctx.Done():
		}
	}()
	names, _ := bus.NewNames("")
	err = bus.Setup(ctx, js, names, bus.SetupConfig{})
	if err == nil {
		return ""
	}
	select {
	case subject := <-refused:
		return subject
	default:
		t.Fatalf("setup as %s failed without a refusal: %v", identity, err)
		return ""
	}
}

// Only the planner (and admin) may create the installation: a worker that starts first is
// refused creating the request stream and retries until the planner has created it (pkg/svc
// prepares again and again). With WorkerSetup, a worker may then run Setup over the existing
// installation (it updates the streams and consumers); the operator may not even do that.
func TestSecuredSetupBelongsToThePlanner(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{WorkerSetup: true})
	if got := setupAs(t, s, bus.IdentityDownloader); got != "$JS.API.STREAM.CREATE.FLEETBACKUP_REQUESTS" {
		t.Fatalf("a downloader setting up a new installation was refused %q, want the request stream's creation", got)
	}
	if got := setupAs(t, s, bus.IdentityPlanner); got != "" {
		t.Fatalf("the planner was refused %s", got)
	}
	for _, w := range bus.ServiceIdentities() {
		if got := setupAs(t, s, w); got != "" {
			t.Fatalf("%s setting up an existing installation was refused %s", w, got)
		}
	}
	if got := setupAs(t, s, bus.IdentityOperator); got != "$JS.API.STREAM.UPDATE.FLEETBACKUP_REQUESTS" {
		t.Fatalf("the operator setting up was refused %q, want the request stream's update", got)
	}
}

// Without WorkerSetup (once services can start without setting up, docs/security.md) a worker
// cannot change the streams or consumers at all, while the planner still sets up.
func TestSecuredWithoutWorkerSetup(t *testing.T) {
	s := startSecure(t, bus.PolicyConfig{WorkerSetup: false})
	if got := setupAs(t, s, bus.IdentityPlanner); got != "" {
		t.Fatalf("the planner was refused %s", got)
	}
	for _, w := range bus.ServiceIdentities()[1:] {
		if got := setupAs(t, s, w); got != "$JS.API.STREAM.UPDATE.FLEETBACKUP_REQUESTS" {
			t.Fatalf("%s setting up was refused %q, want the request stream's update", w, got)
		}
	}
	// What a worker does at start besides Setup still works: binding the buckets and its consumer.
	nc, _ := s.connect(t, bus.IdentityVerifier)
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	names, _ := bus.NewNames("")
	if missing, err := bus.Missing(ctx, js, names); err != nil || len(missing) > 0 {
		t.Fatalf("the verifier checking the installation: missing %v, %v", missing, err)
	}
	if _, err := js.Consumer(ctx, names.OpStream(), bus.ConsumerVerifier); err != nil {
		t.Fatalf("the verifier binding its consumer: %v", err)
	}
	if _, err := js.Consumer(ctx, names.OpStream(), bus.ConsumerDownloader); err != nil {
		t.Fatalf("the verifier reading another consumer's info: %v", err)
	}
	if err := nc.Publish(names.OpSubject(bus.OpStop), nil); err != nil || !isRefused(t, nc) {
		t.Fatal("the verifier may dispatch stops")
	}
}

// isRefused flushes the connection and reports whether its last error is a permission
// violation (the server answers the publish before the flush's PONG).
func isRefused(t *testing.T, nc *nats.Conn) bool {
	t.Helper()
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	err := nc.LastError()
	return errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), "Publish to")
}
