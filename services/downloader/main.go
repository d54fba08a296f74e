// Command downloader executes the download-snapshot operations of fleetbackup runs, writing
// each artifact directory under the shared backup root (DESIGN.md §1, §7).
//
// Flags and environment variables: see pkg/svc, or run it with -h.
package main

import (
	"github.com/fleetbackup/fleetbackup/pkg/downloader"
	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

func main() { svc.Main(downloader.Stage) }
