package cli

import (
	"context"
	"strings"
)

// restoreRunNotBuilt is what `fleetbackup restore run` says: the pipeline that runs a restore
// (issue 11, items 2–5) does not exist yet, so the command refuses instead of pretending.
const restoreRunNotBuilt = "running a restore is not built yet: nothing was published or touched. " +
	"Only the dry run exists: `fleetbackup restore plan <backup>` admits the backup and prints the plan"

// notBuiltError is a command that exists in the contract but not in this program; it exits 2.
type notBuiltError struct{ say string }

// Error says what is not built.
func (e *notBuiltError) Error() string { return e.say }

// Unwrap returns ErrInput: the request cannot be served (exit status 2).
func (e *notBuiltError) Unwrap() error { return ErrInput }

func restoreCommand() *command {
	return &command{
		Name:    "restore",
		Args:    "plan <backup>",
		Summary: "dry-run a restore from a backup (`restore plan`); `restore run` is not built yet",
		About: `Restore brings a fleet back from a backup directory (DESIGN §10, docs/restore.md). Subcommands:
  plan <backup>   dry run: admit the backup (layout integrity, manifest, every artifact re-hashed,
                  mapping, plan) and print the restore's phases, or restore-plan.json with --json.
                  It needs no NATS and touches no canister. See ` + "`fleetbackup restore plan --help`" + `.
  run <backup>    NOT BUILT YET: running a restore on the pipeline does not exist; it exits 2.`,
		Example: `fleetbackup restore plan backups/nightly-2026-11-26
fleetbackup restore plan --backup-root /backups nightly-2026-11-26 --json > restore-plan.json`,
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

Running a restore (` + "`fleetbackup restore run`" + `) is not built yet.`,
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
			inv.cmd = &command{Name: "restore run", Args: "<backup>", About: restoreRunNotBuilt}
			return &notBuiltError{say: restoreRunNotBuilt}
		case !strings.HasPrefix(sub, "-"):
			return usagef("unknown restore subcommand %q (want plan; run is not built yet)", sub)
		}
	}
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	return usagef("missing subcommand: plan <backup> (run is not built yet)")
}
