package cli

import (
	"context"
	"flag"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
)

func pruneCommand() *command {
	return &command{
		Name:    "prune",
		Summary: "remove old backup directories by a keep-last/daily/weekly/monthly policy",
		About: `Prune removes backup directories (<backup-root>/<run_id>/) with the rules of restic's forget: a backup
is kept if any rule keeps it. --keep-last N keeps the N newest; --keep-daily D, --keep-weekly W and
--keep-monthly M keep the newest backup of each of the last D days, W ISO weeks (Monday to Sunday)
and M calendar months that have a backup. Days, weeks and months are UTC, whatever the machine's
time zone. A policy that keeps nothing is refused.

A backup's time is its manifest's created_at; a manifest without a readable one is dated by the
directory's modification time, and the table says which (FROM manifest or mtime).

Prune never removes: the newest completed backup; a backup a restore is reading (its restores/
holds a restore without a completed apply journal; the restore pipeline does not write restores/
yet); an incomplete run (no manifest) unless --include-incomplete, and even then not one newer
than the newest completed backup, which may still be running. Only directories named like a run
id that hold fleetbackup's files are considered; everything else under the root is listed as
ignored and left alone. Use --dry-run first.`,
		Example: `fleetbackup prune --backup-root /backups --keep-daily 7 --keep-weekly 4 --keep-monthly 12 --dry-run
fleetbackup prune --backup-root /backups --keep-last 3 --include-incomplete --json`,
		Run: runPrune,
	}
}

// pruneFlags are prune's flags once parsed.
type pruneFlags struct {
	policy            retention.Policy
	dryRun            bool
	includeIncomplete bool
	asJSON            bool
	root              *string
}

func addPruneFlags(fs *flag.FlagSet) *pruneFlags {
	f := &pruneFlags{}
	fs.IntVar(&f.policy.Last, "keep-last", 0, "keep the `N` newest backups")
	fs.IntVar(&f.policy.Daily, "keep-daily", 0, "keep the newest backup of each of the last `D` days (UTC) that have one")
	fs.IntVar(&f.policy.Weekly, "keep-weekly", 0, "keep the newest backup of each of the last `W` ISO weeks (UTC) that have one")
	fs.IntVar(&f.policy.Monthly, "keep-monthly", 0, "keep the newest backup of each of the last `M` months (UTC) that have one")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would be removed, remove nothing")
	fs.BoolVar(&f.includeIncomplete, "include-incomplete", false, "also remove incomplete runs (no manifest) older than the newest completed backup")
	fs.BoolVar(&f.asJSON, "json", false, "print the decisions (and removals) as JSON instead of the table")
	cfg := borrowFlags(fs, "backup-root")
	setUsage(fs, "backup-root", "the backup root `DIR` to prune (required) (env FLEETBACKUP_BACKUP_ROOT)")
	f.root = &cfg.BackupRoot
	return f
}

func runPrune(_ context.Context, inv *invocation) error {
	f := addPruneFlags(inv.fs)
	if _, err := inv.parse(0, 0, "backup-root"); err != nil {
		return err
	}
	if *f.root == "" {
		return usagef("--backup-root is required (or FLEETBACKUP_BACKUP_ROOT)")
	}
	if err := f.policy.Validate(); err != nil {
		return usagef("%v", err)
	}
	found, err := retention.Scan(*f.root)
	if err != nil {
		return &InputError{What: "--backup-root " + *f.root, Err: err}
	}
	plan, err := retention.NewPlan(found, f.policy, retention.Options{IncludeIncomplete: f.includeIncomplete})
	if err != nil {
		return usagef("%v", err)
	}
	report := &pruneReport{BackupRoot: *f.root, DryRun: f.dryRun, Plan: plan, Removed: []retention.Outcome{}}
	var applyErr error
	if !f.dryRun {
		report.Removed, applyErr = retention.Apply(plan)
	}
	if f.asJSON {
		if err := writeJSON(inv.Stdout, report); err != nil {
			return err
		}
	} else {
		printPrune(inv.Stdout, report)
	}
	if applyErr != nil {
		return &FailedError{Say: applyErr.Error()}
	}
	return nil
}
