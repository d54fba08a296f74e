package cli

import (
	"context"
	"strings"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/bench"
)

func benchCommand() *command {
	return &command{
		Name:    "bench",
		Summary: "measure the pipeline on the embedded server and the simulator",
		About: `Bench runs five scenarios, each on a fresh embedded NATS server with every service in this
process and a simulated fleet, and prints one table each with the machine and the command line:
the floor (the KV and publish calls one operation needs, back to back with nats.go, sync on and
off), orchestration (zero-latency subtree backups of 100, 1,000 and 10,000 targets: ms per
operation next to the floor, KV reads, writes and conflicts per target), downtime (stop 200 ms,
snapshot 300 ms, start 100 ms: max and median downtime per canister of 30, 100 and 300 targets,
strict and parallel, several snapshotter slot counts), the data path (4 targets of 32 MiB:
download and verify MB/s with 1 and 2 instances, next to crypto/sha256) and restore downtime
(the downtime table for restores of the same fleets, upload and load 300 ms). The full benchmark
takes minutes; --quick runs the smallest sizes in under a minute. Progress goes to standard
error; nothing is kept.`,
		Example: `fleetbackup bench --quick
fleetbackup bench --json > bench.json`,
		Run: runBench,
	}
}

func runBench(ctx context.Context, inv *invocation) error {
	quick := inv.fs.Bool("quick", false, "run the smallest sizes only (under a minute)")
	asJSON := inv.fs.Bool("json", false, "print the report as JSON")
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	report, err := bench.Run(ctx, bench.Config{Quick: *quick, Progress: inv.Stderr})
	if err != nil {
		return err
	}
	report.Command = strings.TrimSpace("fleetbackup bench " + strings.Join(inv.args, " "))
	if *asJSON {
		return writeJSON(inv.Stdout, report)
	}
	return report.Render(inv.Stdout)
}
