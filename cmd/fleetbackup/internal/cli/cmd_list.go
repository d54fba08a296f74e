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
		About: `List prints every run record of the installation (<prefix>_runs), newest first: run id, kind
(backup or restore), state, fleet, network, operations done and when it last changed; a NOTE
column names the backup a restore restores, and says when a restore waits for the operator
(attention required). --state keeps the runs in one state, --kind the backups or the restores;
--json prints the records as a JSON array.`,
		Example: `fleetbackup list
fleetbackup list --kind restore --state failed --json`,
		Run: runList,
	}
}

func runList(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	asJSON := inv.fs.Bool("json", false, "print the run records as a JSON array")
	state := inv.fs.String("state", "", "only runs in `STATE` (planning, preflight, queued, running, completed, failed, aborted, rejected)")
	kind := inv.fs.String("kind", "", "only runs of `KIND` (backup or restore)")
	if _, err := inv.parse(0, 0, natsFlagNames...); err != nil {
		return err
	}
	if *state != "" && !slices.Contains(runStates, runs.State(*state)) {
		return usagef("unknown --state %q", *state)
	}
	if *kind != "" && *kind != runs.KindBackup && *kind != runs.KindRestore {
		return usagef("unknown --kind %q (want backup or restore)", *kind)
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
	if *kind != "" {
		recs = slices.DeleteFunc(recs, func(r runs.Record) bool { return kindOf(r) != *kind })
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
	t := newTable("RUN", "KIND", "STATE", "FLEET", "NETWORK", "OPERATIONS", "UPDATED")
	if slices.ContainsFunc(recs, func(r runs.Record) bool { return listNote(r) != "" }) {
		t.rows[0] = append(t.rows[0], "NOTE")
	}
	for _, r := range recs {
		t.row(r.RunID, kindOf(r), string(r.State), r.Fleet, r.Network,
			fmt.Sprintf("%d/%d", r.Counts.Completed+r.Counts.Skipped, r.Counts.Total), r.UpdatedAt, listNote(r))
	}
	io.WriteString(w, t.String())
}

// listNote is a run's NOTE cell: the backup a restore restores, and whether it waits for the
// operator.
func listNote(r runs.Record) string {
	var parts []string
	if r.BackupID != "" {
		parts = append(parts, "from "+r.BackupID)
	}
	if r.AttentionRequired {
		parts = append(parts, "ATTENTION: retry or abort --force")
	}
	return strings.Join(parts, "; ")
}
