// Package bustest starts a real NATS server with JetStream for a test: embedded in the test's
// process, with its store in the test's temporary directory, shut down when the test ends.
package bustest

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// JetStream starts an embedded server (no TCP listener, no fsync) and returns a JetStream
// context on an in-process connection.
func JetStream(t testing.TB) jetstream.JetStream {
	t.Helper()
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: t.TempDir(), Port: -1, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, js, err := bus.Connect(bus.ConnectConfig{InProcess: srv, Name: t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return js
}

// Installation starts a server as JetStream does and creates a default installation's
// streams, consumers and buckets on it.
func Installation(t testing.TB) (jetstream.JetStream, bus.Names) {
	t.Helper()
	js := JetStream(t)
	names, _ := bus.NewNames("")
	if err := bus.Setup(context.Background(), js, names, bus.SetupConfig{}); err != nil {
		t.Fatal(err)
	}
	return js, names
}
