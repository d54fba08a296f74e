package snapshotter

import (
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/stage"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Stage is the snapshotter service.
var Stage = stage.Stage{
	Name: "snapshotter", Stream: bus.Names.OpStream, Consumer: bus.ConsumerSnapshotter, Concurrency: 8, NeedsBackupRoot: false,
	Handler: func(env *runenv.Env, sig stage.Signals) worker.Handler {
		return opworker.New(env, "snapshotter", Effects()).OnExecuted(sig.Executed)
	},
}
