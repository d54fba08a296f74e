package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The hand-back backoff: 100 ms after the first delivery, doubling after each one, at most
// 15 s. With bus.DefaultMaxDeliver that gives about 23 minutes of backoff before a message is
// given up (see there why that long).
const (
	DefaultBackoffBase = 100 * time.Millisecond
	DefaultBackoffMax  = 15 * time.Second
)

// handBackInfoFrom is the delivery from which a hand-back is logged at Info rather than Debug:
// one or two hand-backs are routine (a lease about to end, a canister busy for a moment); a
// third says the message waits on something worth seeing. Within the last quarter of
// MaxDeliver a hand-back is logged at Warn: the message is about to be given up.
const handBackInfoFrom = 3

// Retry asks for the message to be delivered again. Delay is the caller's minimum wait (zero
// is allowed); the worker waits at least the backoff of the message's delivery count.
type Retry struct {
	Delay time.Duration
	Err   error
}

func (r *Retry) Error() string { return fmt.Sprintf("retry after at least %s: %v", r.Delay, r.Err) }

// Unwrap returns the cause.
func (r *Retry) Unwrap() error { return r.Err }

// Rejected marks a message that can never succeed (not found, malformed, invalid): the
// worker terminates it at once instead of retrying it.
type Rejected struct {
	Err error
}

// Reject wraps err as the reason a message can never succeed.
func Reject(err error) error {
	if err == nil {
		err = errors.New("rejected without a reason")
	}
	return &Rejected{Err: err}
}

func (r *Rejected) Error() string { return "rejected: " + r.Err.Error() }

// Unwrap returns the reason.
func (r *Rejected) Unwrap() error { return r.Err }

// Backoff is the least delay before the next delivery of a message handed back after its
// delivery-th delivery: base after the first, doubling after each next one, at most ceiling.
// A base or ceiling of zero or less means DefaultBackoffBase or DefaultBackoffMax.
func Backoff(delivery uint64, base, ceiling time.Duration) time.Duration {
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if ceiling <= 0 {
		ceiling = DefaultBackoffMax
	}
	d := base
	for i := uint64(1); i < delivery && d < ceiling; i++ {
		if d > ceiling-d {
			return ceiling
		}
		d *= 2
	}
	return min(d, ceiling)
}

// panicError is a handler's panic, turned into a failed attempt.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("handler panic: %v", p.value) }

// delivery is one delivery of a message, and the policy that decides its fate.
type delivery struct {
	msg jetstream.Msg
	n   uint64 // the message's delivery count, 1 for its first delivery
	cfg Config
}

func newDelivery(msg jetstream.Msg, cfg Config) delivery {
	n := uint64(1)
	if meta, err := msg.Metadata(); err == nil && meta.NumDelivered > 0 {
		n = meta.NumDelivered
	}
	return delivery{msg: msg, n: n, cfg: cfg}
}

// last reports whether the consumer will not deliver the message again.
func (d delivery) last() bool { return d.n >= uint64(d.cfg.MaxDeliver) }

// settle runs the handler and decides the message's fate from its result.
func settle(ctx context.Context, msg jetstream.Msg, cfg Config, h Handler) {
	d := newDelivery(msg, cfg)
	err := safeHandle(ctx, msg, h)
	var (
		rejected *Rejected
		panicked *panicError
		retry    *Retry
	)
	switch {
	case err == nil:
		d.check("acknowledging", msg.Ack())
	case errors.As(err, &rejected):
		d.reject(rejected)
	case errors.As(err, &panicked):
		d.panicked(panicked)
	case ctx.Err() != nil:
		d.interrupted(err)
	case errors.As(err, &retry):
		d.handBack(retry.Delay, err)
	default:
		d.fail(err)
	}
}

func safeHandle(ctx context.Context, msg jetstream.Msg, h Handler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	return h.Handle(ctx, msg)
}

