package sim

import (
	"context"
	"slices"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// A canister at its limit takes a snapshot in place of one of its own: the count stays, the
// replaced snapshot is gone, the new one captures the content, and the history names both.
func TestReplaceSnapshotAtLimit(t *testing.T) {
	s := newSim(t, "", Config{MaxSnapshots: 2})
	ctx := context.Background()
	first := stopAndSnapshot(t, s, sampleLeaf)
	second, err := s.CreateSnapshot(ctx, sampleLeaf)
	mustOK(t, err)
	_, err = s.CreateSnapshot(ctx, sampleLeaf)
	mustErr(t, err, executor.ErrPermanent, executor.ErrSnapshotLimit, ErrSnapshotLimit)

	fresh, err := s.ReplaceSnapshot(ctx, sampleLeaf, first.ID)
	mustOK(t, err)
	st, err := Inspect(s.StateDir(), sampleLeaf)
	mustOK(t, err)
	ids := []string{st.Snapshots[0].ID, st.Snapshots[1].ID}
	if !slices.Equal(ids, []string{second.ID, fresh.ID}) || st.Counter != 3 {
		t.Fatalf("snapshots after replace = %v (counter %d), want [%s %s]", ids, st.Counter, second.ID, fresh.ID)
	}
	if st.SnapshotContents[fresh.ID] != st.Content {
		t.Fatalf("replacing snapshot holds %s, want the canister's content %s", st.SnapshotContents[fresh.ID], st.Content)
	}
	calls, err := ReadHistory(s.StateDir())
	mustOK(t, err)
	last := calls[len(calls)-1]
	if last.Call != KindSnapshot || !last.OK || last.Replaced == nil || *last.Replaced != first.ID ||
		last.SnapshotID == nil || *last.SnapshotID != fresh.ID {
		t.Fatalf("history's last call = %+v, want a snapshot %s replacing %s", last, fresh.ID, first.ID)
	}
}

// Replace keeps the IC's rules: the canister must be stopped, and the replaced snapshot must be
// one the canister holds (not another canister's, not a deleted one). A refused replace
// changes nothing.
func TestReplaceSnapshotRules(t *testing.T) {
	s := newSim(t, "", Config{MaxSnapshots: 2})
	ctx := context.Background()
	mine := stopAndSnapshot(t, s, sampleLeaf)
	other := stopAndSnapshot(t, s, sampleOther)

	_, err := s.ReplaceSnapshot(ctx, sampleLeaf, other.ID)
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotNotFound)
	_, err = s.ReplaceSnapshot(ctx, sampleLeaf, "")
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotNotFound)
	mustOK(t, s.Start(ctx, sampleLeaf))
	_, err = s.ReplaceSnapshot(ctx, sampleLeaf, mine.ID)
	mustErr(t, err, executor.ErrPermanent, ErrCanisterNotStopped)

	for _, c := range []struct {
		canister string
		want     string
	}{{sampleLeaf, mine.ID}, {sampleOther, other.ID}} {
		st, err := Inspect(s.StateDir(), c.canister)
		mustOK(t, err)
		if len(st.Snapshots) != 1 || st.Snapshots[0].ID != c.want {
			t.Fatalf("%s holds %v after refused replaces, want only %s", c.canister, st.Snapshots, c.want)
		}
	}
	mustOK(t, s.Stop(ctx, sampleLeaf))
	mustOK(t, s.DeleteSnapshot(ctx, sampleLeaf, mine.ID))
	_, err = s.ReplaceSnapshot(ctx, sampleLeaf, mine.ID)
	mustErr(t, err, executor.ErrPermanent, ErrSnapshotNotFound)
}

// A replace whose reply is lost took effect: the caller hears a transient timeout, and the
// canister holds the new snapshot instead of the old one.
func TestReplaceSnapshotLostReply(t *testing.T) {
	s := newSim(t, "", Config{MaxSnapshots: 1})
	ctx := context.Background()
	old := stopAndSnapshot(t, s, sampleLeaf)
	mustOK(t, InjectFault(s.StateDir(), Fault{Call: KindSnapshot, Canister: sampleLeaf, Mode: ModeLostReply, Times: 1}))
	_, err := s.ReplaceSnapshot(ctx, sampleLeaf, old.ID)
	mustErr(t, err, executor.ErrTransient, ErrReplyLost)
	st, err := Inspect(s.StateDir(), sampleLeaf)
	mustOK(t, err)
	if len(st.Snapshots) != 1 || st.Snapshots[0].ID == old.ID {
		t.Fatalf("snapshots after a lost replace reply = %v, want one new snapshot", st.Snapshots)
	}
}
