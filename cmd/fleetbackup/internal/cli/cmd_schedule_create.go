package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

func scheduleCreateCommand() *command {
	return &command{
		Name:    "schedule create",
		Args:    "<name>",
		Summary: "define a recurring backup",
		About: `Schedule create publishes a schedule definition on <prefix>.schedules.<name>: the NATS server then
publishes the request to <prefix>.runs.request at every firing, and the planner runs it as
<name>-<UTC time>. <name> is 1 to 64 letters, digits, '_' or '-'.

--cron takes a 6-field cron expression (second minute hour day-of-month month day-of-week, e.g.
"0 0 2 * * *" for 02:00 every day; names such as mon-fri or jan, lists, ranges and steps), a
shorthand (@hourly, @daily, @weekly, @monthly, @yearly) or "@every <duration>" in whole seconds.
--time-zone (an IANA name) applies to cron expressions; the default is UTC. The expression and
the request are checked before anything is published (the request exactly as ` + "`fleetbackup run`" + `
takes it, without --run-id), and the server checks the expression again.

--keep-last, --keep-daily, --keep-weekly and --keep-monthly give the schedule a prune policy, with
the rules and checks of ` + "`fleetbackup prune`" + `: at each firing, before the new run starts, the
planner removes the schedule's own older backups from its backup root, the new run counting as
the newest (with --keep-last 2, two backups remain once it completes). Only the schedule's runs
(<name>-<UTC time>) are considered, never another schedule's or a manual run's; the newest
completed backup, a backup a restore is reading and incomplete runs are never removed. A planner
without --backup-root logs a warning and prunes nothing.

A name that is taken is refused unless --replace is given (which replaces the prune policy too).
While a run of the schedule is still active, its firings are skipped and counted (fleetbackup
schedule list).
Exit status: 0 created, 1 the server could not be reached, 2 bad usage or input (a bad expression,
time zone or request, or a name that is taken).`,
		Example: `fleetbackup schedule create nightly --cron "0 0 2 * * *" --time-zone Europe/Zurich --fleet demo --network ic --root aaaaa-aa --selector user_hub
fleetbackup schedule create hourly-hub --cron @hourly --file request.json --on-conflict wait --keep-last 24 --keep-daily 7
fleetbackup schedule create nightly --replace --cron "0 30 1 * * mon-fri" --fleet demo --network ic --root aaaaa-aa --scope non-root-fleet`,
		Run: runScheduleCreate,
	}
}

func runScheduleCreate(ctx context.Context, inv *invocation) error {
	rf := addRequestFlags(inv.fs)
	setUsage(inv.fs, "run-id", "not allowed: each firing runs as <name>-<UTC time>")
	cfg := addNATSFlags(inv.fs)
	cron := inv.fs.String("cron", "", "when it fires: a 6-field cron `EXPRESSION` (\"0 0 2 * * *\"), @daily and friends, or \"@every 6h\" (required)")
	tz := inv.fs.String("time-zone", "", "IANA time `ZONE` of a cron expression, e.g. Europe/Zurich (default UTC)")
	replace := inv.fs.Bool("replace", false, "replace the schedule of that name if there is one")
	keep := addScheduleKeepFlags(inv.fs)
	args, err := inv.parse(1, 1, natsFlagNames...)
	if err != nil {
		return err
	}
	switch {
	case isSet(inv.fs, "run-id"):
		return usagef("--run-id is not allowed: each firing runs as %s-<UTC time>", args[0])
	case *cron == "":
		return usagef("missing --cron (e.g. --cron \"0 0 2 * * *\")")
	}
	prune, err := schedulePrune(inv.fs, keep)
	if err != nil {
		return err
	}
	d, spec, err := scheduleDefinition(inv, rf, schedule.Definition{Name: args[0], Cron: *cron, TimeZone: *tz, Prune: prune})
	if err != nil {
		return err
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	err = bus.PublishSchedule(ctx, c.store.JS, c.store.Names, d, *replace)
	switch {
	case errors.Is(err, bus.ErrScheduleExists):
		return &InputError{What: "schedule " + d.Name, Err: fmt.Errorf("%w (see schedule list; delete it first, or give --replace)", bus.ErrScheduleExists)}
	case errors.Is(err, schedule.ErrBadSpec):
		return &InputError{What: "schedule " + d.Name, Err: err}
	case err != nil:
		return err
	}
	next := "never"
	if at, ok := spec.Next(time.Now()); ok {
		next = at.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(inv.Stdout, "schedule %s %s: %s, next firing %s\n  runs %s as %s-<UTC time> on %s\n",
		d.Name, map[bool]string{false: "created", true: "set"}[*replace], spec, next,
		schedule.Summary(d.Request), d.Name, c.store.Names.RequestSubject())
	if d.Prune != "" {
		fmt.Fprintf(inv.Stdout, "  prunes its own backups (%s-<UTC time>) at each firing: keep %s\n", d.Name, keepOf(d.Prune))
	}
	return nil
}

// scheduleDefinition completes and checks d from the command line: the request's fields (as
// run takes them) become its body, unchanged, so that defaults apply at each firing.
func scheduleDefinition(inv *invocation, rf *requestFlags, d schedule.Definition) (schedule.Definition, schedule.Spec, error) {
	name := d.Name
	if err := schedule.CheckName(name); err != nil {
		return schedule.Definition{}, schedule.Spec{}, &InputError{What: "schedule name", Err: err}
	}
	fields, err := rf.fields(inv.fs, inv.Stdin)
	if err != nil {
		return schedule.Definition{}, schedule.Spec{}, err
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return schedule.Definition{}, schedule.Spec{}, &InputError{What: "request", Err: err}
	}
	d.Request = body
	spec, err := d.Check()
	var bad *request.RequestError
	switch {
	case errors.As(err, &bad):
		return d, spec, err // exit status 2, like run's
	case err != nil:
		return d, spec, &InputError{What: "schedule " + name, Err: err}
	}
	return d, spec, nil
}
