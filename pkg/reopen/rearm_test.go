package reopen

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/timestamp"
)

// record is an operation record of one kind in one state, as the first pass left it: claimed,
// dispatched, with its dependency bits set.
func record(kind plan.OperationKind, state journal.State) runstore.OpRecord {
	updated, reasons := "1700000000", []string{}
	if state == journal.StateFailed {
		reasons = []string{"boom"}
	}
	deps := dispatch.NewDeps(2)
	deps.Mark(0)
	deps.Mark(1)
	return runstore.OpRecord{
		RunID:      "run-1",
		Op:         journal.Operation{Sequence: 7, OperationID: string(kind) + "-x", Kind: kind, State: state, StateUpdatedAt: &updated, BlockingReasons: reasons},
		Deps:       deps,
		Claim:      &runstore.Claim{Worker: "w", Attempt: 1, LeaseUntil: 1},
		Attempts:   1,
		Receipts:   []runstore.StoredReceipt{},
		Dispatched: true,
	}
}

func TestNeedsRearm(t *testing.T) {
	contained := runs.Record{RunID: "run-1", Containment: &runs.Containment{State: runs.ContainDone}}
	stopDone, stopFailed := record(plan.KindStop, journal.StateCompleted), record(plan.KindStop, journal.StateFailed)
	snapDone, snapFailed := record(plan.KindCreateSnapshot, journal.StateCompleted), record(plan.KindCreateSnapshot, journal.StateFailed)
	snapReady := record(plan.KindCreateSnapshot, journal.StateReady)
	tests := []struct {
		name string
		run  runs.Record
		recs []runstore.OpRecord
		want bool
	}{
		{name: "no containment", run: runs.Record{RunID: "run-1"}, recs: []runstore.OpRecord{stopDone, snapFailed}, want: false},
		{name: "stop completed, snapshot failed", run: contained, recs: []runstore.OpRecord{stopDone, snapFailed}, want: true},
		{name: "stop completed, snapshot never ran", run: contained, recs: []runstore.OpRecord{stopDone, snapDone, snapReady}, want: true},
		{name: "every snapshot completed", run: contained, recs: []runstore.OpRecord{stopDone, snapDone, snapDone}, want: false},
		{name: "no stop completed", run: contained, recs: []runstore.OpRecord{stopFailed, snapReady}, want: false},
		{name: "no records", run: contained, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRearm(tt.run, tt.recs); got != tt.want {
				t.Fatalf("NeedsRearm = %v, want %v", got, tt.want)
			}
		})
	}
}

// rearmed is the record a re-arm should leave: fresh bits for need predecessors, no claim, not
// dispatched, everything else as given.
func rearmed(r runstore.OpRecord, need int) runstore.OpRecord {
	r.Deps, r.Claim, r.Dispatched = dispatch.NewDeps(need), nil, false
	return r
}

func TestRearmOp(t *testing.T) {
	now := time.Unix(1800000000, 0)
	env := &runenv.Env{Clock: func() time.Time { return now }}
	marker := timestamp.Marker(now)
	backToReady := func(r runstore.OpRecord) runstore.OpRecord {
		r.Op.State, r.Op.StateUpdatedAt, r.Op.BlockingReasons = journal.StateReady, &marker, []string{}
		return r
	}
	snapWithBaseline := record(plan.KindCreateSnapshot, journal.StateFailed)
	snapWithBaseline.SnapshotsBefore, snapWithBaseline.BaselineRecorded = []string{"s1", "s2"}, true
	wantSnap := backToReady(snapWithBaseline)
	wantSnap.PriorBaseline, wantSnap.HasPriorBaseline = []string{"s1", "s2"}, true
	wantSnap.SnapshotsBefore, wantSnap.BaselineRecorded = nil, false
	tests := []struct {
		name    string
		in      runstore.OpRecord
		need    int
		want    runstore.OpRecord // before rearmed(want, need)
		wantErr error
	}{
		{name: "snapshot baseline becomes the prior one", in: snapWithBaseline, need: 1, want: wantSnap},
		{name: "snapshot without baseline", in: record(plan.KindCreateSnapshot, journal.StateCompleted), need: 1,
			want: backToReady(record(plan.KindCreateSnapshot, journal.StateCompleted))},
		{name: "ready op keeps its state", in: record(plan.KindStart, journal.StateReady), need: 3,
			want: record(plan.KindStart, journal.StateReady)},
		{name: "finalize keeps its journal state", in: record(plan.KindFinalizeManifest, journal.StateFailed), need: 5,
			want: record(plan.KindFinalizeManifest, journal.StateFailed)},
		{name: "completed stop back to ready", in: record(plan.KindStop, journal.StateCompleted), need: 0,
			want: backToReady(record(plan.KindStop, journal.StateCompleted))},
		{name: "failed download back to ready", in: record(plan.KindDownloadSnapshot, journal.StateFailed), need: 1,
			want: backToReady(record(plan.KindDownloadSnapshot, journal.StateFailed))},
		{name: "blocked stop refused", in: record(plan.KindStop, journal.StateBlocked), need: 1,
			wantErr: journal.ErrInvalidOperationTransition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in
			err := rearmOp(env, &got, dispatch.NewDeps(tt.need))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("rearmOp error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				return
			}
			if want := rearmed(tt.want, tt.need); !reflect.DeepEqual(got, want) {
				t.Fatalf("rearmOp left\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
