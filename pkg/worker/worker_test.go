package worker_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// fateCase is one handler's behaviour and the fate its message must meet.
type fateCase struct {
	name        string
	consumerMax int                  // the consumer's MaxDeliver; 0 means unlimited
	workerMax   int                  // worker.Config.MaxDeliver; 0 means the consumer's
	handle      func(n uint64) error // the handler's result on delivery n
	deliveries  uint64               // how many times the message must be delivered
	want        counts               // the counters once the message left the stream
	log         []string             // what the log must contain
}

// counts is a plain copy of worker.Counters, comparable.
type counts struct{ terminated, rejected, gaveUp, panics, handedBack uint64 }

func snapshot(c *worker.Counters) counts {
	return counts{c.Terminated.Load(), c.Rejected.Load(), c.GaveUp.Load(), c.Panics.Load(), c.HandedBack.Load()}
}

func TestMessageFates(t *testing.T) {
	errWait := errors.New("still waiting")
	for _, tc := range []fateCase{{
		name: "retry until the consumer's MaxDeliver", consumerMax: 4,
		handle:     func(uint64) error { return &worker.Retry{Err: errWait} },
		deliveries: 4,
		want:       counts{gaveUp: 1, handedBack: 3},
		log: []string{`level=DEBUG msg="message handed back" subject=t.job delivery=1 max_deliver=4`,
			`level=WARN msg="message handed back" subject=t.job delivery=3`,
			`level=ERROR msg="gave up after 4 deliveries" subject=t.job delivery=4`},
	}, {
		name: "retry until the worker's MaxDeliver", workerMax: 3,
		handle:     func(uint64) error { return &worker.Retry{Err: errWait} },
		deliveries: 3,
		want:       counts{gaveUp: 1, handedBack: 2},
		log:        []string{`msg="gave up after 3 deliveries"`},
	}, {
		name: "reject", consumerMax: 4,
		handle:     func(uint64) error { return worker.Reject(errors.New("malformed request")) },
		deliveries: 1,
		want:       counts{rejected: 1},
		log:        []string{`level=WARN msg="message rejected" subject=t.job delivery=1 reason="malformed request"`},
	}, {
		name: "failure", consumerMax: 4,
		handle:     func(uint64) error { return errors.New("broken") },
		deliveries: 1,
		want:       counts{terminated: 1},
		log:        []string{`level=ERROR msg="message terminated" subject=t.job delivery=1 err=broken`},
	}, {
		name: "panic once, then succeed", consumerMax: 4,
		handle: func(n uint64) error {
			if n == 1 {
				panic("boom")
			}
			return nil
		},
		deliveries: 2,
		want:       counts{panics: 1, handedBack: 1},
		log:        []string{`level=ERROR msg="handler panicked" subject=t.job delivery=1 panic=boom stack=`},
	}, {
		name: "always panic", consumerMax: 3,
		handle:     func(uint64) error { panic("boom") },
		deliveries: 3,
		want:       counts{panics: 3, handedBack: 2, gaveUp: 1},
		log:        []string{`msg="gave up after 3 deliveries"`},
	}} {
		t.Run(tc.name, func(t *testing.T) { testFate(t, tc) })
	}
}

func testFate(t *testing.T, tc fateCase) {
	js, cons := consumer(t, tc.consumerMax)
	if _, err := js.Publish(context.Background(), "t.job", []byte("x")); err != nil {
		t.Fatal(err)
	}
	var delivered atomic.Uint64
	h := worker.HandlerFunc(func(ctx context.Context, msg jetstream.Msg) error {
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		delivered.Add(1)
		return tc.handle(meta.NumDelivered)
	})
	var counters worker.Counters
	logs := &syncBuffer{}
	run(t, worker.Config{
		Consumer: cons, MaxDeliver: tc.workerMax, Counters: &counters, PollWait: 50 * time.Millisecond,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}, h)

	eventually(t, func() bool { return streamEmpty(t, js) && snapshot(&counters) == tc.want })
	// The message left the stream, terminated or acknowledged: no delivery can follow.
	if got := delivered.Load(); got != tc.deliveries {
		t.Errorf("delivered %d times, want %d", got, tc.deliveries)
	}
	for _, line := range tc.log {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, logs)
		}
	}
}

func TestMaxDeliverAboveConsumers(t *testing.T) {
	_, cons := consumer(t, 4)
	err := worker.Run(context.Background(), worker.Config{Consumer: cons, MaxDeliver: 5}, worker.HandlerFunc(
		func(context.Context, jetstream.Msg) error { return nil }))
	if err == nil || !strings.Contains(err.Error(), "exceeds the consumer's 4") {
		t.Errorf("Run with MaxDeliver above the consumer's = %v, want a refusal", err)
	}
}

// TestShutdown: a handler cancelled at shutdown hands its message back at once, without
// counting it, unless that was its last delivery: the server would not deliver it again, so
// it is given up rather than left in the stream.
func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name        string
		consumerMax int
		want        counts
		inStream    bool
	}{
		{"not the last delivery", 4, counts{}, true},
		{"the last delivery", 1, counts{gaveUp: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js, cons := consumer(t, tc.consumerMax)
			if _, err := js.Publish(context.Background(), "t.job", []byte("x")); err != nil {
				t.Fatal(err)
			}
			started := make(chan struct{})
			h := worker.HandlerFunc(func(ctx context.Context, msg jetstream.Msg) error {
				close(started)
				<-ctx.Done()
				return ctx.Err()
			})
			var counters worker.Counters
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- worker.Run(ctx, worker.Config{Consumer: cons, Counters: &counters, Grace: time.Millisecond}, h)
			}()
			<-started
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := snapshot(&counters); got != tc.want {
				t.Errorf("counters %+v, want %+v", got, tc.want)
			}
			eventually(t, func() bool { return streamEmpty(t, js) != tc.inStream })
		})
	}
}
