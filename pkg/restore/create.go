package restore

import (
	"slices"
)

// NewJournal builds the initial apply journal of a validated plan (RESTORE §4.2). v is the
// admission's artifact validation, or nil when none ran. When the plan is not ready, or artifacts
// are missing or not fully checksum-verified, or were not validated at all, the journal is not
// ready and every operation starts blocked with the full list of reasons; a blocked journal never
// unblocks and must be rebuilt. Otherwise every operation starts ready.
func NewJournal(p *Plan, v *ArtifactValidation) (*Journal, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if e := v.matches(p); e != nil {
		return nil, e
	}
	reasons := blockedReasons(p, v)
	ops := Operations(p)
	if len(reasons) > 0 {
		for i := range ops {
			ops[i].State, ops[i].BlockingReasons = StateBlocked, slices.Clone(reasons)
		}
	}
	j := &Journal{JournalVersion: JournalVersion, BackupID: p.BackupID, Ready: len(reasons) == 0,
		BlockedReasons: reasons, Operations: ops, OperationReceipts: []Receipt{}}
	if v != nil {
		j.BackupRoot = strp(v.BackupRoot)
	}
	j.recount()
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return j, nil
}

// blockedReasons is RESTORE §1.4: the plan's readiness reasons and the artifact validation's,
// sorted byte-wise and de-duplicated.
func blockedReasons(p *Plan, v *ArtifactValidation) []string {
	reasons := slices.Clone(p.ReadinessSummary.Reasons)
	switch {
	case v == nil:
		reasons = append(reasons, ReasonMissingArtifactValidation)
	default:
		if !v.ArtifactsPresent {
			reasons = append(reasons, ReasonMissingArtifacts)
		}
		if !v.ChecksumsVerified {
			reasons = append(reasons, ReasonArtifactChecksumsIncomplete)
		}
	}
	slices.Sort(reasons)
	return append([]string{}, slices.Compact(reasons)...)
}

// matches requires an artifact validation to describe exactly the plan's members, in order.
func (v *ArtifactValidation) matches(p *Plan) *Error {
	if v == nil {
		return nil
	}
	if v.BackupRoot == "" {
		return fieldErr(ErrMissingField, "artifact_validation.backup_root")
	}
	if v.CheckedMembers != len(v.Checks) || len(v.Checks) != len(p.Members) {
		return fieldErr(ErrProjectionMismatch, "artifact_validation.checked_members")
	}
	for i := range v.Checks {
		c, m := &v.Checks[i], &p.Members[i]
		if c.SourceCanister != m.SourceCanister || c.TargetCanister != m.TargetCanister ||
			c.SnapshotID != m.SourceSnapshot.SnapshotID || c.ArtifactPath != m.SourceSnapshot.ArtifactPath ||
			!equalPtr(c.ChecksumExpected, m.SourceSnapshot.Checksum) {
			e := fieldErr(ErrProjectionMismatch, "artifact_validation.checks")
			e.Source = m.SourceCanister
			return e
		}
	}
	return nil
}

// recount sets the operation count and every counter from the operations.
func (j *Journal) recount() {
	j.OperationCount = len(j.Operations)
	j.OperationCounts = countKinds(j.Operations)
	j.PendingOperations, j.ReadyOperations, j.BlockedOperations, j.CompletedOperations, j.FailedOperations =
		0, 0, 0, 0, 0
	for i := range j.Operations {
		if c := j.stateCounter(j.Operations[i].State); c != nil {
			*c++
		}
	}
}

// stateCounter is the journal counter of a state, or nil for an unknown state.
func (j *Journal) stateCounter(s State) *int {
	switch s {
	case StatePending:
		return &j.PendingOperations
	case StateReady:
		return &j.ReadyOperations
	case StateBlocked:
		return &j.BlockedOperations
	case StateCompleted:
		return &j.CompletedOperations
	case StateFailed:
		return &j.FailedOperations
	}
	return nil
}

// countKinds counts operations by kind; a check with role deployment is a deployment check.
func countKinds(ops []Operation) OperationCounts {
	var c OperationCounts
	for i := range ops {
		switch ops[i].Operation {
		case KindStop:
			c.CanisterStops++
		case KindStart:
			c.CanisterStarts++
		case KindUploadSnapshot:
			c.SnapshotUploads++
		case KindLoadSnapshot:
			c.SnapshotLoads++
		case KindCheckMember:
			if ops[i].Role == RoleDeployment {
				c.DeploymentVerifications++
			} else {
				c.MemberVerifications++
			}
		case KindFinalizeRestore:
			c.FinalizeOperations++
		}
	}
	c.VerificationOperations = c.MemberVerifications + c.DeploymentVerifications
	return c
}
