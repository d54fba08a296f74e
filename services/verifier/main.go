// Command verifier executes the verify-artifact operations of fleetbackup runs: it recomputes
// each downloaded artifact's SHA-256 under the shared backup root (DESIGN.md §1, §7).
//
// Flags and environment variables: see pkg/svc, or run it with -h.
package main

import (
	"github.com/fleetbackup/fleetbackup/pkg/svc"
	"github.com/fleetbackup/fleetbackup/pkg/verifier"
)

func main() { svc.Main(verifier.Stage) }
