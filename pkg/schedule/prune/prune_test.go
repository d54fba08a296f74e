package prune

import (
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
	"github.com/fleetbackup/fleetbackup/pkg/schedule"
)

var base = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)

// tick is the id of schedule tick's run fired h hours after base.
func tick(h int) string { return schedule.RunID("tick", base.Add(time.Duration(h)*time.Hour)) }

// firing is tick's firing h hours after base.
func firing(h int) Firing {
	return Firing{Schedule: "tick", RunID: tick(h), At: base.Add(time.Duration(h) * time.Hour)}
}

// neighbours writes the backups that are not tick's: another schedule's whose name begins with
// tick-, another schedule's, and two manual runs, all older than tick's runs.
func neighbours(t *testing.T, root string) []string {
	ids := []string{schedule.RunID("tick-eu", base), schedule.RunID("tock", base), "tick-manual", "manual-1"}
	for _, id := range ids {
		writeBackup(t, root, id, base.Add(-time.Hour))
	}
	return ids
}

func decisions(p *retention.Plan) map[string]bool {
	out := map[string]bool{}
	for _, d := range p.Decisions {
		out[d.ID] = d.Remove
	}
	return out
}

func reasons(p *retention.Plan, id string) []string {
	for _, d := range p.Decisions {
		if d.ID == id {
			return d.Reasons
		}
	}
	return nil
}

// With keep-last 2, a firing keeps its own run's place and the newest backup of the schedule,
// removes the schedule's older completed backups, keeps its incomplete runs and a backup a
// restore is reading, and never looks at another schedule's or a manual run's backups.
func TestPruneKeepsOnlyItsOwnNewest(t *testing.T) {
	root := t.TempDir()
	others := neighbours(t, root)
	for h := range 5 {
		writeBackup(t, root, tick(h), base.Add(time.Duration(h)*time.Hour+time.Minute))
	}
	writeIncomplete(t, root, schedule.RunID("tick", base.Add(30*time.Minute)))
	writeBackup(t, root, schedule.RunID("tick", base.Add(-48*time.Hour)), base.Add(-48*time.Hour))
	must(t, os.MkdirAll(filepath.Join(root, schedule.RunID("tick", base.Add(-48*time.Hour)), retention.RestoresDir, "restore-1"), 0o755))
	p, err := Plan(root, firing(5), retention.Policy{Last: 2})
	must(t, err)
	want := map[string]bool{tick(4): false, tick(3): true, tick(2): true, tick(1): true, tick(0): true,
		schedule.RunID("tick", base.Add(30*time.Minute)): false, // incomplete
		schedule.RunID("tick", base.Add(-48*time.Hour)):  false, // a restore reads it
	}
	if got := decisions(p); !maps.Equal(got, want) {
		t.Fatalf("decisions %v\nwant      %v", got, want)
	}
	if r := reasons(p, tick(4)); !slices.Equal(r, []string{"last", retention.ReasonNewest}) {
		t.Errorf("reasons of %s: %v, want [last %s]", tick(4), r, retention.ReasonNewest)
	}
	res, err := Run(root, firing(5), retention.Policy{Last: 2})
	must(t, err)
	if len(res.Removed) != 4 {
		t.Errorf("removed %+v, want 4", res.Removed)
	}
	left := present(t, root, append(others, tick(0), tick(1), tick(2), tick(3), tick(4))...)
	for id, there := range left {
		if there != !want[id] {
			t.Errorf("%s present %v after the prune", id, there)
		}
	}
}

// The firing's run takes today's bucket, but the newest completed backup that exists is kept
// all the same: a prune never leaves the schedule without its last good backup.
func TestPruneKeepsTheNewestCompletedBackup(t *testing.T) {
	root := t.TempDir()
	for h := range 3 {
		writeBackup(t, root, tick(h), base.Add(time.Duration(h)*time.Hour))
	}
	writeBackup(t, root, tick(-24), base.Add(-24*time.Hour))
	p, err := Plan(root, firing(3), retention.Policy{Daily: 1})
	must(t, err)
	want := map[string]bool{tick(2): false, tick(1): true, tick(0): true, tick(-24): true}
	if got := decisions(p); !maps.Equal(got, want) {
		t.Fatalf("decisions %v, want %v", got, want)
	}
	if r := reasons(p, tick(2)); !slices.Equal(r, []string{retention.ReasonNewest}) {
		t.Errorf("reasons of %s: %v, want only %q", tick(2), r, retention.ReasonNewest)
	}
}

// A backup root that does not exist yet, or holds nothing of the schedule's, is nothing to
// prune; a directory of the firing's own run (a planner that crashed after opening it) is
// never part of the prune.
func TestPruneNothingToDo(t *testing.T) {
	for _, root := range []string{filepath.Join(t.TempDir(), "none"), t.TempDir()} {
		res, err := Run(root, firing(1), retention.Policy{Last: 1})
		if err != nil || len(res.Plan.Decisions) != 0 || len(res.Removed) != 0 {
			t.Errorf("prune of %s = %+v, %v", root, res, err)
		}
	}
	root := t.TempDir()
	writeBackup(t, root, tick(0), base)
	writeBackup(t, root, tick(1), base.Add(time.Hour))
	res, err := Run(root, firing(1), retention.Policy{Last: 1})
	must(t, err)
	if got := decisions(res.Plan); !maps.Equal(got, map[string]bool{tick(0): false}) {
		t.Errorf("decisions %v: want tick(0) kept as the newest, the firing's own directory left out", got)
	}
	if left := present(t, root, tick(0), tick(1)); !left[tick(0)] || !left[tick(1)] {
		t.Errorf("present %v", left)
	}
}

// AtFiring does nothing without a policy, warns (and removes nothing) with an invalid policy
// or without a backup root, and logs every backup it removes and a summary.
func TestPruneAtFiringLogs(t *testing.T) {
	root := t.TempDir()
	for h := range 3 {
		writeBackup(t, root, tick(h), base.Add(time.Duration(h)*time.Hour))
	}
	for _, tc := range []struct{ root, header, want string }{
		{root, "", ""},
		{root, "keep-last=0", "WARN scheduled prune skipped: the schedule's prune policy is invalid"},
		{"", "keep-last=1", "WARN scheduled prune skipped: the planner has no backup root"},
	} {
		logs := newLogLines()
		AtFiring(slog.New(logs), tc.root, tc.header, firing(3))
		if got := logs.String(); !strings.HasPrefix(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("AtFiring(%q, %q) logged %q, want %q", tc.root, tc.header, got, tc.want)
		}
	}
	if left := present(t, root, tick(0), tick(1), tick(2)); slices.Contains(slices.Collect(maps.Values(left)), false) {
		t.Fatalf("removed without a valid policy and a root: %v", left)
	}
	logs := newLogLines()
	AtFiring(slog.New(logs), root, "keep-last=2", firing(3))
	got := logs.String()
	for _, want := range []string{
		"INFO scheduled prune removed a backup schedule=tick run_id=" + tick(3) + " backup=" + tick(0),
		"backup=" + tick(1),
		"INFO scheduled prune schedule=tick run_id=" + tick(3) + " policy=last 2",
		"kept=1 removed=2 failed=0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if left := present(t, root, tick(0), tick(1), tick(2)); left[tick(0)] || left[tick(1)] || !left[tick(2)] {
		t.Errorf("present %v, want only %s", left, tick(2))
	}
}
