package svc

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/signal"
	"syscall"

	"github.com/fleetbackup/fleetbackup/pkg/stages"
)

// Main is the whole main function of a service binary: it runs the stage with the process's
// arguments and environment until SIGINT or SIGTERM, then exits with ExitCode's status.
func Main(s stages.Stage) {
	service := s.Name
	log := NewLogger(nil, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, service, os.Args[1:], os.Getenv)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		log.Error(service+" failed", "err", err)
	}
	os.Exit(ExitCode(err))
}
