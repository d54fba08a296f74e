package restore

import (
	"slices"
	"strconv"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Validate checks a restore plan in the reference's 0.108 order (RESTORE §2.6); the first
// failure wins. A plan read from disk is trusted only after this.
func (p *Plan) Validate() error {
	if p == nil {
		return fieldErr(ErrEmptyField, "plan")
	}
	steps := []func() *Error{p.validateHeader, p.validateMembers, p.validateParents,
		p.validateDeploymentChecks, p.validateOrder, p.validateSummaries}
	for _, step := range steps {
		if e := step(); e != nil {
			return e
		}
	}
	return nil
}

func (p *Plan) validateHeader() *Error {
	if p.PlanVersion != PlanVersion {
		e := newErr(ErrUnsupportedVersion)
		e.Field, e.Actual = "plan_version", strconv.Itoa(int(p.PlanVersion))
		return e
	}
	for _, f := range []struct{ name, value string }{
		{"backup_id", p.BackupID}, {"source_environment", p.SourceEnvironment}, {"source_root_canister", p.SourceRootCanister},
	} {
		if f.value == "" {
			return fieldErr(ErrEmptyField, f.name)
		}
	}
	if e := principalField("source_root_canister", p.SourceRootCanister); e != nil {
		return e
	}
	if !checksum.ValidHex(p.TopologyHash) {
		e := fieldErr(ErrInvalidHash, "topology_hash")
		e.Value = p.TopologyHash
		return e
	}
	if p.MemberCount != len(p.Members) {
		e := fieldErr(ErrMemberCountMismatch, "member_count")
		e.Expected, e.Actual = strconv.Itoa(len(p.Members)), strconv.Itoa(p.MemberCount)
		return e
	}
	if len(p.Members) == 0 {
		return fieldErr(ErrEmptyField, "members")
	}
	return nil
}

// validateMembers checks each member's own fields and the uniqueness of sources and targets.
func (p *Plan) validateMembers() *Error {
	sources := make(map[string]bool, len(p.Members))
	targets := make(map[string]bool, len(p.Members))
	for i := range p.Members {
		m := &p.Members[i]
		if e := m.validateIDs(); e != nil {
			return e
		}
		if sources[m.SourceCanister] {
			e := newErr(ErrDuplicatePlanSource)
			e.Source = m.SourceCanister
			return e
		}
		if targets[m.TargetCanister] {
			e := newErr(ErrDuplicatePlanTarget)
			e.Target = m.TargetCanister
			return e
		}
		sources[m.SourceCanister], targets[m.TargetCanister] = true, true
		if e := m.validateIdentityAndSnapshot(); e != nil {
			return e
		}
	}
	return nil
}

func (m *Member) validateIDs() *Error {
	if e := principalField("members[].source_canister", m.SourceCanister); e != nil {
		return e
	}
	if e := principalField("members[].target_canister", m.TargetCanister); e != nil {
		return e
	}
	if m.Role == "" {
		return fieldErr(ErrEmptyField, "members[].role")
	}
	return nil
}

func (m *Member) validateIdentityAndSnapshot() *Error {
	switch {
	case m.IdentityMode != plan.IdentityFixed && m.IdentityMode != plan.IdentityRelocatable:
		e := fieldErr(ErrUnknownValue, "members[].identity_mode")
		e.Value = string(m.IdentityMode)
		return e
	case m.IdentityMode == plan.IdentityFixed && m.SourceCanister != m.TargetCanister:
		e := newErr(ErrFixedIdentityRemap)
		e.Source, e.Target = m.SourceCanister, m.TargetCanister
		return e
	case m.SourceSnapshot.SnapshotID == "":
		return fieldErr(ErrEmptyField, "members[].source_snapshot.snapshot_id")
	case m.SourceSnapshot.ArtifactPath == "":
		return fieldErr(ErrEmptyField, "members[].source_snapshot.artifact_path")
	case m.SourceSnapshot.ChecksumAlgorithm != checksum.Algorithm:
		return fieldErr(ErrProjectionMismatch, "members[].source_snapshot.checksum_algorithm")
	case m.SourceSnapshot.Checksum != nil && !checksum.ValidHex(*m.SourceSnapshot.Checksum):
		e := fieldErr(ErrInvalidHash, "members[].source_snapshot.checksum")
		e.Value = *m.SourceSnapshot.Checksum
		return e
	}
	for _, c := range m.VerificationChecks {
		if c.Kind == "" {
			return fieldErr(ErrEmptyField, "members[].verification_checks[].kind")
		}
	}
	return nil
}

// validateParents checks that each member's parent target is its parent's target.
func (p *Plan) validateParents() *Error {
	targetOf := make(map[string]string, len(p.Members))
	for i := range p.Members {
		targetOf[p.Members[i].SourceCanister] = p.Members[i].TargetCanister
	}
	for i := range p.Members {
		m := &p.Members[i]
		if m.ParentSourceCanister != nil {
			if e := principalField("members[].parent_source_canister", *m.ParentSourceCanister); e != nil {
				return e
			}
		}
		var want *string
		if m.ParentSourceCanister != nil {
			if t, ok := targetOf[*m.ParentSourceCanister]; ok {
				want = &t
			}
		}
		if !equalPtr(want, m.ParentTargetCanister) {
			return fieldErr(ErrProjectionMismatch, "members[].parent_target_canister")
		}
		if m.ParentTargetCanister != nil {
			if e := principalField("members[].parent_target_canister", *m.ParentTargetCanister); e != nil {
				return e
			}
		}
	}
	return nil
}

func (p *Plan) validateDeploymentChecks() *Error {
	for _, c := range p.DeploymentVerificationChecks {
		if c.Kind == "" {
			return fieldErr(ErrEmptyField, "deployment_verification_checks[].kind")
		}
	}
	return nil
}

// validateOrder re-runs the ordering on the member list, which must reproduce it exactly.
func (p *Plan) validateOrder() *Error {
	reordered, err := orderMembers(p.Members)
	if err != nil {
		return err.(*Error)
	}
	for i := range reordered {
		a, b := &reordered[i], &p.Members[i]
		if a.SourceCanister != b.SourceCanister || a.MemberOrder != b.MemberOrder ||
			!equalDependency(a.OrderingDependency, b.OrderingDependency) {
			return fieldErr(ErrProjectionMismatch, "members")
		}
	}
	return nil
}

// validateSummaries recomputes every summary; mapping_supplied is the plan's own claim.
func (p *Plan) validateSummaries() *Error {
	want := Plan{Members: p.Members, DeploymentVerificationChecks: p.DeploymentVerificationChecks}
	want.summarize(p.IdentitySummary.MappingSupplied)
	switch {
	case want.IdentitySummary != p.IdentitySummary:
		return fieldErr(ErrProjectionMismatch, "identity_summary")
	case want.SnapshotSummary != p.SnapshotSummary:
		return fieldErr(ErrProjectionMismatch, "snapshot_summary")
	case want.VerificationSummary != p.VerificationSummary:
		return fieldErr(ErrProjectionMismatch, "verification_summary")
	case want.ReadinessSummary.Ready != p.ReadinessSummary.Ready ||
		!slices.Equal(want.ReadinessSummary.Reasons, p.ReadinessSummary.Reasons):
		return fieldErr(ErrProjectionMismatch, "readiness_summary")
	case want.OperationSummary != p.OperationSummary:
		return fieldErr(ErrProjectionMismatch, "operation_summary")
	case want.OrderingSummary != p.OrderingSummary:
		return fieldErr(ErrProjectionMismatch, "ordering_summary")
	}
	return nil
}

func equalPtr(a, b *string) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

func equalDependency(a, b *OrderingDependency) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
