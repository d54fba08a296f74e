// Command downloader executes the download-snapshot operations of fleetbackup runs, writing
// each artifact directory under the shared backup root (DESIGN.md §1, §7).
//
// Flags and environment variables: see pkg/svc, or run it with -h.
package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/signal"
	"syscall"

	"github.com/fleetbackup/fleetbackup/pkg/svc"
)

func main() {
	log := svc.NewLogger(nil, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := svc.Run(ctx, "downloader", os.Args[1:], os.Getenv)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		log.Error("downloader failed", "err", err)
	}
	os.Exit(svc.ExitCode(err))
}
