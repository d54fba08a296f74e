package executor

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// RetryPolicy bounds the retries of transient executor errors within one claim.
type RetryPolicy struct {
	Initial  time.Duration // first wait; default 100ms
	Max      time.Duration // longest wait; default 5s
	Attempts int           // calls in all, first included; default 5
}

// WithDefaults fills every zero field with its default.
func (r RetryPolicy) WithDefaults() RetryPolicy {
	if r.Initial <= 0 {
		r.Initial = 100 * time.Millisecond
	}
	if r.Max <= 0 {
		r.Max = 5 * time.Second
	}
	if r.Attempts <= 0 {
		r.Attempts = 5
	}
	return r
}

// Do calls f until it succeeds, fails permanently, or the attempts are spent. Only errors
// classified ErrTransient are retried; sleeps end with ctx.
func (r RetryPolicy) Do(ctx context.Context, f func() error) error {
	r = r.WithDefaults()
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = r.Initial
	b.MaxInterval = r.Max
	b.MaxElapsedTime = 0
	policy := backoff.WithContext(backoff.WithMaxRetries(b, uint64(r.Attempts-1)), ctx)
	return backoff.Retry(func() error {
		err := f()
		if err != nil && !IsTransient(err) {
			return backoff.Permanent(err)
		}
		return err
	}, policy)
}
