package finalizer

import (
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/stage"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Stage is the finalizer service.
var Stage = stage.Stage{
	Name: "finalizer", Stream: bus.Names.OpStream, Consumer: bus.ConsumerFinalizer, Concurrency: 2, NeedsBackupRoot: true,
	Handler: func(env *runenv.Env, sig stage.Signals) worker.Handler {
		return opworker.New(env, "finalizer", Effects()).OnExecuted(sig.Executed)
	},
}
