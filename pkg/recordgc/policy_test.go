package recordgc

import (
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

var testNow = time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)

// rec is a run record in state, last changed ago before testNow.
func rec(state runs.State, ago time.Duration) runs.Record {
	return runs.Record{RunID: "r", Kind: runs.KindBackup, State: state,
		UpdatedAt: testNow.Add(-ago).Format(time.RFC3339Nano)}
}

func TestDecide(t *testing.T) {
	month, week := 720*time.Hour, 168*time.Hour
	p := Policy{Age: week}
	withFailed := Policy{Age: week, FailedAge: month}
	unsettled := rec(runs.Failed, 2*month)
	unsettled.RestartRequired = true
	containing := rec(runs.Aborted, 2*month)
	containing.Containment = &runs.Containment{State: runs.ContainPending}
	contained := rec(runs.Aborted, 2*month)
	contained.Containment = &runs.Containment{State: runs.ContainDone}
	locked := rec(runs.Completed, 2*month)
	locked.LocksHeld = true
	attention := rec(runs.Failed, 2*month)
	attention.Kind, attention.AttentionRequired = runs.KindRestore, true
	undated := rec(runs.Completed, 0)
	undated.UpdatedAt = "yesterday"
	cases := []struct {
		name   string
		p      Policy
		r      runs.Record
		reason string // "" purges
	}{
		{"old completed", p, rec(runs.Completed, week), ""},
		{"old aborted, contained", p, contained, ""},
		{"old rejected", p, rec(runs.Rejected, 2*week), ""},
		{"recent completed", p, rec(runs.Completed, week-time.Second), KeepRecent},
		{"running", p, rec(runs.Running, 2*month), KeepNotFinished},
		{"queued", p, rec(runs.Queued, 2*month), KeepNotFinished},
		{"planning", p, rec(runs.Planning, 2*month), KeepNotFinished},
		{"preflight", p, rec(runs.Preflight, 2*month), KeepNotFinished},
		{"failed, restart required", withFailed, unsettled, KeepUnsettled},
		{"aborted, containment pending", p, containing, KeepUnsettled},
		{"locks held", p, locked, KeepLocksHeld},
		{"restore waiting for the operator", withFailed, attention, KeepAttention},
		{"old failed, no failed age", p, rec(runs.Failed, 2*month), KeepFailed},
		{"failed older than the failed age", withFailed, rec(runs.Failed, month), ""},
		{"failed older than the age only", withFailed, rec(runs.Failed, 2*week), KeepRecent},
		{"completed, failed age only", Policy{FailedAge: week}, rec(runs.Completed, 2*month), KeepRecent},
		{"unreadable updated_at", p, undated, KeepUndated},
	}
	for _, c := range cases {
		v := c.p.Decide(c.r, testNow)
		if v.Purge != (c.reason == "") || v.Reason != c.reason {
			t.Errorf("%s: %+v, want reason %q", c.name, v, c.reason)
		}
	}
}

func TestPolicyValidateAndEnabled(t *testing.T) {
	for _, p := range []Policy{{Age: -1}, {FailedAge: -1}, {Age: time.Hour, Interval: -1}} {
		if p.Validate() == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	if (Policy{}).Enabled() || !(Policy{Age: time.Hour}).Enabled() || !(Policy{FailedAge: time.Hour}).Enabled() {
		t.Error("Enabled is wrong")
	}
	if (Policy{}).interval() != DefaultInterval || (Policy{Interval: time.Minute}).interval() != time.Minute {
		t.Error("interval is wrong")
	}
	for range 100 {
		if d := jitter(time.Hour); d < 54*time.Minute || d > 66*time.Minute {
			t.Fatalf("jitter(1h) = %s", d)
		}
	}
}
