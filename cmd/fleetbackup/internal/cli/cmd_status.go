package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/kvstore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

func statusCommand() *command {
	return &command{
		Name:    "status",
		Args:    "<run_id>",
		Summary: "print a run's record: state, operation counts, backup directory, failures",
		About: `Status prints the run record the installation keeps in KV (<prefix>_runs/<run_id>): its kind
(backup or restore), its state, its operations by state, whether canisters may still be stopped,
and where its backup is. For a restore it names the backup it restores, whether its loads have
begun, where its documents are, and when it waits for the operator (attention required) what to
do next. For a run with failed operations it lists them with their reasons. --json prints the
record as stored.`,
		Example: `fleetbackup status nightly-2026-11-26
fleetbackup status nightly-2026-11-26 --json | jq -r .state`,
		Run: runStatus,
	}
}

func runStatus(ctx context.Context, inv *invocation) error {
	cfg := addNATSFlags(inv.fs)
	asJSON := inv.fs.Bool("json", false, "print the run record as JSON")
	args, err := inv.parse(1, 1, natsFlagNames...)
	if err != nil {
		return err
	}
	if err := checkRunID(args[0]); err != nil {
		return err
	}
	c, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	rec, err := getRun(ctx, c.store, args[0])
	if errors.Is(err, kvstore.ErrNotFound) {
		return &FailedError{Say: fmt.Sprintf("run %s not found (see fleetbackup list)", args[0])}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(inv.Stdout, rec)
	}
	printStatus(inv.Stdout, rec, failedOps(ctx, c.store, rec))
	return nil
}

// failedOps reads the run's failed operations (one read per operation, only when some failed).
func failedOps(ctx context.Context, store *runstore.Store, rec runs.Record) []journal.Operation {
	var out []journal.Operation
	if rec.Counts.Failed == 0 {
		return out
	}
	for seq := range rec.Counts.Total {
		e, err := store.Ops.Get(ctx, runstore.OpKey(rec.RunID, seq))
		if err == nil && e.Value.Op.State == journal.StateFailed {
			out = append(out, e.Value.Op)
		}
	}
	return out
}

func printStatus(w io.Writer, r runs.Record, failed []journal.Operation) {
	c := r.Counts
	restore := kindOf(r) == runs.KindRestore
	lines := [][2]string{{"run", r.RunID}, {"kind", kindOf(r)}, {"state", string(r.State)}}
	if restore {
		lines = append(lines, [2]string{"backup", orNone(r.BackupID)})
	}
	lines = append(lines, [][2]string{
		{"fleet", fleetText(r)},
		{"plan", orNone(r.PlanID)},
		{"order", string(r.Order)},
		{"operations", fmt.Sprintf("%d/%d done (ready %d, pending %d, blocked %d, failed %d, skipped %d)",
			c.Completed+c.Skipped, c.Total, c.Ready, c.Pending, c.Blocked, c.Failed, c.Skipped)},
		{"restart", restartText(r.RestartRequired)},
		{"created", r.CreatedAt},
		{"updated", r.UpdatedAt},
	}...)
	if restore {
		lines = append(lines, restoreStatusLines(r)...)
	} else {
		lines = append(lines, backupStatusLines(r)...)
	}
	lines = append(lines, attentionLines(r)...)
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%-11s %s\n", l[0], l[1])
	}
	for _, op := range failed {
		fmt.Fprintf(&b, "failed      %s: %s\n", op.OperationID, strings.Join(op.BlockingReasons, "; "))
	}
	io.WriteString(w, b.String())
}

// backupStatusLines are a backup's last lines: its directory, its manifest, its error.
func backupStatusLines(r runs.Record) [][2]string {
	var lines [][2]string
	if r.BackupDir != nil {
		lines = append(lines, [2]string{"backup", *r.BackupDir})
	}
	if r.ManifestPath != nil {
		lines = append(lines, [2]string{"manifest", *r.ManifestPath})
	}
	if r.Error != nil {
		lines = append(lines, [2]string{"error", *r.Error})
	}
	return lines
}

func restartText(required bool) string {
	if required {
		return "required: canisters this run stopped may not be running yet"
	}
	return "not required"
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
