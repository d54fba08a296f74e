package layout

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// ErrUntrustedArtifact says a download-journal record names another directory than the one
// derived from the plan: paths in KV are checked, never followed.
var ErrUntrustedArtifact = errors.New("untrusted artifact record")

// TargetDirs derives a target's staging and durable directories,
// <backup-root>/<run_id>/<seg>.tmp and <backup-root>/<run_id>/<seg>, from the run id and the
// canister id of the plan. The canister id must be a principal, on which seg is the identity:
// any other text would be folded into a name another id may share ("a.b", "a_b") or that names
// something else of the backup directory ("restores").
func TargetDirs(backupRoot, runID, canisterID string) (staging, durable string, err error) {
	seg := plan.Seg(canisterID)
	if !runs.IDPattern.MatchString(runID) || !principal.Valid(canisterID) {
		return "", "", untrusted("run %q, canister %q: no backup directory", runID, canisterID)
	}
	durable = filepath.Join(backupRoot, runID, seg)
	return durable + ".tmp", durable, nil
}

// ArtifactDirs is TargetDirs for a target whose record e must agree with the plan: its
// canister, its artifact_path (exactly the durable directory's name, and confined by
// ResolveArtifactPath as verify does) and, when set, its temp_path (exactly the staging
// directory). Any other record is refused with ErrUntrustedArtifact.
func ArtifactDirs(backupRoot, runID string, e artifact.Entry, canisterID string) (staging, durable string, err error) {
	if staging, durable, err = TargetDirs(backupRoot, runID, canisterID); err != nil {
		return "", "", err
	}
	seg := filepath.Base(durable)
	if _, err := ResolveArtifactPath(filepath.Dir(durable), e.ArtifactPath); err != nil {
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
	return fmt.Errorf("%w: %s", ErrUntrustedArtifact, fmt.Sprintf(format, args...))
}

// RemoveStaging removes the staging directories (<seg>.tmp) of the given canisters from the
// run's backup directory, and the run directory itself if nothing else is left in it. Only
// those exact names are removed; missing ones are fine.
func RemoveStaging(backupRoot, runID string, canisterIDs []string) error {
	if !runs.IDPattern.MatchString(runID) {
		return untrusted("run %q: no backup directory", runID)
	}
	var errs []error
	for _, id := range canisterIDs {
		staging, _, err := TargetDirs(backupRoot, runID, id)
		if err == nil {
			err = os.RemoveAll(staging)
		}
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return removeIfEmpty(filepath.Join(backupRoot, runID))
}

// removeIfEmpty removes dir if it exists and holds nothing.
func removeIfEmpty(dir string) error {
	left, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(left) > 0:
		return nil
	}
	return os.Remove(dir)
}

// Promote renames a verified staging directory to its durable name and syncs the run
// directory dir. It is idempotent: a durable directory already in place whose checksum matches
// sum counts as promoted (a crash between the rename and the journal write), unlike the
// reference runner which then fails with "artifact path already exists".
func Promote(ctx context.Context, dir, staging, durable, sum string) error {
	if _, err := os.Stat(staging); err == nil {
		if err := os.RemoveAll(durable); err != nil {
			return err
		}
		if err := os.Rename(staging, durable); err != nil {
			return fmt.Errorf("promoting %s: %w", filepath.Base(durable), err)
		}
		return document.SyncDir(dir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	got, err := checksum.PathContext(ctx, durable)
	if err != nil {
		return fmt.Errorf("artifact %s is neither staged nor promoted: %w", filepath.Base(durable), err)
	}
	return checksum.Verify(checksum.Algorithm, sum, got)
}

// ArtifactDirsOf is ArtifactDirs bound to one run under backupRoot.
func ArtifactDirsOf(backupRoot, runID string) func(e artifact.Entry, canisterID string) (staging, durable string, err error) {
	return func(e artifact.Entry, canisterID string) (string, string, error) {
		return ArtifactDirs(backupRoot, runID, e, canisterID)
	}
}

// RestoresDir is the directory of a backup under which each restore from it keeps its files
// (`<backup>/restores/<restore run id>/`).
const RestoresDir = "restores"

// RestoreStagingDir is where a restore's uploads stage their private copies of artifacts.
func RestoreStagingDir(backupDir, restoreRunID string) string {
	return filepath.Join(backupDir, RestoresDir, restoreRunID, "staging")
}
