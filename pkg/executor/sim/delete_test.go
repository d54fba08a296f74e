package sim

import (
	"context"
	"errors"
	"testing"
)

func TestDeleteSnapshot(t *testing.T) {
	s, err := New(Config{StateDir: t.TempDir(), ArtifactBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := s.fleet.members[1].pid
	if err := s.Stop(ctx, c); err != nil {
		t.Fatal(err)
	}
	snap, err := s.CreateSnapshot(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSnapshot(ctx, c, snap.ID); err != nil {
		t.Fatal(err)
	}
	st, _ := Inspect(s.StateDir(), c)
	if len(st.Snapshots) != 0 {
		t.Fatalf("snapshots after delete: %v", st.Snapshots)
	}
	if err := s.DeleteSnapshot(ctx, c, snap.ID); !errors.Is(err, ErrSnapshotNotFound) {
		t.Fatalf("second delete = %v, want ErrSnapshotNotFound", err)
	}
}
