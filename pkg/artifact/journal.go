// Package artifact is the download journal of DOMAIN §5: one entry per target's snapshot artifact,
// its state machine (Created → Downloaded → ChecksumVerified → Durable), validation, resume
// report, and the assembly of the file `download-journal.json` from per-entry records.
package artifact

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// Header is the journal without its entries: what the pipeline keeps once per run while each
// entry lives in its own record.
type Header struct {
	BackupID                string  `json:"backup_id"`
	DiscoveryTopologyHash   *string `json:"discovery_topology_hash"`
	PreSnapshotTopologyHash *string `json:"pre_snapshot_topology_hash"`
}

// New starts a journal as the reference does at the first snapshot (DOMAIN §7.4): version 1,
// both topology hashes set to the plan's hash, zero metrics, no entries yet.
func New(backupID string, topologyHash string) *Journal {
	discovery, preSnapshot := topologyHash, topologyHash
	return &Journal{
		JournalVersion:          Version,
		BackupID:                backupID,
		DiscoveryTopologyHash:   &discovery,
		PreSnapshotTopologyHash: &preSnapshot,
		Artifacts:               []Entry{},
	}
}

// Header returns the journal's identity and topology hashes.
func (j *Journal) Header() Header {
	return Header{
		BackupID:                j.BackupID,
		DiscoveryTopologyHash:   j.DiscoveryTopologyHash,
		PreSnapshotTopologyHash: j.PreSnapshotTopologyHash,
	}
}

// Assemble builds the whole journal from its header and per-entry records, in the order given
// (the caller passes plan order), and validates it. target_count is the number of entries, as the
// reference's appends leave it; the other counters stay zero.
func Assemble(header Header, entries []Entry) (*Journal, error) {
	j := &Journal{
		JournalVersion:          Version,
		BackupID:                header.BackupID,
		DiscoveryTopologyHash:   header.DiscoveryTopologyHash,
		PreSnapshotTopologyHash: header.PreSnapshotTopologyHash,
		OperationMetrics:        Metrics{TargetCount: len(entries)},
		Artifacts:               append([]Entry{}, entries...),
	}
	if err := j.Validate(); err != nil {
		return nil, fmt.Errorf("assembling download journal: %w", err)
	}
	return j, nil
}

// Upsert stores e by canister_id (DOMAIN §7.4 step 3): an existing entry for that canister is
// replaced entirely; otherwise e is appended and target_count becomes the number of entries.
func (j *Journal) Upsert(e Entry) {
	if existing, ok := j.Entry(e.CanisterID); ok {
		*existing = e
		return
	}
	j.Artifacts = append(j.Artifacts, e)
	j.OperationMetrics.TargetCount = len(j.Artifacts)
}

// Entry returns the journal's entry for canisterID, to read or change in place.
func (j *Journal) Entry(canisterID string) (*Entry, bool) {
	i := slices.IndexFunc(j.Artifacts, func(e Entry) bool { return e.CanisterID == canisterID })
	if i < 0 {
		return nil, false
	}
	return &j.Artifacts[i], true
}

// rawJournal decodes like Journal but without its methods, so decoding does not validate early
// and encoding does not recurse.
type rawJournal Journal

// MarshalJSON writes the journal with `artifacts` as `[]` even when the slice is nil.
func (j Journal) MarshalJSON() ([]byte, error) {
	if j.Artifacts == nil {
		j.Artifacts = []Entry{}
	}
	return json.Marshal(rawJournal(j))
}

// Load decodes and validates a download journal (at most document.MaxSize bytes). Unknown fields
// are ignored; unknown states, negative metrics and every §5.3 failure are errors.
func Load(data []byte) (*Journal, error) {
	var raw rawJournal
	if err := document.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decoding download journal: %w", err)
	}
	j := Journal(raw)
	if j.Artifacts == nil {
		j.Artifacts = []Entry{}
	}
	if err := j.OperationMetrics.validate(); err != nil {
		return nil, err
	}
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return &j, nil
}

func (m Metrics) validate() error {
	for _, c := range []struct {
		name  string
		value int
	}{
		{"target_count", m.TargetCount},
		{"snapshot_create_started", m.SnapshotCreateStarted},
		{"snapshot_create_completed", m.SnapshotCreateCompleted},
		{"snapshot_download_started", m.SnapshotDownloadStarted},
		{"snapshot_download_completed", m.SnapshotDownloadCompleted},
		{"checksum_verify_started", m.ChecksumVerifyStarted},
		{"checksum_verify_completed", m.ChecksumVerifyCompleted},
		{"artifact_finalize_started", m.ArtifactFinalizeStarted},
		{"artifact_finalize_completed", m.ArtifactFinalizeCompleted},
	} {
		if c.value < 0 {
			return &FieldError{Err: ErrNegativeMetric, Field: "operation_metrics." + c.name, Value: fmt.Sprint(c.value), Index: noIndex}
		}
	}
	return nil
}
