package prune

import (
	"log/slog"

	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// AtFiring is the planner's prune at firing f, before it opens the firing's run: header is the
// firing's Fleetbackup-Prune header, root the planner's backup root. Nothing happens without a
// header. A prune never stops a backup: a policy that does not parse, a planner without a
// backup root, a backup root that cannot be read and removals that fail are logged as
// warnings, and the firing's run starts all the same. Every removed directory is logged, then
// one line sums the prune up.
func AtFiring(log *slog.Logger, root, header string, f Firing) {
	if header == "" {
		return
	}
	log = log.With("schedule", f.Schedule, "run_id", f.RunID)
	p, err := schedule.ParsePrune(header)
	if err != nil {
		log.Warn("scheduled prune skipped: the schedule's prune policy is invalid", "err", err)
		return
	}
	if root == "" {
		log.Warn("scheduled prune skipped: the planner has no backup root (--backup-root)", "policy", p.String())
		return
	}
	res, err := Run(root, f, p)
	if res.Plan == nil {
		log.Warn("scheduled prune failed", "backup_root", root, "err", err)
		return
	}
	removed := 0
	for _, o := range res.Removed {
		if o.Removed {
			removed++
			log.Info("scheduled prune removed a backup", "backup", o.ID, "backup_root", root)
		} else {
			log.Warn("scheduled prune could not remove a backup", "backup", o.ID, "err", o.Error)
		}
	}
	for _, ig := range res.Plan.Ignored {
		log.Warn("scheduled prune left an entry alone", "entry", ig.Name, "reason", ig.Reason)
	}
	log.Info("scheduled prune", "policy", p.String(), "backup_root", root,
		"kept", len(res.Plan.Decisions)-len(res.Plan.Removals()), "removed", removed, "failed", len(res.Removed)-removed)
}
