package downloader

import (
	"context"
	"errors"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runenv"
)

// runCheckInterval is how often a download in flight reads its run: once the run is no longer
// running (an abort, or a failure elsewhere) the download is cut short instead of fetching what
// would be thrown away.
const runCheckInterval = 2 * time.Second

// errRunEnded is the cause of a download cut short because its run was no longer running.
var errRunEnded = errors.New("the run is no longer running")

// whileRunRuns returns a context that is cancelled, with errRunEnded as its cause, once a read
// of the run (every runCheckInterval) finds it no longer running; a read that fails changes
// nothing. A retried run that is locking its canisters again counts as running. The returned
// function stops the reads.
func whileRunRuns(ctx context.Context, env *runenv.Env, runID string) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	done := every(ctx, runCheckInterval, func() bool {
		if cur, err := env.Store.Run(ctx, runID); err == nil && !cur.IsRunning() {
			cancel(errRunEnded)
			return false
		}
		return true
	})
	return ctx, func() { cancel(nil); <-done }
}
