// Command planner consumes fleetbackup run requests: it validates them, plans the backup,
// proves preflight, seeds the journal and dispatches the first operations (DESIGN.md §1).
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
	err := svc.Run(ctx, "planner", os.Args[1:], os.Getenv)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		log.Error("planner failed", "err", err)
	}
	os.Exit(svc.ExitCode(err))
}
