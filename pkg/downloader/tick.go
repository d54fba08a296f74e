package downloader

import (
	"context"
	"time"
)

// every calls f every interval, in a goroutine, until ctx ends or f returns false. The
// returned channel is closed once the goroutine has returned.
func every(ctx context.Context, interval time.Duration, f func() bool) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if !f() {
				return
			}
		}
	}()
	return done
}
