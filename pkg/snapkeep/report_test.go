package snapkeep

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

func states(r *Report) []string {
	var out []string
	for _, d := range r.Deletions {
		out = append(out, d.CanisterID+"/"+d.SnapshotID+"="+d.State)
	}
	return out
}

// A pass records its decisions as pending deletions and then their outcomes; a repeated pass
// keeps what the one before it recorded, settles a pending deletion whose snapshot is gone, and
// retries a failed one that is decided again. The record round-trips through its file.
func TestReportAcrossPasses(t *testing.T) {
	dir := t.TempDir()
	inv := snaps("a", 1, "b", 2, "cur", 3)
	owned := Owned{"a": {RunID: "r1"}, "b": {RunID: "r2"}}
	r := Resume(nil, "run-3", 1, "unix:1")
	r.Plan("c1", Decide(inv, owned, "cur", 1))
	r.Plan("c2", Decide(snaps("x", 1), Owned{}, "cur", 1))
	if got := states(r); !reflect.DeepEqual(got, []string{"c1/b=pending", "c1/a=pending"}) || len(r.Problems) != 1 {
		t.Fatalf("planned %v, problems %v", got, r.Problems)
	}
	if !strings.Contains(r.Deletions[0].Reason, "keep_snapshots 1") || r.Deletions[0].TakenBy != "r2" || !r.HasPending("c1") {
		t.Fatalf("deletion %+v", r.Deletions[0])
	}
	r.Resolve(0, errors.New("replica busy"))
	must(t, WriteReport(dir, r)) // the pass stops here: a is still pending

	prev, err := ReadReport(dir)
	must(t, err)
	again := Resume(prev, "run-3", 1, "unix:2")
	again.Settle("c1", snaps("b", 2, "cur", 3)) // a was deleted, b was not
	again.Plan("c1", Decide(snaps("b", 2, "cur", 3), owned, "cur", 1))
	if got := states(again); !reflect.DeepEqual(got, []string{"c1/b=pending", "c1/a=deleted"}) || len(again.Problems) != 0 {
		t.Fatalf("second pass %v, problems %v", got, again.Problems)
	}
	again.Resolve(0, nil)
	must(t, WriteReport(dir, again))
	back, err := ReadReport(dir)
	must(t, err)
	if !reflect.DeepEqual(back, again) || back.HasPending("c1") {
		t.Fatalf("read back %+v, want %+v", back, again)
	}
	if other := Resume(back, "run-4", 2, "unix:3"); len(other.Deletions) != 0 || other.KeepSnapshots != 2 {
		t.Fatalf("another run's pass inherited %+v", other)
	}
}

// An invalid record is neither written nor read; a missing one reads as fs.ErrNotExist.
func TestReportValidation(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadReport(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing record: %v", err)
	}
	msg := "boom"
	bad := []func(*Report){
		func(r *Report) { r.RetentionVersion = 2 },
		func(r *Report) { r.BackupID = "../x" },
		func(r *Report) { r.KeepSnapshots = 0 },
		func(r *Report) { r.Problems = nil },
		func(r *Report) { r.Deletions[0].TakenBy = "" },
		func(r *Report) { r.Deletions[0].State = "gone" },
		func(r *Report) { r.Deletions[0].State = StateFailed },
		func(r *Report) { r.Deletions[0].Error = &msg },
	}
	for i, change := range bad {
		r := Resume(nil, "run-1", 1, "unix:1")
		r.Plan("c", Decide(snaps("a", 1, "cur", 2), Owned{"a": {RunID: "r0"}}, "cur", 1))
		r.Resolve(0, nil)
		change(r)
		if err := WriteReport(dir, r); err == nil {
			t.Errorf("invalid record %d written", i)
		}
	}
	if _, err := ReadReport(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("an invalid record reached the disk: %v", err)
	}
}

// keep_snapshots comes from the run record's field when it has one; otherwise the default.
func TestKeep(t *testing.T) {
	if got := Keep(runs.Record{RunID: "r"}); got != DefaultKeep {
		t.Fatalf("Keep of a record without keep_snapshots = %d, want %d", got, DefaultKeep)
	}
}
