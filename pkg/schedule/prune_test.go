package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/retention"
)

func TestSchedulePrunePolicyParses(t *testing.T) {
	for value, want := range map[string]retention.Policy{
		"keep-last=2": {Last: 2},
		"keep-daily=7,keep-weekly=4,keep-monthly=12":            {Daily: 7, Weekly: 4, Monthly: 12},
		"keep-monthly=1, keep-last=3":                           {Last: 3, Monthly: 1},
		"keep-last=0,keep-daily=1":                              {Daily: 1},
		"keep-last=1,keep-daily=2,keep-weekly=3,keep-monthly=4": {Last: 1, Daily: 2, Weekly: 3, Monthly: 4},
	} {
		got, err := ParsePrune(value)
		if err != nil || got != want {
			t.Errorf("ParsePrune(%q) = %+v, %v; want %+v", value, got, err, want)
		}
		again, err := ParsePrune(FormatPrune(got))
		if err != nil || again != got {
			t.Errorf("ParsePrune(FormatPrune(%+v)) = %+v, %v", got, again, err)
		}
	}
	if got := FormatPrune(retention.Policy{Last: 2, Weekly: 4}); got != "keep-last=2,keep-weekly=4" {
		t.Errorf("FormatPrune = %q", got)
	}
	if got := FormatPrune(retention.Policy{}); got != "" {
		t.Errorf("FormatPrune of no policy = %q, want empty", got)
	}
}

// A policy is refused as `fleetbackup prune` refuses its flags (retention.Policy.Validate: the
// same sentinels), and a value that is not the header's syntax is refused with the reason.
func TestSchedulePrunePolicyRefuses(t *testing.T) {
	for _, tc := range []struct {
		value, why string
		sentinel   error
	}{
		{"", "want key=count pairs", nil},
		{"keep-last=0", "keeps nothing", retention.ErrEmptyPolicy},
		{"keep-last=0,keep-daily=0", "keeps nothing", retention.ErrEmptyPolicy},
		{"keep-last=-1", "keep-last -1", retention.ErrNegativeCount},
		{"keep-last=2,keep-weekly=-3", "keep-weekly -3", retention.ErrNegativeCount},
		{"keep-last", "want key=count pairs", nil},
		{"keep-last=2,", "want key=count pairs", nil},
		{"keep-last=two", "want a whole number", nil},
		{"keep-last=1.5", "want a whole number", nil},
		{"keep-last=99999999999999999999", "want a whole number", nil},
		{"keep-yearly=1", `unknown key "keep-yearly"`, nil},
		{"last=1", `unknown key "last"`, nil},
		{"--keep-last=1", `unknown key "--keep-last"`, nil},
		{"keep-last=1,keep-last=2", "keep-last given twice", nil},
		{"keep-last=1;keep-daily=2", "want a whole number", nil},
	} {
		_, err := ParsePrune(tc.value)
		if !errors.Is(err, ErrBadPrune) || !strings.Contains(err.Error(), tc.why) ||
			(tc.sentinel != nil && !errors.Is(err, tc.sentinel)) {
			t.Errorf("ParsePrune(%q) = %v, want ErrBadPrune saying %q (and %v)", tc.value, err, tc.why, tc.sentinel)
		}
	}
}

// A schedule owns exactly the run ids RunID makes for its firings: never another schedule's
// (not even one whose name extends its own), a manual run's, or a near miss of the format.
func TestSchedulePruneOwnsOnlyItsRuns(t *testing.T) {
	fired := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	for _, id := range []string{RunID("tick", fired), "tick-20200101T000000Z", "tick-20261231T235959Z"} {
		if !Owns("tick", id) {
			t.Errorf("Owns(tick, %q) = false", id)
		}
	}
	for _, id := range []string{
		RunID("tick-eu", fired), // another schedule whose name begins with tick-
		RunID("tock", fired),    // another schedule
		RunID("Tick", fired),    // names are case-sensitive
		RunID("xtick", fired),
		"tick", "tick-", "tick-manual", "tick-2026-11-30", "run-demo-20261130-020000-7", // manual runs
		"tick-20261130T020000", "tick-20261130t020000z", "tick-20261130T020000.5Z", "tick-20261130T020000ZZ",
		"tick-20261130T020000Z-1", "tick-20261330T020000Z", "tick-20261130T250000Z", "tick--20261130T020000Z",
		"tick-20261130 020000Z", "tick-+20261130T020000Z", "",
	} {
		if Owns("tick", id) {
			t.Errorf("Owns(tick, %q) = true", id)
		}
	}
	if !Owns("tick-eu", RunID("tick-eu", fired)) {
		t.Error("tick-eu does not own its own run")
	}
}

// A definition carries its policy as a header and is refused with a bad one.
func TestSchedulePruneInDefinition(t *testing.T) {
	d := Definition{Name: "nightly", Cron: "@daily", Target: "fb.runs.request", Prune: "keep-last=7",
		Request: []byte(`{"fleet":"demo","network":"local","root_canister_id":"aaaaa-aa"}`)}
	if _, err := d.Check(); err != nil {
		t.Fatal(err)
	}
	if h := d.Headers(); h[HeaderPrune] != "keep-last=7" {
		t.Errorf("headers %v, want %s: keep-last=7", h, HeaderPrune)
	}
	d.Prune = "keep-last=0"
	if _, err := d.Check(); !errors.Is(err, ErrBadPrune) || !errors.Is(err, retention.ErrEmptyPolicy) {
		t.Errorf("Check with keep-last=0 = %v", err)
	}
	d.Prune = ""
	if _, ok := d.Headers()[HeaderPrune]; ok {
		t.Error("a definition without a policy has a prune header")
	}
}
