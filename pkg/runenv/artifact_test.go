package runenv

import (
	"errors"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// An artifact record naming a path outside the backup fails permanently (the run fails; it
// is not retried) and says why.
func TestArtifactDirsRefusalIsPermanent(t *testing.T) {
	env := &Env{BackupRoot: t.TempDir()}
	bad := artifact.Entry{CanisterID: "renrk-eyaaa-aaaaa-aaada-cai", ArtifactPath: "../../victim"}
	_, _, err := env.ArtifactDirs("run-1", bad, bad.CanisterID)
	if !errors.Is(err, layout.ErrUntrustedArtifact) || !errors.Is(err, executor.ErrPermanent) {
		t.Fatalf("err = %v, want a permanent ErrUntrustedArtifact", err)
	}
}
