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
// own it now). Choose interval well inside the consumer's AckWait and the lease duration.
func KeepAlive(ctx context.Context, msg jetstream.Msg, interval time.Duration,
	renew func(context.Context) error, lost func(error)) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
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
			_ = msg.InProgress()
			if renew == nil {
				continue
			}
			if err := renew(ctx); err != nil && ctx.Err() == nil {
				if lost != nil {
					lost(err)
				}
				return
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}
