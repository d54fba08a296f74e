package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

func scheduleCommand() *command {
	return &command{
		Name:    "schedule",
		Args:    "create|list|delete",
		Summary: "recurring backups fired by JetStream itself (`schedule create`, `list`, `delete`)",
		About: `Schedule manages recurring backups. A schedule is a JetStream message schedule: a message on
<prefix>.schedules.<name> in the request stream whose headers say when (a 6-field cron expression,
@daily and friends, or @every) and whose body is a run request without run_id; the NATS server
publishes that body to <prefix>.runs.request at each firing, and the planner runs it as
<name>-<UTC time> (e.g. nightly-20261130T020000Z). A firing while the schedule's last run is still
active is skipped and counted. No cron of fleetbackup's own runs anywhere. Subcommands:
  create <name>   define (or with --replace, change) a schedule: --cron, --time-zone, the
                  request flags of ` + "`fleetbackup run`" + ` and, to prune the schedule's own backups at
                  each firing, prune's --keep-* flags. See ` + "`fleetbackup schedule create --help`" + `.
  list            every schedule: expression, time zone, request, next firing, last run, skips,
                  prune policy.
  delete <name>   remove a schedule; it fires no more (a run it started goes on).
See docs/schedules.md, which also shows how to do the same with ` + "`nats pub`" + `.`,
		Example: `fleetbackup schedule create nightly --cron "0 0 2 * * *" --time-zone Europe/Zurich --fleet demo --network ic --root aaaaa-aa --selector user_hub
fleetbackup schedule list
fleetbackup schedule delete nightly`,
		Run: runSchedule,
	}
}

// runSchedule dispatches on the subcommand, which comes first (as restore does).
func runSchedule(ctx context.Context, inv *invocation) error {
	if len(inv.args) > 0 {
		subs := map[string]func() *command{
			"create": scheduleCreateCommand, "list": scheduleListCommand, "delete": scheduleDeleteCommand,
		}
		sub := inv.args[0]
		if mk, ok := subs[sub]; ok {
			inv.cmd, inv.args = mk(), inv.args[1:]
			return inv.cmd.Run(ctx, inv)
		}
		if !strings.HasPrefix(sub, "-") {
			return usagef("unknown schedule subcommand %q (want create, list or delete)", sub)
		}
	}
	if _, err := inv.parse(0, 0); err != nil {
		return err
	}
	return usagef("missing subcommand: create <name>, list or delete <name>")
}

func scheduleDeleteCommand() *command {
	return &command{
		Name:    "schedule delete",
		Args:    "<name>",
		Summary: "remove a schedule",
		About: `Schedule delete purges the schedule's subject (<prefix>.schedules.<name>) from the request stream:
the NATS server fires it no more. A run it started goes on (see fleetbackup list). The schedule's
record of its last run and skips (<prefix>_schedules/<name>) is kept, so that a schedule created
again under the same name does not start while that run is still active.
Exit status: 0 deleted, 2 no such schedule.`,
		Example: `fleetbackup schedule delete nightly --nats-url nats://127.0.0.1:4222`,
		Run:     runScheduleDelete,
	}
}

func runScheduleDelete(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	args, err := inv.parse(1, 1, natsFlagNames...)
	if err != nil {
		return err
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	err = bus.DeleteSchedule(ctx, c.store.JS, c.store.Names, args[0])
	switch {
	case errors.Is(err, bus.ErrNoSchedule):
		return &InputError{What: "schedule " + args[0], Err: errors.New("no such schedule (see fleetbackup schedule list)")}
	case errors.Is(err, bus.ErrScheduleToken):
		return &InputError{What: "schedule name", Err: err}
	case err != nil:
		return err
	}
	fmt.Fprintf(inv.Stdout, "schedule %s deleted: it fires no more\n", args[0])
	return nil
}
