// Command fleetbackup is the operator's command line of fleetbackup: it runs a demo or a
// development installation in one process, plans, starts and follows backup runs on a NATS
// installation, and checks a backup directory offline. Run `fleetbackup help` for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, cli.StdEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
