package manifest

import (
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Placeholders CheckPlan stands in for what only a run produces.
const (
	placeholderSnapshotID = "plan-check-snapshot"
	placeholderCreatedAt  = "unix:0"
	placeholderChecksum   = "0000000000000000000000000000000000000000000000000000000000000000"
)

// placeholderTool stands in for the finalizer's tool metadata.
var placeholderTool = ToolMetadata{Name: "fleetbackup", Version: "plan-check"}

// CheckPlan builds the manifest finalize would build for p, from placeholder snapshot data (one
// Durable artifact per target), and validates it. It runs when the plan is built, before any
// canister is stopped, so that a selection whose manifest can never validate (a topology hash
// that is not sha256 hex, a parent cycle, ...) is rejected up front instead of after every
// snapshot was taken. Replicated roles and disconnected selections pass: they get version 2.
// The error is a *PlanCheckError matching ErrUnfinalizablePlan and the validation error.
func CheckPlan(p *plan.Plan) error {
	if p == nil {
		return &PlanCheckError{Err: fail(missingPlan())}
	}
	if _, err := Build(p, placeholderJournal(p), placeholderCreatedAt, placeholderTool); err != nil {
		return &PlanCheckError{PlanID: p.PlanID, Err: err}
	}
	return nil
}

func missingPlan() *Error {
	e := newErr(ErrMissingInput)
	e.Field = "plan"
	return e
}

// placeholderJournal is a download journal in which every target is Durable.
func placeholderJournal(p *plan.Plan) *artifact.Journal {
	sum := placeholderChecksum
	j := &artifact.Journal{JournalVersion: artifact.Version, BackupID: p.RunID, Artifacts: make([]artifact.Entry, len(p.Targets))}
	for i, t := range p.Targets {
		j.Artifacts[i] = artifact.Entry{
			CanisterID:        t.CanisterID,
			SnapshotID:        placeholderSnapshotID,
			State:             artifact.StateDurable,
			ArtifactPath:      placeholderPath(t.CanisterID),
			ChecksumAlgorithm: HashAlgorithm,
			Checksum:          &sum,
			UpdatedAt:         placeholderCreatedAt,
		}
	}
	return j
}

// placeholderPath is a non-empty relative path for a canister's artifact.
func placeholderPath(canisterID string) string {
	if strings.TrimSpace(canisterID) == "" {
		return "artifact"
	}
	return canisterID
}
