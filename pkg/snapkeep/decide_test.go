package snapkeep

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// snaps is a synthetic inventory: id@taken_at pairs.
func snaps(pairs ...any) []executor.Snapshot {
	var out []executor.Snapshot
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, executor.Snapshot{ID: pairs[i].(string), TakenAtNanos: uint64(pairs[i+1].(int))})
	}
	return out
}

func doomedIDs(d Decision) []string {
	var out []string
	for _, x := range d.Delete {
		out = append(out, x.Snapshot.ID)
	}
	return out
}

// Of the snapshots fleetbackup took (owned, plus this run's), the newest keep are kept and the
// older ones deleted, newest first; snapshots nobody proved are never in the decision, whatever
// their age.
func TestDecideKeepsNewestOwned(t *testing.T) {
	inv := snaps("f1", 1, "a", 10, "f2", 15, "b", 20, "c", 30, "cur", 40, "f3", 50)
	owned := Owned{"a": {RunID: "r1"}, "b": {RunID: "r2"}, "c": {RunID: "r3"}}
	cases := []struct {
		keep       int
		kept, gone []string
	}{
		{1, []string{"cur"}, []string{"c", "b", "a"}},
		{2, []string{"cur", "c"}, []string{"b", "a"}},
		{4, []string{"cur", "c", "b", "a"}, nil},
		{9, []string{"cur", "c", "b", "a"}, nil},
	}
	for _, c := range cases {
		d := Decide(inv, owned, "cur", c.keep)
		if d.Problem != "" || !slices.Equal(d.Kept, c.kept) || !slices.Equal(doomedIDs(d), c.gone) {
			t.Errorf("keep %d: kept %v deleted %v (%q), want kept %v deleted %v", c.keep, d.Kept, doomedIDs(d), d.Problem, c.kept, c.gone)
		}
	}
	d := Decide(inv, owned, "cur", 2)
	if d.Delete[0].Owner.RunID != "r2" || d.Delete[0].Snapshot.TakenAtNanos != 20 {
		t.Errorf("doomed %+v, want b of r2 taken at 20", d.Delete[0])
	}
}

// This run's snapshot counts as the newest even when a clock says otherwise; equal times are
// ordered by id.
func TestDecideCurrentFirstAndTies(t *testing.T) {
	inv := snaps("old", 5, "x", 100, "y", 100, "cur", 1)
	owned := Owned{"old": {RunID: "r1"}, "x": {RunID: "r2"}, "y": {RunID: "r3"}}
	d := Decide(inv, owned, "cur", 2)
	if !slices.Equal(d.Kept, []string{"cur", "y"}) || !slices.Equal(doomedIDs(d), []string{"x", "old"}) {
		t.Fatalf("kept %v deleted %v, want [cur y] and [x old]", d.Kept, doomedIDs(d))
	}
}

// Nothing is deleted when the canister does not hold this run's snapshot, or keep is not at
// least 1; a canister holding only foreign snapshots and this run's loses nothing.
func TestDecideRefuses(t *testing.T) {
	inv := snaps("a", 1, "b", 2)
	owned := Owned{"a": {RunID: "r1"}, "b": {RunID: "r2"}}
	for _, c := range []struct {
		current string
		keep    int
		problem string
	}{{"gone", 1, "not on the canister"}, {"b", 0, "not at least 1"}} {
		d := Decide(inv, owned, c.current, c.keep)
		if len(d.Delete) != 0 || !strings.Contains(d.Problem, c.problem) {
			t.Errorf("current %s keep %d: %+v, want nothing deleted because %q", c.current, c.keep, d, c.problem)
		}
	}
	d := Decide(snaps("f1", 1, "f2", 2, "cur", 3), Owned{}, "cur", 1)
	if len(d.Delete) != 0 || !slices.Equal(d.Kept, []string{"cur"}) || d.Problem != "" {
		t.Fatalf("only foreign snapshots: %+v, want cur kept and nothing deleted", d)
	}
}

// The snapshot a create at the limit replaces is the oldest one fleetbackup took; never a
// foreign one, and none when the canister holds only foreign snapshots.
func TestVictim(t *testing.T) {
	inv := snaps("f1", 1, "b", 20, "a", 20, "c", 30, "f2", 5)
	v, ok := Victim(inv, Owned{"a": {RunID: "r1"}, "b": {RunID: "r2"}, "c": {RunID: "r3"}})
	if !ok || v.ID != "a" {
		t.Fatalf("victim %+v %v, want a (oldest, smaller id on a tie)", v, ok)
	}
	if v, ok := Victim(inv, Owned{"c": {RunID: "r3"}}); !ok || v.ID != "c" {
		t.Fatalf("victim %+v %v, want c, the only owned one", v, ok)
	}
	if v, ok := Victim(inv, Owned{}); ok {
		t.Fatalf("victim %+v among foreign snapshots", v)
	}
	if v, ok := Victim(inv, Owned{"missing": {RunID: "r9"}, "a": {RunID: "r1", Current: true}}); ok {
		t.Fatalf("victim %+v: neither a snapshot not on the canister nor the current run's may be replaced", v)
	}
}