func (d delivery) reject(r *Rejected) {
	d.cfg.Counters.Rejected.Add(1)
	d.cfg.Log.Warn("message rejected", "subject", d.msg.Subject(), "delivery", d.n, "reason", r.Err.Error())
	d.check("terminating", d.msg.TermWithReason(r.Error()))
}

func (d delivery) fail(err error) {
	d.cfg.Counters.Terminated.Add(1)
	d.cfg.Log.Error("message terminated", "subject", d.msg.Subject(), "delivery", d.n, "err", err)
	d.check("terminating", d.msg.TermWithReason(err.Error()))
}

// panicked counts the panic as a failed attempt: the message is handed back with the backoff,
// so MaxDeliver bounds a handler that always panics.
func (d delivery) panicked(p *panicError) {
	d.cfg.Counters.Panics.Add(1)
	d.cfg.Log.Error("handler panicked", "subject", d.msg.Subject(), "delivery", d.n,
		"panic", fmt.Sprint(p.value), "stack", string(p.stack))
	d.handBack(0, p)
}

// interrupted hands back at once a message whose handler was cancelled at shutdown, unless
// that was its last delivery: the server would not deliver it again.
func (d delivery) interrupted(err error) {
	if d.last() {
		d.giveUp(err)
		return
	}
	d.cfg.Log.Debug("message handed back at shutdown", "subject", d.msg.Subject(), "delivery", d.n, "err", err)
	d.check("handing back", d.msg.Nak())
}

// handBack asks for the message again after max(hint, backoff), or gives it up on its last
// delivery.
func (d delivery) handBack(hint time.Duration, err error) {
	if d.last() {
		d.giveUp(err)
		return
	}
	delay := d.delay(hint)
	d.cfg.Counters.HandedBack.Add(1)
	d.cfg.Log.Log(context.Background(), d.handBackLevel(), "message handed back", "subject", d.msg.Subject(),
		"delivery", d.n, "max_deliver", d.cfg.MaxDeliver, "delay", delay, "err", err)
	d.check("handing back", d.msg.NakWithDelay(delay))
}

// delay is how long a hand-back waits: the handler's hint, and at least the backoff.
func (d delivery) delay(hint time.Duration) time.Duration {
	return max(hint, Backoff(d.n, d.cfg.BackoffBase, d.cfg.BackoffMax))
}

func (d delivery) handBackLevel() slog.Level {
	switch {
	case d.n >= uint64(d.cfg.MaxDeliver-d.cfg.MaxDeliver/4):
		return slog.LevelWarn
	case d.n >= handBackInfoFrom:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// giveUp terminates a message that still asks for a retry on its last allowed delivery, so
// that it does not stay in the stream undelivered: a dead letter, logged and counted.
func (d delivery) giveUp(err error) {
	d.cfg.Counters.GaveUp.Add(1)
	d.cfg.Log.Error(fmt.Sprintf("gave up after %d deliveries", d.n), "subject", d.msg.Subject(),
		"delivery", d.n, "max_deliver", d.cfg.MaxDeliver, "err", err)
	d.check("terminating", d.msg.TermWithReason(fmt.Sprintf("gave up after %d deliveries: %v", d.n, err)))
}

// check logs a failed acknowledgement: the server then redelivers the message after AckWait.
func (d delivery) check(what string, err error) {
	if err != nil {
		d.cfg.Log.Warn(what+" message", "subject", d.msg.Subject(), "delivery", d.n, "err", err)
	}
}

// Later hands a message back after the policy's backoff; a Retry or Rejected error (or nil)
// is returned as it is.
func Later(err error) error {
	var r *Retry
	var rj *Rejected
	if err == nil || errors.As(err, &r) || errors.As(err, &rj) {
		return err
	}
	return &Retry{Err: err}
}

// Redelivered reports whether msg was delivered before (a crash or a hand-back may have cut
// its first handling short).
func Redelivered(msg jetstream.Msg) bool {
	md, err := msg.Metadata()
	return err == nil && md.NumDelivered > 1
}
