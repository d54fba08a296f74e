package runs

import (
	"errors"
	"testing"
)

func restoreIn(s State, loadsBegun bool) Record {
	r := recordIn(s)
	r.Kind, r.LoadsBegun = KindRestore, loadsBegun
	return r
}

// Before the first load a failed restore is contained like a backup; after it, it stops for
// the operator: failed with attention, nothing restarted, abort only with force, retry
// continues forward (DESIGN §10).
func TestRestoreFailurePolicy(t *testing.T) {
	before := restoreIn(Running, false)
	if err := Apply(&before, Fail{Reason: "upload failed", Contain: true}, "t"); err != nil || !before.ContainmentPending() || before.AttentionRequired {
		t.Fatalf("failure before loads: %v %+v", err, before)
	}
	after := restoreIn(Running, false)
	if err := Apply(&after, BeginLoads{}, "t"); err != nil || !after.LoadsBegun {
		t.Fatalf("begin loads: %v", err)
	}
	if err := Apply(&after, Fail{Reason: "load failed", Contain: true}, "t"); err != nil {
		t.Fatal(err)
	}
	if after.State != Failed || after.Containment != nil || !after.AttentionRequired || after.NextAction == nil {
		t.Fatalf("failure after loads: %+v", after)
	}
	if after.Accepts("stop") || after.Accepts("start") {
		t.Fatal("a failed restore past its loads accepts work")
	}
	if err := Apply(&after, Abort{}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("abort without force: %v", err)
	}
	retried := after
	if err := Apply(&retried, Retry{}, "t"); err != nil || retried.AttentionRequired || retried.NextAction != nil || !retried.LoadsBegun {
		t.Fatalf("retry: %v %+v", err, retried)
	}
	if err := Apply(&after, Abort{Force: true}, "t"); err != nil || !after.ContainmentPending() || after.AttentionRequired {
		t.Fatalf("abort with force: %v %+v", err, after)
	}
}

// BeginLoads applies to running restores only.
func TestBeginLoadsOnlyForRunningRestores(t *testing.T) {
	backup := recordIn(Running)
	if err := Apply(&backup, BeginLoads{}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("a backup began loads: %v", err)
	}
	queued := restoreIn(Queued, false)
	if err := Apply(&queued, BeginLoads{}, "t"); !errors.Is(err, ErrRefused) {
		t.Fatalf("a queued restore began loads: %v", err)
	}
}
