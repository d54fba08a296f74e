package restore

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
)

// ArtifactValidation is what admission found about every member's artifact (RESTORE §3.5).
type ArtifactValidation struct {
	BackupRoot                   string          `json:"backup_root"`
	CheckedMembers               int             `json:"checked_members"`
	ArtifactsPresent             bool            `json:"artifacts_present"`
	ChecksumsVerified            bool            `json:"checksums_verified"`
	MembersWithExpectedChecksums int             `json:"members_with_expected_checksums"`
	Checks                       []ArtifactCheck `json:"checks"`
}

// ArtifactCheck is one member's artifact: where it is and whether its bytes match the manifest.
type ArtifactCheck struct {
	SourceCanister    string  `json:"source_canister"`
	TargetCanister    string  `json:"target_canister"`
	SnapshotID        string  `json:"snapshot_id"`
	ArtifactPath      string  `json:"artifact_path"`
	ResolvedPath      string  `json:"resolved_path"`
	Exists            bool    `json:"exists"`
	ChecksumAlgorithm string  `json:"checksum_algorithm"`
	ChecksumExpected  *string `json:"checksum_expected"`
	ChecksumActual    *string `json:"checksum_actual"`
	ChecksumVerified  bool    `json:"checksum_verified"`
}

// ValidateArtifacts checks every plan member's artifact under the backup directory dir, in member
// order; the first failure wins. The artifact path must stay inside dir, every component of it
// must exist and be no symlink, the artifact (and, for a directory, everything below it) must be
// regular files and directories, and its checksum must equal the manifest's. Artifacts whose
// checksum integrity already recomputed (layout.LayoutIntegrity, same canister and snapshot) are
// not hashed a second time. A member without a checksum is not hashed and leaves
// ChecksumsVerified false.
func ValidateArtifacts(dir string, p *Plan, integrity *layout.IntegrityReport) (*ArtifactValidation, error) {
	root, err := backupRoot(dir)
	if err != nil {
		return nil, err
	}
	known := map[[2]string]string{}
	if integrity != nil {
		for _, a := range integrity.Artifacts {
			known[[2]string{a.CanisterID, a.SnapshotID}] = a.Checksum
		}
	}
	v := &ArtifactValidation{BackupRoot: root, ArtifactsPresent: true, ChecksumsVerified: true,
		Checks: make([]ArtifactCheck, 0, len(p.Members))}
	for i := range p.Members {
		c, err := checkArtifact(root, &p.Members[i], known)
		if err != nil {
			return nil, err
		}
		v.Checks = append(v.Checks, c)
		if c.ChecksumExpected != nil {
			v.MembersWithExpectedChecksums++
		}
		v.ArtifactsPresent = v.ArtifactsPresent && c.Exists
		v.ChecksumsVerified = v.ChecksumsVerified && c.ChecksumVerified
	}
	v.CheckedMembers = len(v.Checks)
	return v, nil
}

// backupRoot requires dir to be a directory that is not a symlink and returns its canonical path.
func backupRoot(dir string) (string, error) {
	info, err := os.Lstat(dir)
	if err == nil && (info.Mode()&fs.ModeSymlink != 0 || !info.IsDir()) {
		err = fs.ErrInvalid
	}
	if err == nil {
		dir, err = filepath.Abs(dir)
	}
	if err == nil {
		dir, err = filepath.EvalSymlinks(dir)
	}
	if err != nil {
		e := fieldErr(ErrArtifactRootUnsafe, "backup_root")
		e.Value, e.Cause = dir, err
		return "", e
	}
	return dir, nil
}

func checkArtifact(root string, m *Member, known map[[2]string]string) (ArtifactCheck, error) {
	snap := &m.SourceSnapshot
	c := ArtifactCheck{SourceCanister: m.SourceCanister, TargetCanister: m.TargetCanister,
		SnapshotID: snap.SnapshotID, ArtifactPath: snap.ArtifactPath, ChecksumAlgorithm: snap.ChecksumAlgorithm,
		ChecksumExpected: clone(snap.Checksum)}
	artifactErr := func(sentinel error, cause error) *Error {
		e := fieldErr(sentinel, "members[].source_snapshot.artifact_path")
		e.Source, e.Value, e.Cause = m.SourceCanister, snap.ArtifactPath, cause
		return e
	}
	resolved, err := resolveNoFollow(root, snap.ArtifactPath)
	if err != nil {
		return c, artifactErr(err.sentinel, err.cause)
	}
	c.ResolvedPath, c.Exists = resolved, true
	if snap.Checksum == nil {
		return c, nil
	}
	actual, ok := known[[2]string{m.SourceCanister, snap.SnapshotID}]
	if !ok {
		sum, err := checksum.Path(resolved)
		if err != nil {
			return c, artifactErr(ErrArtifactChecksum, err)
		}
		actual = sum
	}
	c.ChecksumActual = &actual
	if err := checksum.Verify(snap.ChecksumAlgorithm, *snap.Checksum, *c.ChecksumActual); err != nil {
		return c, artifactErr(ErrArtifactChecksum, err)
	}
	c.ChecksumVerified = true
	return c, nil
}

type pathErr struct {
	sentinel error
	cause    error
}

// resolveNoFollow joins a relative artifact path to root, refusing `..`, absolute paths, missing
// components, symlinks anywhere on the way or below, and special files.
func resolveNoFollow(root, artifactPath string) (string, *pathErr) {
	if _, err := layout.ResolveArtifactPath(root, artifactPath); err != nil {
		return "", &pathErr{ErrArtifactPathEscapesBackup, err}
	}
	path, normal := root, 0
	for _, part := range strings.Split(filepath.ToSlash(artifactPath), "/") {
		if part == "" || part == "." {
			continue
		}
		normal++
		path = filepath.Join(path, part)
		info, err := os.Lstat(path)
		if err != nil {
			return "", &pathErr{ErrArtifactMissing, err}
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return "", &pathErr{ErrArtifactUnsafeType, &fs.PathError{Op: "symlink", Path: path, Err: fs.ErrInvalid}}
		}
	}
	if normal == 0 {
		return "", &pathErr{ErrArtifactPathEscapesBackup, fs.ErrInvalid}
	}
	if err := plainTree(path); err != nil {
		return "", &pathErr{ErrArtifactUnsafeType, err}
	}
	return path, nil
}

// plainTree requires path and everything below it to be regular files and directories.
func plainTree(path string) error {
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() && !d.IsDir() {
			return &fs.PathError{Op: "special file", Path: p, Err: fs.ErrInvalid}
		}
		return nil
	})
}
