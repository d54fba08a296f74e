// Command planner consumes fleetbackup run requests: it validates them, plans the backup,
// proves preflight, seeds the journal and dispatches the first operations (DESIGN.md §1).
//
// Flags and environment variables: see pkg/svc, or run it with -h.
package main

import (
	"github.com/fleetbackup/fleetbackup/pkg/planner"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

func main() { svc.Main(planner.Stage) }
