// Command snapshotter executes the stop, create-snapshot and start operations of fleetbackup
// runs: stops top-down, snapshots a quiescent selection, starts bottom-up (DESIGN.md §1).
//
// Flags and environment variables: see pkg/svc, or run it with -h.
package main

import (
	"github.com/fleetbackup/fleetbackup/pkg/snapshotter"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

func main() { svc.Main(snapshotter.Stage) }
