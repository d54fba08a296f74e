package worker_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// shortAckWait is the ack wait of keepAliveMsg's consumer: a short management lease.
const shortAckWait = 1500 * time.Millisecond

// keepAliveMsg publishes one message on a fresh work-queue stream whose consumer waits
// shortAckWait for acks, and delivers it.
func keepAliveMsg(t *testing.T) (jetstream.Consumer, jetstream.Msg) {
	t.Helper()
	js, cons := consumerWith(t, jetstream.ConsumerConfig{AckWait: shortAckWait})
	if _, err := js.Publish(context.Background(), "t.job", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	return cons, nextMsg(t, cons, 5*time.Second)
}

// nextMsg waits up to wait for the consumer's next delivery; nil when none came.
func nextMsg(t *testing.T, cons jetstream.Consumer, wait time.Duration) jetstream.Msg {
	t.Helper()
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(wait))
	if err != nil {
		t.Fatal(err)
	}
	for msg := range batch.Messages() {
		return msg
	}
	return nil
}

// A renewal that hangs for several ack waits does not hold up the in-progress acks: the
// message is not delivered again meanwhile, and renewals go on once the store answers.
func TestKeepAliveAcksWhileARenewalHangs(t *testing.T) {
	cons, msg := keepAliveMsg(t)
	release := make(chan struct{})
	var renewals, losses atomic.Int32
	stop := worker.KeepAlive(context.Background(), msg, shortAckWait/4, func(ctx context.Context) error {
		if renewals.Add(1) == 1 {
			select { // the first renewal hangs until the test lets it go
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil
	}, func(error) { losses.Add(1) })
	defer stop()
	if again := nextMsg(t, cons, 4*shortAckWait); again != nil {
		t.Fatalf("the message was delivered again (delivery %v) while a renewal hung: the acks waited for it", meta(again))
	}
	close(release)
	eventually(t, func() bool { return renewals.Load() >= 3 })
	stop()
	if losses.Load() != 0 {
		t.Errorf("lost called %d times", losses.Load())
	}
	if err := msg.DoubleAck(context.Background()); err != nil {
		t.Fatalf("acknowledging after the keep-alive: %v", err)
	}
}

// A renewal that fails ends the keep-alive: lost is told once, no renewal follows, and the
// message is no longer kept (it comes back after the ack wait, for whoever owns the work now).
func TestKeepAliveEndsOnAFailedRenewal(t *testing.T) {
	cons, msg := keepAliveMsg(t)
	errTaken := errors.New("claim taken")
	var renewals atomic.Int32
	lost := make(chan error, 4)
	stop := worker.KeepAlive(context.Background(), msg, shortAckWait/4, func(context.Context) error {
		if renewals.Add(1) >= 2 {
			return errTaken
		}
		return nil
	}, func(err error) { lost <- err })
	defer stop()
	again := nextMsg(t, cons, 10*shortAckWait)
	if again == nil {
		t.Fatal("the message was kept alive after its renewal failed")
	}
	if n := renewals.Load(); n != 2 {
		t.Errorf("%d renewals, want 2 (none after the failed one)", n)
	}
	if n := len(lost); n != 1 {
		t.Errorf("lost told %d times, want once", n)
	} else if err := <-lost; !errors.Is(err, errTaken) {
		t.Errorf("lost told %v, want the renewal's error", err)
	}
}

func meta(msg jetstream.Msg) uint64 {
	m, err := msg.Metadata()
	if err != nil {
		return 0
	}
	return m.NumDelivered
}
