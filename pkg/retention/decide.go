package retention

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Backup is one backup as the policy sees it: its run id and when it was made.
type Backup struct {
	ID   string    `json:"run_id"`
	Time time.Time `json:"time"`
}

// Reasons of the safety rules, next to the policy's own ("last", "daily 2026-11-26", …).
const (
	ReasonNewest     = "newest completed backup"
	ReasonIncomplete = "incomplete run (no manifest)"
	ReasonRunning    = "incomplete run newer than the newest completed backup (may still be running)"
	ReasonRestore    = "restore reading it"
)

// rule is one keep-* option: how many buckets it keeps and how it names a backup's bucket.
type rule struct {
	name, flag string
	count      int
	bucket     func(index int, t time.Time) string
}

func (p Policy) rules() []rule {
	return []rule{
		{"last", "last", p.Last, func(i int, _ time.Time) string { return fmt.Sprint(i) }},
		{"daily", "daily", p.Daily, func(_ int, t time.Time) string { return t.UTC().Format(time.DateOnly) }},
		{"weekly", "weekly", p.Weekly, isoWeek},
		{"monthly", "monthly", p.Monthly, func(_ int, t time.Time) string { return t.UTC().Format("2006-01") }},
	}
}

// isoWeek names t's ISO 8601 week in UTC, e.g. "2026-W53": weeks start on Monday and belong to
// the year of their Thursday, so 2027-01-01 (a Friday) is in 2026-W53.
func isoWeek(_ int, t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// Decide applies p to backups: keep and remove are newest first, and reasons lists, for every
// kept backup's id, the rules that keep it ("last", "daily 2026-11-26", "weekly 2026-W48",
// "monthly 2026-11"). Each rule walks the backups newest first and keeps the first backup of
// each new bucket until it has kept its count; for keep-last every backup is its own bucket.
// Backups made at the same instant are ordered by id, the greater id counting as newer. Ids
// must be unique.
//
// A policy that Validate refuses removes nothing: every backup is kept, with no reason.
func Decide(backups []Backup, p Policy) (keep, remove []Backup, reasons map[string][]string) {
	sorted := NewestFirst(backups)
	keep, remove, reasons = []Backup{}, []Backup{}, map[string][]string{}
	if p.Validate() != nil {
		return append(keep, sorted...), remove, reasons
	}
	rules := p.rules()
	last := make([]string, len(rules))
	left := make([]int, len(rules))
	for r := range rules {
		left[r] = rules[r].count
	}
	for i, b := range sorted {
		for r, rl := range rules {
			key := rl.bucket(i, b.Time)
			if left[r] == 0 || key == last[r] {
				continue
			}
			last[r], left[r] = key, left[r]-1
			reasons[b.ID] = append(reasons[b.ID], label(rl, key))
		}
		if len(reasons[b.ID]) > 0 {
			keep = append(keep, b)
		} else {
			remove = append(remove, b)
		}
	}
	return keep, remove, reasons
}

func label(r rule, key string) string {
	if r.name == "last" {
		return "last"
	}
	return r.name + " " + key
}

// NewestFirst returns a copy of backups sorted newest first, equal times by id descending.
func NewestFirst(backups []Backup) []Backup {
	out := slices.Clone(backups)
	slices.SortStableFunc(out, newestFirst)
	return out
}

// newestFirst orders a before b when it is newer, or made at the same instant with a greater id.
func newestFirst(a, b Backup) int {
	if c := b.Time.Compare(a.Time); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}
