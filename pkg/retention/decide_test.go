package retention

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// backups parses "id@RFC3339" pairs.
func backups(t *testing.T, specs ...string) []Backup {
	t.Helper()
	out := make([]Backup, 0, len(specs))
	for _, s := range specs {
		id, at, _ := strings.Cut(s, "@")
		tm, err := time.Parse(time.RFC3339, at)
		must(t, err)
		out = append(out, Backup{ID: id, Time: tm})
	}
	return out
}

func ids(bs []Backup) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

// checkDecide runs Decide and compares: want maps each kept id to its reasons, newest first in
// keepOrder; remove lists the removed ids newest first.
func checkDecide(t *testing.T, in []Backup, p Policy, keepOrder []string, want map[string][]string, remove []string) {
	t.Helper()
	keep, rm, reasons := Decide(in, p)
	if !slices.Equal(ids(keep), keepOrder) {
		t.Errorf("keep = %v, want %v", ids(keep), keepOrder)
	}
	if !slices.Equal(ids(rm), remove) {
		t.Errorf("remove = %v, want %v", ids(rm), remove)
	}
	if !maps.EqualFunc(reasons, want, slices.Equal) {
		t.Errorf("reasons = %v, want %v", reasons, want)
	}
}

func TestDecide(t *testing.T) {
	cases := []struct {
		name      string
		policy    Policy
		backups   []string
		keepOrder []string
		reasons   map[string][]string
		remove    []string
	}{
		{"keep-last keeps the newest N", Policy{Last: 3},
			[]string{"b1@2026-11-01T02:00:00Z", "b3@2026-11-03T02:00:00Z", "b2@2026-11-02T02:00:00Z", "b5@2026-11-05T02:00:00Z", "b4@2026-11-04T02:00:00Z"},
			[]string{"b5", "b4", "b3"}, map[string][]string{"b5": {"last"}, "b4": {"last"}, "b3": {"last"}}, []string{"b2", "b1"}},
		{"daily counts only days that have backups (restic's Sundays)", Policy{Daily: 4},
			[]string{"s1@2019-09-01T11:00:00Z", "s2@2019-09-08T11:00:00Z", "s3@2019-09-15T11:00:00Z", "s4@2019-09-22T11:00:00Z", "s5@2019-09-29T11:00:00Z", "s6@2019-10-06T11:00:00Z"},
			[]string{"s6", "s5", "s4", "s3"},
			map[string][]string{"s6": {"daily 2019-10-06"}, "s5": {"daily 2019-09-29"}, "s4": {"daily 2019-09-22"}, "s3": {"daily 2019-09-15"}},
			[]string{"s2", "s1"}},
		{"ties within a day: the newest of each day", Policy{Daily: 2},
			[]string{"a1@2026-11-01T01:00:00Z", "a2@2026-11-01T13:00:00Z", "a3@2026-11-01T23:59:59Z", "b1@2026-11-02T00:00:00Z", "b2@2026-11-02T06:00:00Z"},
			[]string{"b2", "a3"}, map[string][]string{"b2": {"daily 2026-11-02"}, "a3": {"daily 2026-11-01"}},
			[]string{"b1", "a2", "a1"}},
		{"the same instant: the greater id counts as newer", Policy{Last: 1, Daily: 1},
			[]string{"x@2026-11-01T02:00:00Z", "y@2026-11-01T02:00:00Z"},
			[]string{"y"}, map[string][]string{"y": {"last", "daily 2026-11-01"}}, []string{"x"}},
		{"days are UTC days", Policy{Daily: 2},
			[]string{"p@2026-11-02T00:30:00+01:00", "q@2026-11-01T20:00:00Z"},
			[]string{"p"}, map[string][]string{"p": {"daily 2026-11-01"}}, []string{"q"}},
		{"overlapping rules list every reason", Policy{Last: 1, Daily: 2},
			[]string{"d1@2026-11-01T12:00:00Z", "d2a@2026-11-02T06:00:00Z", "d2b@2026-11-02T18:00:00Z"},
			[]string{"d2b", "d1"}, map[string][]string{"d2b": {"last", "daily 2026-11-02"}, "d1": {"daily 2026-11-01"}},
			[]string{"d2a"}},
		{"weekly by ISO week: Sunday and Monday are different weeks", Policy{Weekly: 2},
			[]string{"mon23@2026-11-23T02:00:00Z", "fri27@2026-11-27T02:00:00Z", "sun29@2026-11-29T02:00:00Z", "mon30@2026-11-30T02:00:00Z"},
			[]string{"mon30", "sun29"}, map[string][]string{"mon30": {"weekly 2026-W49"}, "sun29": {"weekly 2026-W48"}},
			[]string{"fri27", "mon23"}},
		{"ISO week 53 spans the new year", Policy{Weekly: 3, Monthly: 2},
			[]string{"w52@2026-12-27T02:00:00Z", "w53a@2026-12-28T02:00:00Z", "w53b@2026-12-31T02:00:00Z", "w53c@2027-01-03T02:00:00Z", "w01@2027-01-04T02:00:00Z"},
			[]string{"w01", "w53c", "w53b", "w52"},
			map[string][]string{"w01": {"weekly 2027-W01", "monthly 2027-01"}, "w53c": {"weekly 2026-W53"},
				"w53b": {"monthly 2026-12"}, "w52": {"weekly 2026-W52"}},
			[]string{"w53a"}},
		{"days and months across the year boundary", Policy{Daily: 1, Monthly: 2},
			[]string{"old@2026-12-31T10:00:00Z", "eve@2026-12-31T23:59:59Z", "new@2027-01-01T00:00:00Z"},
			[]string{"new", "eve"}, map[string][]string{"new": {"daily 2027-01-01", "monthly 2027-01"}, "eve": {"monthly 2026-12"}},
			[]string{"old"}},
		{"more buckets than backups keeps them all", Policy{Monthly: 12},
			[]string{"m1@2026-01-15T02:00:00Z", "m2@2026-03-15T02:00:00Z"},
			[]string{"m2", "m1"}, map[string][]string{"m2": {"monthly 2026-03"}, "m1": {"monthly 2026-01"}}, []string{}},
		{"a policy that keeps nothing removes nothing", Policy{},
			[]string{"a@2026-11-01T02:00:00Z", "b@2026-11-02T02:00:00Z"},
			[]string{"b", "a"}, map[string][]string{}, []string{}},
		{"no backups", Policy{Last: 1}, nil, []string{}, map[string][]string{}, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkDecide(t, backups(t, c.backups...), c.policy, c.keepOrder, c.reasons, c.remove)
		})
	}
}

