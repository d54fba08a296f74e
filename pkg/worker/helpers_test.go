package worker_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

const testStream = "T"

// consumer starts a server with a work-queue stream and a durable consumer on it whose
// MaxDeliver is maxDeliver (0: unlimited).
func consumer(t *testing.T, maxDeliver int) (jetstream.JetStream, jetstream.Consumer) {
	t.Helper()
	return consumerWith(t, jetstream.ConsumerConfig{MaxDeliver: maxDeliver})
}

// consumerWith starts a server with a work-queue stream and a durable explicit-ack consumer on
// it configured as cc (its name and ack policy are set here).
func consumerWith(t *testing.T, cc jetstream.ConsumerConfig) (jetstream.JetStream, jetstream.Consumer) {
	t.Helper()
	js := bustest.JetStream(t)
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: testStream, Subjects: []string{"t.>"}, Retention: jetstream.WorkQueuePolicy,
	}); err != nil {
		t.Fatal(err)
	}
	cc.Durable, cc.AckPolicy = "c", jetstream.AckExplicitPolicy
	cons, err := js.CreateOrUpdateConsumer(ctx, testStream, cc)
	if err != nil {
		t.Fatal(err)
	}
	return js, cons
}

// run runs the worker until the test ends.
func run(t *testing.T, cfg worker.Config, h worker.Handler) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- worker.Run(ctx, cfg, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

func streamEmpty(t *testing.T, js jetstream.JetStream) bool {
	s, err := js.Stream(context.Background(), testStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs == 0
}

// eventually polls cond until it holds, failing the test after a deadline.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	ticker := time.NewTicker(5 * time.Millisecond)
	defer ticker.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		<-ticker.C
	}
}

// syncBuffer is a log sink safe for the worker's goroutines.
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
