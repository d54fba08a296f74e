package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/nats-io/nats.go/jetstream"
)

func listCommand() *command {
	return &command{
		Name:    "list",
		Summary: "list the installation's runs, newest first",
		About: `List prints every run record of the installation (<prefix>_runs), newest first: run id, state,
fleet, network, operations done and when it last changed. --state keeps the runs in one state;
--json prints the records as a JSON array.`,
		Example: `fleetbackup list
fleetbackup list --state failed --json`,
		Run: runList,
	}
}

func runList(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	asJSON := inv.fs.Bool("json", false, "print the run records as a JSON array")
	state := inv.fs.String("state", "", "only runs in `STATE` (planning, preflight, running, completed, failed, aborted, rejected)")
	if _, err := inv.parse(0, 0, natsFlagNames...); err != nil {
		return err
	}
	if *state != "" && !slices.Contains(runStates, runs.State(*state)) {
		return usagef("unknown --state %q", *state)
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	recs, err := listRuns(ctx, c.store, runs.State(*state))
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(inv.Stdout, recs)
	}
	printRuns(inv.Stdout, recs)
	return nil
}

var runStates = []runs.State{runs.Planning, runs.Preflight, runs.Queued, runs.Running,
	runs.Completed, runs.Failed, runs.Aborted, runs.Rejected}

// listRuns reads every run record (in state, when given) in one pass over the bucket, newest first.
func listRuns(ctx context.Context, store *runstore.Store, state runs.State) ([]runs.Record, error) {
	w, err := store.Runs.KV.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("listing runs: %w", err)
	}
	defer w.Stop()
	recs := []runs.Record{}
	for e := range w.Updates() {
		if e == nil {
			break // every current record was delivered
		}
		var r runs.Record
		if err := json.Unmarshal(e.Value(), &r); err != nil {
			return nil, fmt.Errorf("decoding run %s: %w", e.Key(), err)
		}
		if state == "" || r.State == state {
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b runs.Record) int {
		return strings.Compare(b.CreatedAt, a.CreatedAt)
	})
	return recs, ctx.Err()
}

func printRuns(w io.Writer, recs []runs.Record) {
	if len(recs) == 0 {
		io.WriteString(w, "no runs\n")
		return
	}
	t := newTable("RUN", "STATE", "FLEET", "NETWORK", "OPERATIONS", "UPDATED")
	for _, r := range recs {
		t.row(r.RunID, string(r.State), r.Fleet, r.Network,
			fmt.Sprintf("%d/%d", r.Counts.Completed+r.Counts.Skipped, r.Counts.Total), r.UpdatedAt)
	}
	io.WriteString(w, t.String())
}
