package worker

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// KeepAlive tells JetStream that msg is still being worked on, and calls renew (for example a
// lease renewal in KV), every interval until the returned stop function is called. If renew
// fails, lost is called once with its error (the caller should stop the work: someone else may
// own it now), and the keep-alive ends. Choose interval well inside the consumer's AckWait and
// the lease duration.
//
// The in-progress acks keep their cadence whatever renew does: a renewal runs beside the
// ticker, one at a time, and a tick that finds the previous one still running (a slow store, a
// reconnect) only acks. With an ack wait of a few seconds, a renewal that hangs for as long
// must not let JetStream hand the message to another worker.
func KeepAlive(ctx context.Context, msg jetstream.Msg, interval time.Duration,
	renew func(context.Context) error, lost func(error)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	renewing := make(chan struct{}, 1) // holds a token while a renewal runs
	wg.Add(1)
	go func() {
		defer wg.Done()
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			if ctx.Err() != nil { // stopped, or a renewal failed, as the tick came
				return
			}
			_ = msg.InProgress()
			if renew == nil {
				continue
			}
			select {
			case renewing <- struct{}{}:
			default:
				continue // the previous renewal still runs
			}
			if ctx.Err() != nil { // the previous renewal failed (it cancels before it lets go)
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-renewing }()
				if err := renew(ctx); err != nil && ctx.Err() == nil {
					if lost != nil {
						lost(err)
					}
					cancel() // no more acks nor renewals: the work is someone else's now
				}
			}()
		}
	}()
	return func() { cancel(); wg.Wait() }
}
