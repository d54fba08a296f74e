// Package retention decides which backup directories under a backup root to keep and which to
// remove, with the rules operators know from restic's `forget`: a backup is kept if any rule
// keeps it; --keep-last N keeps the N newest; --keep-daily, --keep-weekly and --keep-monthly
// keep the newest backup of each of the last D days, W ISO weeks and M calendar months that
// have a backup (buckets without a backup are not counted).
//
// Buckets are calendar days, ISO weeks and months in UTC: manifests record Unix seconds, run ids
// of schedules carry UTC times, and the result must not depend on the time zone of the machine
// that runs prune nor on daylight-saving days of 23 or 25 hours. (restic uses local time.)
//
// Decide is the pure policy. Scan reads a backup root, NewPlan adds the safety rules (the
// newest completed backup, backups a restore is reading and incomplete runs are never removed)
// and Apply removes what the plan says.
package retention

import (
	"fmt"
	"strings"
)

// Policy is how many backups each rule keeps; 0 turns a rule off.
type Policy struct {
	Last    int `json:"keep_last"`
	Daily   int `json:"keep_daily"`
	Weekly  int `json:"keep_weekly"`
	Monthly int `json:"keep_monthly"`
}

// Validate refuses negative counts and a policy that keeps nothing.
func (p Policy) Validate() error {
	for _, r := range p.rules() {
		if r.count < 0 {
			return fmt.Errorf("%w: keep-%s %d", ErrNegativeCount, r.flag, r.count)
		}
	}
	if p.Last == 0 && p.Daily == 0 && p.Weekly == 0 && p.Monthly == 0 {
		return ErrEmptyPolicy
	}
	return nil
}

// String describes the policy the way the help spells it, e.g. "last 3, daily 7, weekly 4".
func (p Policy) String() string {
	var parts []string
	for _, r := range p.rules() {
		if r.count != 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r.name, r.count))
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
