package schedule

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func TestScheduleDecide(t *testing.T) {
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	recent, old := now.Add(-time.Second).Format(time.RFC3339Nano), now.Add(-ClaimGrace-time.Second).Format(time.RFC3339Nano)
	st := func(last, firedAt string) State {
		return State{Name: "n", LastRunID: last, LastFiredAt: firedAt, Fired: 1}
	}
	rec := func(state runs.State, containment string) *runs.Record {
		r := &runs.Record{RunID: "n-1", State: state}
		if containment != "" {
			r.Containment = &runs.Containment{State: containment}
		}
		return r
	}
	skipped := st("n-1", recent)
	skipped.LastSkip = &Skip{RunID: "n-2"}
	for _, tc := range []struct {
		name   string
		st     State
		runID  string
		last   *runs.Record
		want   Verdict
		reason string
	}{
		{"first firing", State{Name: "n"}, "n-1", nil, Run, ""},
		{"copy of the claiming firing", st("n-1", recent), "n-1", rec(runs.Running, ""), Run, ""},
		{"last run running", st("n-1", recent), "n-2", rec(runs.Running, ""), SkipIt, "skipped: run n-1 of schedule n is still running (running)"},
		{"last run queued", st("n-1", recent), "n-2", rec(runs.Queued, ""), SkipIt, "still running (queued)"},
		{"containment pending", st("n-1", recent), "n-2", rec(runs.Failed, runs.ContainPending), SkipIt, "(failed, restarting its canisters)"},
		{"last run completed", st("n-1", recent), "n-2", rec(runs.Completed, ""), Run, ""},
		{"last run failed, contained", st("n-1", recent), "n-2", rec(runs.Failed, runs.ContainDone), Run, ""},
		{"last run being opened", st("n-1", recent), "n-2", nil, SkipIt, "(being opened)"},
		{"last run never opened", st("n-1", old), "n-2", nil, Run, ""},
		{"copy of a skipped firing", skipped, "n-2", rec(runs.Completed, ""), Done, ""},
		{"late copy of an older firing", st("n-3", recent), "n-2", rec(runs.Completed, ""), SkipIt, "a later firing of schedule n ran already (run n-3)"},
	} {
		got, reason := Decide(tc.st, tc.runID, tc.last, now)
		if got != tc.want || !strings.Contains(reason, tc.reason) || (tc.reason == "") != (reason == "") {
			t.Errorf("%s: Decide = %v %q, want %v %q", tc.name, got, reason, tc.want, tc.reason)
		}
	}
}

func TestScheduleStateRecords(t *testing.T) {
	s := State{Name: "n"}
	s.Fire("n-1", "t1")
	s.Skip("n-2", "busy", "t2")
	s.Skip("n-3", "busy", "t3")
	if s.LastRunID != "n-1" || s.LastFiredAt != "t1" || s.Fired != 1 || s.Skipped != 2 || s.LastSkip.RunID != "n-3" {
		t.Fatalf("state %+v", s)
	}
}

func TestScheduleDefinitionCheck(t *testing.T) {
	good := `{"fleet":"demo","network":"local","root_canister_id":"aaaaa-aa","selector":"hub"}`
	d := Definition{Name: "nightly", Cron: "0 0 2 * * *", TimeZone: "Europe/Zurich", Target: "fb.runs.request", Request: []byte(good)}
	if _, err := d.Check(); err != nil {
		t.Fatal(err)
	}
	h := d.Headers()
	if h[HeaderSchedule] != "0 0 2 * * *" || h[HeaderTimeZone] != "Europe/Zurich" || h[HeaderTarget] != "fb.runs.request" {
		t.Errorf("headers %v", h)
	}
	if got := Summary(d.Request); got != "demo/local subtree hub" {
		t.Errorf("Summary = %q", got)
	}
	for body, want := range map[string]error{
		`{"run_id":"fixed","fleet":"demo","network":"local","root_canister_id":"aaaaa-aa"}`: ErrRunIDInSchedule,
		`{"fleet":"demo","network":"local","root_canister_id":"aaaaa-aa","extra":1}`:        request.ErrBadRequest,
		`not json`: request.ErrBadRequest,
	} {
		d.Request = []byte(body)
		if _, err := d.Check(); !errors.Is(err, want) {
			t.Errorf("Check(%s) = %v, want %v", body, err, want)
		}
	}
	d.Request, d.Name = []byte(good), "a.b"
	if _, err := d.Check(); err == nil {
		t.Error("Check accepted the name a.b")
	}
}
