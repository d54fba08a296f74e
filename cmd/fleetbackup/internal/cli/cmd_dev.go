package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

func devCommand() *command {
	return &command{
		Name:    "dev",
		Summary: "run NATS and every service in this process on a simulated fleet, until Ctrl-C",
		About: `Dev starts a development installation in one process: an embedded NATS server with JetStream
listening on --port, the five services (planner, snapshotter, downloader, verifier, finalizer)
and a simulated fleet. It prints the NATS URL and commands to try from another terminal
(fleetbackup run, watch, list; the nats CLI), then runs until SIGINT or SIGTERM. The JetStream
store lives in --data (a temporary directory, removed on exit, by default).`,
		Example: `fleetbackup dev
fleetbackup dev --port 0 --data .fleetbackup-dev --sim-latency stop=200ms,download=2s`,
		Run: runDev,
	}
}

func runDev(ctx context.Context, inv *invocation) error {
	port := inv.fs.Int("port", 4222, "TCP `PORT` of the embedded NATS server (0: a free one)")
	data := inv.fs.String("data", "", "`DIR` for the JetStream store, and the sim state unless --sim-state (default: temporary, removed on exit)")
	cfg := borrowFlags(inv.fs, append([]string{"prefix", "backup-root"}, simFlagNames...)...)
	setUsage(inv.fs, "backup-root", "`DIR` where backups are written (default ./backups) (env FLEETBACKUP_BACKUP_ROOT)")
	logCfg := logFlags(inv.fs)
	envFlags := append([]string{"prefix", "backup-root", "log-level", "log-format"}, simFlagNames...)
	if _, err := inv.parse(0, 0, envFlags...); err != nil {
		return err
	}
	if _, err := bus.NewNames(cfg.Prefix); err != nil {
		return &InputError{What: "--prefix", Err: err}
	}
	rc, cleanup, err := devConfig(inv, *port, *data, cfg.BackupRoot, cfg.Prefix)
	if err != nil {
		return err
	}
	defer cleanup()
	rc.sim = *cfg.Sim
	rc.log = newLogger(logCfg, inv.Stderr)
	rt, err := startRuntime(ctx, rc)
	if err != nil {
		return err
	}
	printDev(inv.Stdout, rt, rc, *data == "")
	<-ctx.Done()
	fmt.Fprintln(inv.Stdout, "stopping: draining the services, then NATS")
	rt.stack.Close()
	return nil
}

func devConfig(inv *invocation, port int, data, backupRoot, prefix string) (runtimeConfig, func(), error) {
	noop := func() {}
	if port < 0 || port > 65535 {
		return runtimeConfig{}, noop, usagef("--port %d: want 0 to 65535", port)
	}
	if backupRoot == "" {
		backupRoot = "backups"
	}
	root, err := absDir(backupRoot)
	if err != nil {
		return runtimeConfig{}, noop, err
	}
	rc := runtimeConfig{backupRoot: root, prefix: prefix, port: port}
	if data != "" {
		rc.work, err = absDir(data)
		return rc, noop, err
	}
	if rc.work, err = os.MkdirTemp("", "fleetbackup-dev-"); err != nil {
		return rc, noop, err
	}
	return rc, func() { os.RemoveAll(rc.work) }, nil
}

func printDev(w io.Writer, rt *installation, rc runtimeConfig, temporary bool) {
	url, names, root := rt.stack.URL(), rt.stack.Names, rt.sim.Root()
	selector := "user_hub"
	if len(rt.fleet) > 1 && rt.fleet[1].Role != nil {
		selector = *rt.fleet[1].Role
	}
	kept := ""
	if temporary {
		kept = ", removed on exit"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "fleetbackup dev: NATS with JetStream and the five services in this process, on a simulated fleet.\n\n")
	fmt.Fprintf(&b, "  NATS URL     %s\n  prefix       %s\n  backup root  %s\n", url, names.Prefix, rc.backupRoot)
	fmt.Fprintf(&b, "  data         %s (JetStream store%s)\n", rc.work, kept)
	fmt.Fprintf(&b, "  sim fleet    %d canisters, root %s (state %s)\n\n", len(rt.fleet), root, rt.sim.StateDir())
	b.WriteString("Try, in another terminal:\n")
	fmt.Fprintf(&b, "  fleetbackup run --nats-url %s --prefix %s --backup-root %s --fleet demo --network local --root %s --selector %s\n",
		url, names.Prefix, rc.backupRoot, root, selector)
	fmt.Fprintf(&b, "  fleetbackup list --nats-url %s --prefix %s\n", url, names.Prefix)
	fmt.Fprintf(&b, "  fleetbackup restore run <run id of a completed backup> --nats-url %s --prefix %s\n", url, names.Prefix)
	fmt.Fprintf(&b, "  nats --server %s pub %s '{\"fleet\":\"demo\",\"network\":\"local\",\"root_canister_id\":\"%s\",\"selector\":\"%s\"}'\n",
		url, names.RequestSubject(), root, selector)
	fmt.Fprintf(&b, "  nats --server %s kv watch %s\n\nPress Ctrl-C to stop.\n", url, names.RunsBucket())
	io.WriteString(w, b.String())
}
