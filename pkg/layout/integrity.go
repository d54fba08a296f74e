package layout

import (
	"os"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
)

// IntegrityReport is the outcome of LayoutIntegrity (§9.4).
type IntegrityReport struct {
	BackupID         string           `json:"backup_id"`
	Verified         bool             `json:"verified"`
	ManifestMembers  int              `json:"manifest_members"`
	JournalArtifacts int              `json:"journal_artifacts"`
	DurableArtifacts int              `json:"durable_artifacts"`
	Artifacts        []ArtifactReport `json:"artifacts"`
}

// ArtifactReport is one verified artifact; ArtifactPath is the resolved path on disk.
type ArtifactReport struct {
	CanisterID   string `json:"canister_id"`
	SnapshotID   string `json:"snapshot_id"`
	ArtifactPath string `json:"artifact_path"`
	Checksum     string `json:"checksum"`
}

// LayoutIntegrity reads and validates dir's manifest and download journal and checks that they
// describe the same backup, that every manifest member has a Durable journal artifact whose path
// and checksum agree with the manifest, and that each artifact exists inside dir with that
// checksum, recomputed. The first failure wins, in the order of DOMAIN §9.4.
func LayoutIntegrity(dir string) (*IntegrityReport, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	j, err := ReadDownloadJournal(dir)
	if err != nil {
		return nil, err
	}
	if err := checkBinding(m, j); err != nil {
		return nil, err
	}
	report := &IntegrityReport{BackupID: m.BackupID, Verified: true, ManifestMembers: len(m.Fleet.Members),
		JournalArtifacts: len(j.Artifacts), Artifacts: make([]ArtifactReport, 0, len(m.Fleet.Members))}
	entries := entriesByPair(j)
	for i := range m.Fleet.Members {
		a, err := verifyMember(dir, &m.Fleet.Members[i], entries)
		if err != nil {
			return nil, err
		}
		report.Artifacts = append(report.Artifacts, a)
	}
	report.DurableArtifacts = len(report.Artifacts)
	return report, nil
}

type pair struct{ canister, snapshot string }

// checkBinding: same backup id, same topology hashes, and no journal artifact the manifest
// does not declare.
func checkBinding(m *manifest.Manifest, j *artifact.Journal) error {
	if m.BackupID != j.BackupID {
		return &Error{Err: ErrBackupIDMismatch, Field: "backup_id", Expected: m.BackupID, Actual: j.BackupID}
	}
	hashes := []struct {
		field    string
		manifest string
		journal  *string
	}{
		{"discovery_topology_hash", m.Fleet.DiscoveryTopologyHash, j.DiscoveryTopologyHash},
		{"pre_snapshot_topology_hash", m.Fleet.PreSnapshotTopologyHash, j.PreSnapshotTopologyHash},
	}
	for _, h := range hashes {
		if h.journal == nil || *h.journal != h.manifest {
			return &Error{Err: ErrManifestJournalTopologyReceiptMismatch, Field: h.field, Expected: h.manifest,
				Actual: deref(h.journal), ActualNull: h.journal == nil}
		}
	}
	declared := make(map[pair]bool, len(m.Fleet.Members))
	for i := range m.Fleet.Members {
		declared[pair{m.Fleet.Members[i].CanisterID, m.Fleet.Members[i].SourceSnapshot.SnapshotID}] = true
	}
	for i := range j.Artifacts {
		e := &j.Artifacts[i]
		if !declared[pair{e.CanisterID, e.SnapshotID}] {
			return &Error{Err: ErrUnexpectedJournalArtifact, CanisterID: e.CanisterID, SnapshotID: e.SnapshotID}
		}
	}
	return nil
}

// entriesByPair indexes the journal by (canister, snapshot); the first entry wins, as a scan would.
func entriesByPair(j *artifact.Journal) map[pair]*artifact.Entry {
	byPair := make(map[pair]*artifact.Entry, len(j.Artifacts))
	for i := range j.Artifacts {
		e := &j.Artifacts[i]
		if _, ok := byPair[pair{e.CanisterID, e.SnapshotID}]; !ok {
			byPair[pair{e.CanisterID, e.SnapshotID}] = e
		}
	}
	return byPair
}

func verifyMember(dir string, mem *manifest.Member, entries map[pair]*artifact.Entry) (ArtifactReport, error) {
	snap := &mem.SourceSnapshot
	fail := func(sentinel error) *Error {
		return &Error{Err: sentinel, CanisterID: mem.CanisterID, SnapshotID: snap.SnapshotID}
	}
	e, ok := entries[pair{mem.CanisterID, snap.SnapshotID}]
	switch {
	case !ok:
		return ArtifactReport{}, fail(ErrMissingJournalArtifact)
	case e.State != artifact.StateDurable:
		return ArtifactReport{}, fail(ErrNonDurableArtifact)
	case e.Checksum == nil:
		return ArtifactReport{}, fail(ErrMissingJournalArtifactChecksum)
	case snap.ArtifactPath != e.ArtifactPath:
		err := fail(ErrManifestJournalArtifactPathMismatch)
		err.Expected, err.Actual = snap.ArtifactPath, e.ArtifactPath
		return ArtifactReport{}, err
	case snap.Checksum != nil && *snap.Checksum != *e.Checksum:
		err := fail(ErrManifestJournalChecksumMismatch)
		err.Expected, err.Actual = *snap.Checksum, *e.Checksum
		return ArtifactReport{}, err
	}
	path, err := verifyArtifact(dir, e)
	if err != nil {
		return ArtifactReport{}, err
	}
	return ArtifactReport{CanisterID: e.CanisterID, SnapshotID: e.SnapshotID, ArtifactPath: path, Checksum: *e.Checksum}, nil
}

// verifyArtifact resolves the entry's artifact inside dir and recomputes its checksum.
func verifyArtifact(dir string, e *artifact.Entry) (string, error) {
	path, err := ResolveArtifactPath(dir, e.ArtifactPath)
	if err != nil {
		return "", err
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", &Error{Err: ErrMissingArtifact, Path: path, CanisterID: e.CanisterID, SnapshotID: e.SnapshotID, Cause: err}
	}
	if err := checkContained(dir, path, e.ArtifactPath); err != nil {
		return "", err
	}
	if !info.IsDir() && !info.Mode().IsRegular() { // hashing opens it: a FIFO would block
		return "", &Error{Err: ErrSpecialFile, Path: path, CanisterID: e.CanisterID, SnapshotID: e.SnapshotID}
	}
	sum, err := checksum.Path(path)
	if err == nil {
		err = checksum.Verify(e.ChecksumAlgorithm, *e.Checksum, sum)
	}
	if err != nil {
		return "", &Error{Err: ErrArtifactChecksum, Path: path, CanisterID: e.CanisterID, SnapshotID: e.SnapshotID, Cause: err}
	}
	return path, nil
}
