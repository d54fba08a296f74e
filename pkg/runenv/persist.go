package runenv

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Persist records the outcome of an effect that has already happened (a receipt, an artifact
// record): a transient store error (a timeout during a leader election, a reconnect) is retried
// with backoff for up to half a lease, instead of handing the operation back, which would
// repeat the effect (a download of gigabytes). Any other error is returned at once.
func (e *Env) Persist(ctx context.Context, write func() error) error {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval, b.MaxElapsedTime = 50*time.Millisecond, 2*time.Second, e.LeaseDuration()/2
	return backoff.Retry(func() error {
		err := write()
		if err != nil && !IsInfrastructure(err) {
			return backoff.Permanent(err)
		}
		if err != nil {
			e.Logger().Warn("store error after the effect; retrying the write", "err", err)
		}
		return err
	}, backoff.WithContext(b, ctx))
}
