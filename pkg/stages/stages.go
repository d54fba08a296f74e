// Package stages lists every service of the pipeline, in pipeline order: the one list the
// five service binaries, the embedded stack and the configuration checks share.
package stages

import (
	"context"

	"github.com/fleetbackup/fleetbackup/pkg/downloader"
	"github.com/fleetbackup/fleetbackup/pkg/finalizer"
	"github.com/fleetbackup/fleetbackup/pkg/planner"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/snapshotter"
	"github.com/fleetbackup/fleetbackup/pkg/stage"
	"github.com/fleetbackup/fleetbackup/pkg/verifier"
)

// All is every stage, in pipeline order.
var All = []stage.Stage{planner.Stage, snapshotter.Stage, downloader.Stage, verifier.Stage, finalizer.Stage}

// ByName finds a stage by its name.
func ByName(name string) (stage.Stage, bool) {
	for _, s := range All {
		if s.Name == name {
			return s, true
		}
	}
	return stage.Stage{}, false
}

// Names lists every stage's name, in pipeline order.
func Names() []string {
	names := make([]string, len(All))
	for i, s := range All {
		names[i] = s.Name
	}
	return names
}

// Stage is a service of the pipeline (stage.Stage).
type Stage = stage.Stage

// Config is one running instance's settings (stage.Config).
type Config = stage.Config

// Signals are the callbacks a running stage reports through (stage.Signals).
type Signals = stage.Signals

// Run runs one instance of s until ctx ends (stage.Run).
func Run(ctx context.Context, env *runenv.Env, s Stage, cfg Config) error {
	return stage.Run(ctx, env, s, cfg)
}
