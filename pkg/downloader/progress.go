package downloader

import (
	"context"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
)

// progressInterval is how often a running download writes its bytes so far to its operation
// record.
const progressInterval = time.Second

// reportProgress measures the staging directory every progressInterval and writes the bytes so
// far (and the expected total, once the metadata is there) to the operation's record while
// this worker holds its claim, so that `watch` shows a download's bytes from any machine. The
// returned function stops it and writes the last measurement. Errors are ignored: progress is
// for display.
func reportProgress(ctx context.Context, j *opworker.Job, staging string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var lastBytes, lastTotal int64 = -1, -1
	write := func() {
		bytes, total, ok := artifact.DirBytes(staging)
		if !ok || (bytes == lastBytes && total == lastTotal) {
			return
		}
		lastBytes, lastTotal = bytes, total
		_ = j.SetProgress(context.WithoutCancel(ctx), bytes, total)
	}
	done := every(ctx, progressInterval, func() bool { write(); return true })
	return func() {
		cancel()
		<-done
		write()
	}
}
