package verifier

import (
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/stage"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// Stage is the verifier service.
var Stage = stage.Stage{
	Name: "verifier", Stream: bus.Names.OpStream, Consumer: bus.ConsumerVerifier, Concurrency: 2, NeedsBackupRoot: true,
	Handler: func(env *runenv.Env, sig stage.Signals) worker.Handler {
		return opworker.New(env, "verifier", Effects()).OnExecuted(sig.Executed)
	},
}
