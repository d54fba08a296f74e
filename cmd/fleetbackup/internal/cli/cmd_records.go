package cli

import (
	"context"
	"strings"
)

func recordsCommand() *command {
	return &command{
		Name:    "records",
		Args:    "purge|stats",
		Summary: "purge the KV records of old finished runs (`records purge`), or show the buckets' sizes (`records stats`)",
		About: `Records manages the run journal the installation keeps in its KV buckets (docs/record-retention.md).
Every run leaves a run record, its plan, one record per operation and one per artifact; the
backup directory holds the same journals exported, so once a run is finished and old they are
only history. Subcommands:
  purge --older-than D   remove every record of the settled runs (completed, aborted, rejected;
                         failed with --include-failed) whose record has not changed for D. See
                         ` + "`fleetbackup records purge --help`" + `.
  stats                  keys, stored messages and bytes of every bucket.
The planner can purge periodically on its own (record retention, docs/record-retention.md).`,
		Example: `fleetbackup records stats
fleetbackup records purge --older-than 720h --dry-run`,
		Run: runRecords,
	}
}

// runRecords dispatches on the subcommand, which comes first: `records purge …`,
// `records stats …`. Anything else is parsed as records' own flags, so --help prints its help
// and an unknown flag is bad usage.
func runRecords(ctx context.Context, inv *invocation) error {
	if len(inv.args) > 0 {
		switch sub := inv.args[0]; {
		case sub == "purge":
			inv.cmd, inv.args = recordsPurgeCommand(), inv.args[1:]
			return inv.cmd.Run(ctx, inv)
		case sub == "stats":
			inv.cmd, inv.args = recordsStatsCommand(), inv.args[1:]
			return inv.cmd.Run(ctx, inv)
		case !strings.HasPrefix(sub, "-"):
			return usagef("unknown records subcommand %q (want purge or stats)", sub)
		}
	}
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	return usagef("missing subcommand: purge or stats")
}
