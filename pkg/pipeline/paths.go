package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/bus"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// ErrUntrustedArtifact says a download-journal record in KV names another directory than the
// one derived from the plan. The run fails: paths in KV are checked, never followed.
var ErrUntrustedArtifact = errors.New("untrusted artifact record")

// targetDirs derives a target's staging and durable directories,
// <backup-root>/<run_id>/<seg>.tmp and <backup-root>/<run_id>/<seg>, from the run id and the
// canister id of the plan.
func targetDirs(backupRoot, runID, canisterID string) (staging, durable string, err error) {
	seg := plan.Seg(canisterID)
	if !bus.RunIDPattern.MatchString(runID) || seg == "" {
		return "", "", untrusted("run %q, canister %q: no backup directory", runID, canisterID)
	}
	durable = filepath.Join(backupRoot, runID, seg)
	return durable + ".tmp", durable, nil
}

// artifactDirs is targetDirs for a target whose KV record e must agree with the plan: its
// canister, its artifact_path (exactly the durable directory's name) and, when set, its
// temp_path (exactly the staging directory). Any other record is refused with a permanent
// error before anything is touched.
func artifactDirs(backupRoot, runID string, e artifact.Entry, canisterID string) (staging, durable string, err error) {
	if staging, durable, err = targetDirs(backupRoot, runID, canisterID); err != nil {
		return "", "", err
	}
	seg := filepath.Base(durable)
	if _, err := layout.ResolveArtifactPath(filepath.Dir(durable), e.ArtifactPath); err != nil {
		return "", "", untrusted("artifact of %s: %v", canisterID, err)
	}
	switch {
	case e.CanisterID != canisterID:
		return "", "", untrusted("artifact of %s: record names canister %q", canisterID, e.CanisterID)
	case e.ArtifactPath != seg:
		return "", "", untrusted("artifact of %s: artifact_path %q, want %q", canisterID, e.ArtifactPath, seg)
	case e.TempPath != nil && *e.TempPath != staging:
		return "", "", untrusted("artifact of %s: temp_path %q, want %q", canisterID, *e.TempPath, staging)
	}
	return staging, durable, nil
}

func untrusted(format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrUntrustedArtifact, executor.Permanent("artifact", format, args...))
}

// stagedArtifact is a target's download-journal record, checked against the plan, and the
// directories derived for it.
type stagedArtifact struct {
	key              string
	entry            artifact.Entry
	staging, durable string
}

// loadArtifact reads the record of one of the plan's targets and checks it with artifactDirs.
func (w *OpWorker) loadArtifact(ctx context.Context, runID, canisterID string) (stagedArtifact, error) {
	key := ArtifactKey(runID, canisterID)
	e, err := w.Env.Store.Artifacts.Get(ctx, key)
	if err != nil {
		return stagedArtifact{}, err
	}
	staging, durable, err := artifactDirs(w.Env.BackupRoot, runID, e.Value, canisterID)
	if err != nil {
		return stagedArtifact{}, err
	}
	return stagedArtifact{key: key, entry: e.Value, staging: staging, durable: durable}, nil
}

// planTarget is the canister the plan names for the job's operation. The operation record in
// KV must name the same one: an artifact's directories are never derived from KV alone.
func planTarget(j *job) (string, error) {
	seq, phases := j.rec.Op.Sequence, j.rp.plan.Phases
	if seq < 0 || seq >= len(phases) || phases[seq].TargetCanisterID == nil ||
		*phases[seq].TargetCanisterID != deref(j.rec.Op.TargetCanisterID) {
		return "", untrusted("operation %s: target %q is not the plan's", j.rec.Op.OperationID, deref(j.rec.Op.TargetCanisterID))
	}
	return *phases[seq].TargetCanisterID, nil
}
