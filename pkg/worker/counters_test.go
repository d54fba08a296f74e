package worker_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// A worker whose Config names no Counters counts into those its context carries (an embedded
// stack's metrics), and never into another context's.
func TestCountersFromContext(t *testing.T) {
	js, cons := consumer(t, 0)
	mine, other := new(worker.Counters), new(worker.Counters)
	_ = worker.WithCounters(context.Background(), other)
	ctx, cancel := context.WithCancel(worker.WithCounters(context.Background(), mine))
	done := make(chan error, 1)
	go func() {
		done <- worker.Run(ctx, worker.Config{Consumer: cons}, worker.HandlerFunc(func(context.Context, jetstream.Msg) error {
			return worker.Reject(errors.New("never"))
		}))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	if _, err := js.Publish(context.Background(), "t.job", []byte("x")); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool { return mine.Rejected.Load() == 1 })
	if other.Rejected.Load() != 0 {
		t.Fatal("another context's counters moved")
	}
}
