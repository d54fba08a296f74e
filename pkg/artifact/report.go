package artifact

// ResumeReport is the status view of a download journal (DOMAIN §5.5).
type ResumeReport struct {
	BackupID                string           `json:"backup_id"`
	DiscoveryTopologyHash   *string          `json:"discovery_topology_hash"`
	PreSnapshotTopologyHash *string          `json:"pre_snapshot_topology_hash"`
	TotalArtifacts          int              `json:"total_artifacts"`
	IsComplete              bool             `json:"is_complete"`
	PendingArtifacts        int              `json:"pending_artifacts"`
	Counts                  ResumeCounts     `json:"counts"`
	OperationMetrics        Metrics          `json:"operation_metrics"`
	Artifacts               []ResumeArtifact `json:"artifacts"`
}

// ResumeCounts counts entries per state and per resume action.
type ResumeCounts struct {
	Created          int `json:"created"`
	Downloaded       int `json:"downloaded"`
	ChecksumVerified int `json:"checksum_verified"`
	Durable          int `json:"durable"`
	Download         int `json:"download"`
	VerifyChecksum   int `json:"verify_checksum"`
	Finalize         int `json:"finalize"`
	Skip             int `json:"skip"`
}

// ResumeArtifact is one entry of a ResumeReport with the action a resume would take.
type ResumeArtifact struct {
	CanisterID   string       `json:"canister_id"`
	SnapshotID   string       `json:"snapshot_id"`
	State        State        `json:"state"`
	ResumeAction ResumeAction `json:"resume_action"`
	ArtifactPath string       `json:"artifact_path"`
	TempPath     *string      `json:"temp_path"`
	UpdatedAt    string       `json:"updated_at"`
}

// ResumeReport summarises the journal: it is complete iff every entry's action is Skip, and
// pending_artifacts = total − skip.
func (j *Journal) ResumeReport() ResumeReport {
	r := ResumeReport{
		BackupID:                j.BackupID,
		DiscoveryTopologyHash:   j.DiscoveryTopologyHash,
		PreSnapshotTopologyHash: j.PreSnapshotTopologyHash,
		TotalArtifacts:          len(j.Artifacts),
		OperationMetrics:        j.OperationMetrics,
		Artifacts:               make([]ResumeArtifact, 0, len(j.Artifacts)),
	}
	for _, e := range j.Artifacts {
		action := ResumeActionFor(e.State)
		r.Counts.add(e.State, action)
		r.Artifacts = append(r.Artifacts, ResumeArtifact{
			CanisterID:   e.CanisterID,
			SnapshotID:   e.SnapshotID,
			State:        e.State,
			ResumeAction: action,
			ArtifactPath: e.ArtifactPath,
			TempPath:     e.TempPath,
			UpdatedAt:    e.UpdatedAt,
		})
	}
	r.PendingArtifacts = r.TotalArtifacts - r.Counts.Skip
	r.IsComplete = r.PendingArtifacts == 0
	return r
}

func (c *ResumeCounts) add(s State, a ResumeAction) {
	switch s {
	case StateCreated:
		c.Created++
	case StateDownloaded:
		c.Downloaded++
	case StateChecksumVerified:
		c.ChecksumVerified++
	case StateDurable:
		c.Durable++
	}
	switch a {
	case ActionDownload:
		c.Download++
	case ActionVerifyChecksum:
		c.VerifyChecksum++
	case ActionFinalize:
		c.Finalize++
	case ActionSkip:
		c.Skip++
	}
}
