package retention

import (
	"slices"
	"strings"
)

// Options are the choices of a prune beyond its policy.
type Options struct {
	// IncludeIncomplete lets prune remove incomplete runs' directories (no manifest) that are
	// older than the newest completed backup. Without it they are always kept.
	IncludeIncomplete bool
}

// Decision is what prune does with one backup directory, and why.
type Decision struct {
	Dir
	Remove bool `json:"remove"`
	// Reasons are the rules that keep the directory, or for a removed incomplete run why it is
	// removed; empty for a completed backup no rule keeps.
	Reasons []string `json:"reasons"`
}

// Plan is a prune's decisions, newest first, and the entries it leaves alone.
type Plan struct {
	Policy    Policy     `json:"policy"`
	TimeZone  string     `json:"time_zone"`
	Decisions []Decision `json:"backups"`
	Ignored   []Ignored  `json:"ignored"`
}

// NewPlan decides about every backup directory of inv. Completed backups go through Decide;
// then the safety rules override it: the newest completed backup is kept, a backup a restore
// is reading (ReadingRestores) is kept, and an incomplete run is kept unless
// o.IncludeIncomplete, and even then when it is newer than the newest completed backup, because
// it may still be running (with no completed backup at all, every incomplete run is kept).
// Incomplete runs never fill a day's, week's or month's bucket: only completed backups count.
func NewPlan(inv *Inventory, p Policy, o Options) (*Plan, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	byID := map[string]Dir{}
	var completed []Backup
	for _, d := range inv.Dirs {
		byID[d.ID] = d
		if d.Complete {
			completed = append(completed, d.Backup)
		}
	}
	keep, remove, reasons := Decide(completed, p)
	var newest *Backup
	if len(keep) > 0 {
		newest = &keep[0] // a valid policy always keeps the newest backup
		reasons[newest.ID] = append(reasons[newest.ID], ReasonNewest)
	}
	plan := &Plan{Policy: p, TimeZone: "UTC", Decisions: []Decision{}, Ignored: inv.Ignored}
	for _, b := range slices.Concat(keep, remove) {
		plan.add(byID[b.ID], len(reasons[b.ID]) == 0, reasons[b.ID])
	}
	for _, d := range inv.Dirs {
		if !d.Complete {
			rm, why := incomplete(d, newest, o)
			plan.add(d, rm, []string{why})
		}
	}
	slices.SortStableFunc(plan.Decisions, func(a, b Decision) int { return newestFirst(a.Backup, b.Backup) })
	return plan, nil
}

// add records a decision, keeping instead of removing a directory a restore is reading.
func (p *Plan) add(d Dir, remove bool, reasons []string) {
	if len(d.Restores) > 0 {
		if remove {
			reasons = nil // the policy's reasons for removing no longer apply
		}
		reasons = append(reasons, ReasonRestore+": "+strings.Join(d.Restores, ", "))
		remove = false
	}
	if reasons == nil {
		reasons = []string{}
	}
	p.Decisions = append(p.Decisions, Decision{Dir: d, Remove: remove, Reasons: reasons})
}

// incomplete decides about an incomplete run's directory.
func incomplete(d Dir, newest *Backup, o Options) (remove bool, why string) {
	switch {
	case !o.IncludeIncomplete:
		return false, ReasonIncomplete
	case newest == nil || !d.Time.Before(newest.Time):
		return false, ReasonRunning
	}
	return true, ReasonIncomplete + ", older than the newest completed backup " + newest.ID
}

// Removals are the decisions that remove a directory.
func (p *Plan) Removals() []Decision {
	var out []Decision
	for _, d := range p.Decisions {
		if d.Remove {
			out = append(out, d)
		}
	}
	return out
}