// A year of nightly backups under restic's classic policy: 7 dailies, the Sundays of the 3
// older weeks of the last 5 (2026-12-27 is already a daily; 2026-W53 ends with 2026-12-31), and
// the last day of the 11 months before December.
func TestDecideNightlyYear(t *testing.T) {
	var in []Backup
	for d := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC); d.Year() < 2027; d = d.AddDate(0, 0, 1) {
		in = append(in, Backup{ID: d.Format(time.DateOnly), Time: d})
	}
	keep, remove, reasons := Decide(in, Policy{Daily: 7, Weekly: 5, Monthly: 12})
	want := []string{"2026-12-31", "2026-12-30", "2026-12-29", "2026-12-28", "2026-12-27", "2026-12-26", "2026-12-25",
		"2026-12-20", "2026-12-13", "2026-12-06", "2026-11-30", "2026-10-31", "2026-09-30", "2026-08-31", "2026-07-31",
		"2026-06-30", "2026-05-31", "2026-04-30", "2026-03-31", "2026-02-28", "2026-01-31"}
	if !slices.Equal(ids(keep), want) {
		t.Fatalf("keep = %v\nwant   %v", ids(keep), want)
	}
	if len(keep)+len(remove) != len(in) {
		t.Fatalf("%d kept + %d removed != %d backups", len(keep), len(remove), len(in))
	}
	checks := map[string][]string{
		"2026-12-31": {"daily 2026-12-31", "weekly 2026-W53", "monthly 2026-12"},
		"2026-12-27": {"daily 2026-12-27", "weekly 2026-W52"},
		"2026-12-06": {"weekly 2026-W49"},
		"2026-01-31": {"monthly 2026-01"},
	}
	for id, w := range checks {
		if !slices.Equal(reasons[id], w) {
			t.Errorf("reasons[%s] = %v, want %v", id, reasons[id], w)
		}
	}
}

func TestDecideDoesNotChangeItsInput(t *testing.T) {
	in := backups(t, "a@2026-11-01T02:00:00Z", "b@2026-11-02T02:00:00Z")
	Decide(in, Policy{Last: 1})
	if !slices.Equal(ids(in), []string{"a", "b"}) {
		t.Fatalf("input reordered: %v", ids(in))
	}
}
