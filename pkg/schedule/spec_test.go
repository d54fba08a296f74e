package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestScheduleParseAccepts(t *testing.T) {
	for _, tc := range []struct{ expr, tz string }{
		{"0 0 2 * * *", ""}, {"0 0 2 * * *", "Europe/Zurich"}, {"*/5 * * * * *", ""},
		{"0 30 1 * * mon-fri", "America/New_York"}, {"0 0 0 1 jan,jul ?", ""}, {"0 0 3 1-7 * sun", ""},
		{"@daily", ""}, {"@hourly", "Asia/Tokyo"}, {"@every 5s", ""}, {"@every 6h", ""}, {"0 5/15 * * * *", ""},
	} {
		if _, err := Parse(tc.expr, tc.tz); err != nil {
			t.Errorf("Parse(%q, %q): %v", tc.expr, tc.tz, err)
		}
	}
}

func TestScheduleParseRefuses(t *testing.T) {
	for _, tc := range []struct{ expr, tz, why string }{
		{"0 2 * * *", "", "seconds field first"},
		{"", "", "want a cron expression"},
		{" 0 0 2 * * *", "", "want a cron expression"},
		{"0 0 24 * * *", "", "hour field"},
		{"0 0 0 30 2 *", "", "never fires"},
		{"0 0 2 * * *", "Mars/Olympus", "unknown time zone"},
		{"0 0 2 * * *", "Local", "unknown time zone"},
		{"@every 500ms", "", "whole number of seconds"},
		{"@every 1500ms", "", "whole number of seconds"},
		{"@every 5s", "UTC", "cron expressions only"},
		{"@at 2026-11-30T02:00:00Z", "", "one-shot"},
		{"@fortnightly", "", "unknown shorthand"},
		{"0 0 2 * * */0", "", "step"},
		{"0 0 5-2 * * *", "", "range"},
		{"0 0 x * * *", "", "not a number"},
	} {
		_, err := Parse(tc.expr, tc.tz)
		if !errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("Parse(%q, %q) = %v, want ErrBadSpec saying %q", tc.expr, tc.tz, err, tc.why)
		}
	}
}

func TestScheduleNext(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ expr, tz, after, want string }{
		{"0 0 2 * * *", "", "2026-11-30T01:59:59Z", "2026-11-30T02:00:00Z"},
		{"0 0 2 * * *", "", "2026-11-30T02:00:00Z", "2026-12-01T02:00:00Z"},
		{"0 0 2 * * *", "Europe/Zurich", "2026-11-30T00:00:00Z", "2026-11-30T01:00:00Z"},
		{"*/5 * * * * *", "", "2026-11-30T02:00:03Z", "2026-11-30T02:00:05Z"},
		{"0 0 0 * * mon", "", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"},  // the 30th is a Monday
		{"0 0 0 13 * fri", "", "2026-11-01T00:00:00Z", "2026-11-06T00:00:00Z"}, // day or weekday
		{"@every 90s", "", "2026-11-30T02:00:00.5Z", "2026-11-30T02:01:30Z"},
	} {
		s, err := Parse(tc.expr, tc.tz)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := s.Next(at(tc.after))
		if !ok || !got.Equal(at(tc.want)) {
			t.Errorf("%q (%s) after %s = %s, want %s", tc.expr, tc.tz, tc.after, got.UTC().Format(time.RFC3339), tc.want)
		}
	}
}

func TestScheduleNamesAndRunIDs(t *testing.T) {
	for _, name := range []string{"nightly", "a", "db_hourly-2", strings.Repeat("x", 64)} {
		if err := CheckName(name); err != nil {
			t.Errorf("CheckName(%q): %v", name, err)
		}
		fired := time.Date(2026, 11, 30, 2, 0, 0, 999e6, time.FixedZone("CET", 3600))
		id := RunID(name, fired)
		n, at, ok := ParseRunID(id)
		if !ok || n != name || !at.Equal(fired.Truncate(time.Second)) {
			t.Errorf("ParseRunID(%q) = %q, %s, %v", id, n, at, ok)
		}
	}
	if got := RunID("nightly", time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)); got != "nightly-20261130T020000Z" {
		t.Errorf("RunID = %q", got)
	}
	for _, name := range []string{"", "-x", "a.b", "a*", "a>", "a b", "é", strings.Repeat("x", 65)} {
		if CheckName(name) == nil {
			t.Errorf("CheckName(%q) accepted", name)
		}
	}
	for _, id := range []string{"nightly", "nightly-2026", "-20261130T020000Z", "run-demo-20261130-020000-7"} {
		if _, _, ok := ParseRunID(id); ok {
			t.Errorf("ParseRunID(%q) accepted", id)
		}
	}
}
