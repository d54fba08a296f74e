package cli

import (
	"context"
	"strings"
)

func restoreCommand() *command {
	return &command{
		Name:    "restore",
		Args:    "plan|run <backup>",
		Summary: "restore a fleet from a backup (`restore run`), or dry-run it (`restore plan`)",
		About: `Restore brings a fleet back from a backup (DESIGN §10, docs/restore.md). Subcommands:
  plan <backup>   dry run: admit the backup (layout integrity, manifest, every artifact re-hashed,
                  mapping, plan) and print the restore's phases, or restore-plan.json with --json.
                  It needs no NATS and touches no canister. See ` + "`fleetbackup restore plan --help`" + `.
  run <backup>    restore on the pipeline: publish a restore request for the backup (its run id
                  under the installation's backup root) and follow it with live progress (upload,
                  stop, load, start, check, finalize). See ` + "`fleetbackup restore run --help`" + `.
A restore shows up in watch, status and list like a backup (kind restore). Once its loads have
begun, a failed restore waits for the operator: ` + "`fleetbackup retry <run_id>`" + ` continues it forward,
` + "`fleetbackup abort --force <run_id>`" + ` ends it and starts the canisters as they are.`,
		Example: `fleetbackup restore plan backups/nightly-2026-11-26
fleetbackup restore run nightly-2026-11-26 --nats-url nats://127.0.0.1:4222`,
		Run: runRestore,
	}
}

// restorePlanCommand is `restore plan`, dispatched by runRestore; its own help and usage line.
func restorePlanCommand() *command {
	return &command{
		Name:    "restore plan",
		Args:    "<backup>",
		Summary: "dry run of a restore: admit a backup and print its phases",
		About: `Restore plan is a restore's dry run: it admits a backup exactly as a restore would before its first
operation, and prints the plan, touching nothing (no NATS, no canister, no file written).
<backup> is a backup directory, or the run id of a backup under --backup-root (default ./backups).

Admission, in order (pkg/restore, RESTORE §1.3): layout integrity (manifest and download journal
agree, every artifact's SHA-256 recomputed), the manifest, the --mapping, the plan (parent before
child), readiness, every artifact checked against the manifest, the apply journal. On success it
prints the phases in order (uploads, stops parent first, loads, starts children first, checks,
finalize) with each operation's kind, canister and role; --json prints restore-plan.json. A
rejection names the step and what is wrong (a changed artifact, a missing one, an edited manifest,
a mapping that misses a member or names a canister twice) and exits 1.

To run the restore: ` + "`fleetbackup restore run <run id of the backup>`" + ` (same --mapping and --order).`,
		Example: `fleetbackup restore plan backups/nightly-2026-11-26
fleetbackup restore plan --backup-root /backups nightly-2026-11-26 --mapping mapping.json
fleetbackup restore plan --json backups/nightly-2026-11-26 | jq '.members[] | {source_canister, target_canister}'`,
		Run: runRestorePlan,
	}
}

// runRestore dispatches on the subcommand, which comes first: `restore plan …`, `restore run …`.
// Anything else is parsed as restore's own flags, so --help prints restore's help and an unknown
// flag is bad usage.
func runRestore(ctx context.Context, inv *invocation) error {
	if len(inv.args) > 0 {
		switch sub := inv.args[0]; {
		case sub == "plan":
			inv.cmd, inv.args = restorePlanCommand(), inv.args[1:]
			return inv.cmd.Run(ctx, inv)
		case sub == "run":
			inv.cmd, inv.args = restoreRunCommand(), inv.args[1:]
			return inv.cmd.Run(ctx, inv)
		case !strings.HasPrefix(sub, "-"):
			return usagef("unknown restore subcommand %q (want plan or run)", sub)
		}
	}
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	return usagef("missing subcommand: plan <backup> or run <backup>")
}
