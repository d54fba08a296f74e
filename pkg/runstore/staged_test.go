package runstore

import (
	"context"
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/bus/bustest"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// A record edited to point outside the backup root is refused when loaded, with the reason.
func TestLoadArtifactRefusesEditedPath(t *testing.T) {
	js, names := bustest.Installation(t)
	ctx := context.Background()
	s, err := OpenStore(ctx, js, names)
	if err != nil {
		t.Fatal(err)
	}
	id, root := "renrk-eyaaa-aaaaa-aaada-cai", t.TempDir()
	if err := s.PutArtifact(ctx, "run-1", artifact.NewEntry(id, "snap-1", "../../victim", "1700000000")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadArtifact(ctx, "run-1", id, func(rec artifact.Entry, id string) (string, string, error) {
		return layout.ArtifactDirs(root, "run-1", rec, id)
	}); !errors.Is(err, layout.ErrUntrustedArtifact) {
		t.Fatalf("err = %v, want ErrUntrustedArtifact", err)
	}
}
