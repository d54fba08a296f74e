// Package prune applies a schedule's prune policy (schedule.HeaderPrune) at each of its
// firings, before the firing's run starts (docs/schedules.md). Only the schedule's own backup
// directories are considered (schedule.Owns: <name>-<UTC time>), and the firing's run counts
// as the schedule's newest backup, made when the schedule fired: once it completes, the
// schedule holds what the policy keeps (keep-last 2: two backups). Everything else is
// `fleetbackup prune` (package retention): restic's rules in UTC, and its safety rules. The
// newest completed backup that exists is never removed (so the firing's run, if it fails,
// costs the schedule one backup at most until the next run completes, never its last one),
// nor a backup a restore is reading, nor an incomplete run.
package prune

import (
	"errors"
	"io/fs"
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

// Firing is one firing of a schedule, as its prune sees it.
type Firing struct {
	Schedule string    // the schedule's name
	RunID    string    // the firing's run, about to start: schedule.RunID(Schedule, At)
	At       time.Time // when the schedule fired
}

// Result is what one prune decided and what it removed.
type Result struct {
	// Plan holds the decisions about the schedule's backup directories, newest first; it
	// leaves out every other entry of the backup root, and the firing's run.
	Plan *retention.Plan
	// Removed is what happened to each directory the plan removes.
	Removed []retention.Outcome
}

// Plan decides which of schedule f.Schedule's backup directories under root to remove under
// policy p at firing f. A backup root that does not exist yet holds no backups.
func Plan(root string, f Firing, p retention.Policy) (*retention.Plan, error) {
	inv, err := retention.Scan(root)
	if errors.Is(err, fs.ErrNotExist) {
		inv, err = &retention.Inventory{Root: root}, nil
	}
	if err != nil {
		return nil, err
	}
	own := &retention.Inventory{Root: root, Dirs: []retention.Dir{}, Ignored: []retention.Ignored{}}
	for _, d := range inv.Dirs {
		if d.ID != f.RunID && schedule.Owns(f.Schedule, d.ID) {
			own.Dirs = append(own.Dirs, d)
		}
	}
	for _, ig := range inv.Ignored {
		if schedule.Owns(f.Schedule, ig.Name) {
			own.Ignored = append(own.Ignored, ig)
		}
	}
	// The firing's run takes its place in the policy as a completed backup made at f.At. It
	// has no directory to remove, and it is dropped from the plan below.
	own.Dirs = append(own.Dirs, retention.Dir{Backup: retention.Backup{ID: f.RunID, Time: f.At}, Complete: true})
	plan, err := retention.NewPlan(own, p, retention.Options{})
	if err != nil {
		return nil, err
	}
	plan.Decisions = slices.DeleteFunc(plan.Decisions, func(d retention.Decision) bool { return d.ID == f.RunID })
	keepNewest(plan)
	return plan, nil
}

// keepNewest keeps the newest completed backup that exists: NewPlan gave that rule to the
// firing's run, which is newer but does not exist yet.
func keepNewest(plan *retention.Plan) {
	for i := range plan.Decisions {
		d := &plan.Decisions[i]
		if !d.Complete {
			continue
		}
		if d.Remove {
			d.Remove, d.Reasons = false, []string{}
		}
		if !slices.Contains(d.Reasons, retention.ReasonNewest) {
			d.Reasons = append(d.Reasons, retention.ReasonNewest)
		}
		return
	}
}

// Run plans the prune of firing f (Plan) and removes what the plan removes (retention.Apply:
// each directory checked again right before it goes). The error joins the removals that
// failed; the result says which.
func Run(root string, f Firing, p retention.Policy) (Result, error) {
	plan, err := Plan(root, f, p)
	if err != nil {
		return Result{}, err
	}
	removed, err := retention.Apply(plan)
	return Result{Plan: plan, Removed: removed}, err
}
