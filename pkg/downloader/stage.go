package downloader

import (
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/stage"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Stage is the downloader service.
var Stage = stage.Stage{
	Name: "downloader", Stream: bus.Names.OpStream, Consumer: bus.ConsumerDownloader, Concurrency: 2, NeedsBackupRoot: true,
	Handler: func(env *runenv.Env, sig stage.Signals) worker.Handler {
		return opworker.New(env, "downloader", Effects()).OnExecuted(sig.Executed)
	},
}
