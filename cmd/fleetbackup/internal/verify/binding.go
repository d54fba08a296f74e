package verify

import (
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// checkBinding: the manifest and the download journal describe the same backup and the same
// artifacts (DOMAIN §9.4), each disagreement named.
func (c *checker) checkBinding() {
	m, dl := c.manifest, c.download
	if m == nil || dl == nil {
		return
	}
	const mf, df = layout.ManifestFile, layout.DownloadJournalFile
	if m.BackupID != dl.BackupID {
		c.problem(mf, ErrMismatch, "backup_id %s differs from %s's %s", quote(m.BackupID), df, quote(dl.BackupID))
	}
	c.compareHash("fleet.discovery_topology_hash", m.Fleet.DiscoveryTopologyHash, "discovery_topology_hash", dl.DiscoveryTopologyHash)
	c.compareHash("fleet.pre_snapshot_topology_hash", m.Fleet.PreSnapshotTopologyHash, "pre_snapshot_topology_hash", dl.PreSnapshotTopologyHash)
	declared := map[[2]string]bool{}
	for _, mem := range m.Fleet.Members {
		declared[[2]string{mem.CanisterID, mem.SourceSnapshot.SnapshotID}] = true
	}
	for _, e := range dl.Artifacts {
		if !declared[[2]string{e.CanisterID, e.SnapshotID}] {
			c.problem(df, ErrNotInManifest, "artifact of canister %s snapshot %s is not a member of %s", e.CanisterID, e.SnapshotID, mf)
		}
	}
	for i := range m.Fleet.Members {
		c.compareMember(&m.Fleet.Members[i], findEntry(dl, m.Fleet.Members[i].CanisterID, m.Fleet.Members[i].SourceSnapshot.SnapshotID))
	}
}

func (c *checker) compareHash(mField, mValue, dField string, dValue *string) {
	if dValue != nil && *dValue == mValue {
		return
	}
	got := "null"
	if dValue != nil {
		got = quote(*dValue)
	}
	c.problem(layout.ManifestFile, ErrMismatch, "%s %s differs from %s's %s %s", mField, quote(mValue), layout.DownloadJournalFile, dField, got)
}

func (c *checker) compareMember(mem *manifest.Member, e *artifact.Entry) {
	const mf, df = layout.ManifestFile, layout.DownloadJournalFile
	snap := &mem.SourceSnapshot
	switch {
	case e == nil:
		c.problem(mf, ErrMismatch, "member %s snapshot %s has no artifact in %s", mem.CanisterID, snap.SnapshotID, df)
		return
	case e.State != artifact.StateDurable:
		c.problem(df, ErrNotDurable, "artifact of canister %s is %s, not Durable", e.CanisterID, e.State)
	case e.Checksum == nil:
		c.problem(df, ErrMismatch, "artifact of canister %s has no checksum", e.CanisterID)
	}
	if snap.ArtifactPath != e.ArtifactPath {
		c.problem(mf, ErrMismatch, "member %s artifact_path %s differs from %s's %s", mem.CanisterID,
			quote(snap.ArtifactPath), df, quote(e.ArtifactPath))
	}
	if snap.Checksum != nil && e.Checksum != nil && *snap.Checksum != *e.Checksum {
		c.problem(mf, ErrMismatch, "member %s checksum %s differs from %s's %s", mem.CanisterID,
			*snap.Checksum, df, *e.Checksum)
	}
}

func findEntry(dl *artifact.Journal, canister, snapshot string) *artifact.Entry {
	for i := range dl.Artifacts {
		if dl.Artifacts[i].CanisterID == canister && dl.Artifacts[i].SnapshotID == snapshot {
			return &dl.Artifacts[i]
		}
	}
	return nil
}

// checkReceipts: the snapshot id and the checksum each target's last completed receipts
// recorded in the execution journal are those of its download-journal artifact.
func (c *checker) checkReceipts() {
	if c.journal == nil || c.download == nil {
		return
	}
	snapshots, sums := map[string]string{}, map[string]string{}
	for _, r := range c.journal.OperationReceipts {
		if r.Outcome != journal.OutcomeCompleted || r.TargetCanisterID == nil {
			continue
		}
		switch {
		case r.Kind == plan.KindCreateSnapshot && r.SnapshotID != nil:
			snapshots[*r.TargetCanisterID] = *r.SnapshotID
		case r.Kind == plan.KindVerifyArtifact && r.Checksum != nil:
			sums[*r.TargetCanisterID] = *r.Checksum
		}
	}
	const ef, df = layout.ExecutionJournalFile, layout.DownloadJournalFile
	for _, e := range c.download.Artifacts {
		if s, ok := snapshots[e.CanisterID]; ok && s != e.SnapshotID {
			c.problem(df, ErrMismatch, "artifact of canister %s has snapshot %s, but its create-snapshot receipt in %s says %s",
				e.CanisterID, e.SnapshotID, ef, s)
		}
		if s, ok := sums[e.CanisterID]; ok && e.Checksum != nil && s != *e.Checksum {
			c.problem(df, ErrMismatch, "artifact of canister %s has checksum %s, but its verify-artifact receipt in %s says %s",
				e.CanisterID, *e.Checksum, ef, s)
		}
	}
}

func quote(s string) string { return strconv.Quote(s) }

func itoa(n int) string { return strconv.Itoa(n) }
