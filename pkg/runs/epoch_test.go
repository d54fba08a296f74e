package runs

import (
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
)

// Every event that sets the counts whole starts a new counts epoch, and a buffered delta of
// another epoch is refused: a move already in a recount is never added a second time.
func TestCountsEpochGuardsBufferedMoves(t *testing.T) {
	recounted := &journal.Counts{Total: 2, Completed: 2}
	for name, tc := range map[string]struct {
		from State
		ev   Event
		prep func(*Record)
	}{
		"run":      {Preflight, Run{Counts: journal.Counts{Total: 2, Ready: 2}}, nil},
		"retry":    {Failed, Retry{Counts: recounted}, nil},
		"complete": {Running, Complete{Counts: *recounted, ManifestPath: "m", BackupDir: "d"}, nil},
		"containment": {Failed, FinishContainment{Counts: recounted},
			func(r *Record) { r.Containment = &Containment{State: ContainPending} }},
	} {
		r := recordIn(tc.from)
		if tc.prep != nil {
			tc.prep(&r)
		}
		before := r.CountsEpoch
		if err := Apply(&r, tc.ev, "t1"); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.CountsEpoch != before+1 {
			t.Errorf("%s: counts epoch %d, want %d", name, r.CountsEpoch, before+1)
		}
		stale := CountDelta{Delta: journal.Counts{Completed: 1, Pending: -1}, Epoch: before}
		if err := Apply(&r, stale, "t2"); !errors.Is(err, ErrRefused) {
			t.Errorf("%s: a delta of the epoch before was applied: %+v", name, r.Counts)
		}
	}
}

// A delta of the record's epoch applies while the run is not completed.
func TestCountDeltaOfTheCurrentEpochApplies(t *testing.T) {
	r := recordIn(Running)
	r.CountsEpoch = 3
	r.Counts = journal.Counts{Total: 2, Pending: 1, Completed: 1, StopsCompleted: 1, StartsUnfinished: 1}
	d := journal.Counts{}
	d.Apply("start", journal.StatePending, journal.StateCompleted)
	if err := Apply(&r, CountDelta{Delta: d, Epoch: 3}, "t1"); err != nil {
		t.Fatal(err)
	}
	if r.Counts.StartsUnfinished != 0 || r.RestartRequired {
		t.Fatalf("after the start's delta: %+v restart_required=%v", r.Counts, r.RestartRequired)
	}
}
