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
// arguments and environment until SIGINT or SIGTERM, then exits with ExitCode's status. With
// HealthcheckCommand as its first argument it probes a running instance instead and exits
// with Healthcheck's status.
func Main(s stages.Stage) {
	os.Exit(mainStatus(s.Name, os.Args[1:], os.Getenv))
}

// mainStatus is Main up to the exit: the process's status.
func mainStatus(service string, args []string, getenv func(string) string) int {
	if len(args) > 0 && args[0] == HealthcheckCommand {
		return Healthcheck(service, args[1:], getenv, os.Stderr)
	}
	log := NewLogger(nil, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, service, args, getenv)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		log.Error(service+" failed", "err", err)
	}
	return ExitCode(err)
}
