package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

func scheduleListCommand() *command {
	return &command{
		Name:    "schedule list",
		Summary: "list the installation's schedules",
		About: `Schedule list prints every schedule of the installation, by name: its expression and time zone,
the request it fires (fleet/network, scope, selector), its next firing, its last run with that
run's state, how many firings ran and were skipped (a firing is skipped while the schedule's
last run is still active; the last skip's reason is in --json), and KEEP, the prune policy it
applies to its own backups at each firing (schedule create --keep-*). The next firing of an
@every schedule is an estimate (the server counts from the definition's publication and each
firing). --json prints one object per schedule: the definition (request as published; prune,
its Fleetbackup-Prune header, e.g. "keep-last=2"), next_firing, the schedule's record
(<prefix>_schedules/<name>: last_run_id, fired, skipped, last_skip) and last_run_state.`,
		Example: `fleetbackup schedule list
fleetbackup schedule list --json | jq '.[] | {name, skipped: .record.skipped}'`,
		Run: runScheduleList,
	}
}

// scheduleRow is one schedule as list --json prints it.
type scheduleRow struct {
	schedule.Definition
	NextFiring   string          `json:"next_firing,omitempty"`
	Record       *schedule.State `json:"record"`
	LastRunState string          `json:"last_run_state,omitempty"`
}

func runScheduleList(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	asJSON := inv.fs.Bool("json", false, "print the schedules as a JSON array")
	if _, err := inv.parse(0, 0, natsFlagNames...); err != nil {
		return err
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	defs, err := bus.ListSchedules(ctx, c.store.JS, c.store.Names)
	if err != nil {
		return err
	}
	rows := make([]scheduleRow, 0, len(defs))
	for _, d := range defs {
		row, err := scheduleRowOf(ctx, c.store, d)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	if *asJSON {
		return writeJSON(inv.Stdout, rows)
	}
	printSchedules(inv.Stdout, rows)
	return nil
}

// scheduleRowOf joins a definition with its record and its last run's state.
func scheduleRowOf(ctx context.Context, store *runstore.Store, d schedule.Definition) (scheduleRow, error) {
	row := scheduleRow{Definition: d}
	if spec, err := schedule.Parse(d.Cron, d.TimeZone); err == nil {
		if at, ok := spec.Next(time.Now()); ok {
			row.NextFiring = at.UTC().Format(time.RFC3339)
		}
	}
	st, ok, err := bus.ScheduleState(ctx, store.JS, store.Names, d.Name)
	if err != nil || !ok {
		return row, err
	}
	row.Record = &st
	if st.LastRunID != "" {
		if e, err := store.Runs.Get(ctx, st.LastRunID); err == nil {
			row.LastRunState = string(e.Value.State)
		}
	}
	return row, nil
}

func printSchedules(w io.Writer, rows []scheduleRow) {
	if len(rows) == 0 {
		io.WriteString(w, "no schedules (fleetbackup schedule create --help)\n")
		return
	}
	t := newTable("NAME", "SCHEDULE", "TIME ZONE", "REQUEST", "NEXT FIRING", "LAST RUN", "STATE", "RUNS", "SKIPS", "KEEP")
	for _, r := range rows {
		expr, tz, req := r.Cron, r.TimeZone, schedule.Summary(r.Request)
		if expr == "" {
			expr, req = "(not a schedule)", fmt.Sprintf("%d bytes", len(r.Request))
		}
		if tz == "" {
			tz = "UTC"
		}
		last, state, fired, skipped := "-", "-", "0", "0"
		if r.Record != nil {
			fired, skipped = strconv.Itoa(r.Record.Fired), strconv.Itoa(r.Record.Skipped)
			if r.Record.LastRunID != "" {
				last = r.Record.LastRunID
			}
		}
		if r.LastRunState != "" {
			state = r.LastRunState
		}
		t.row(r.Name, expr, tz, req, dashIfEmpty(r.NextFiring), last, state, fired, skipped, keepOf(r.Prune))
	}
	io.WriteString(w, t.String())
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// MarshalJSON makes sure a definition's request prints as JSON in list --json even when a
// stranger published a body that is not JSON.
func (r scheduleRow) MarshalJSON() ([]byte, error) {
	type plain scheduleRow
	p := plain(r)
	if !json.Valid(p.Request) {
		p.Request, _ = json.Marshal(string(r.Request))
	}
	return json.Marshal(p)
}
