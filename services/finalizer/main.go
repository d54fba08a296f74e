// Command finalizer executes the finalize-manifest operation of fleetbackup runs: it promotes
// verified artifacts, writes the backup directory's documents and closes the run (DESIGN.md §1, §7).
//
// Flags and environment variables: see pkg/svc, or run it with -h.
package main

import (
	"github.com/fleetbackup/fleetbackup/pkg/finalizer"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

func main() { svc.Main(finalizer.Stage) }
