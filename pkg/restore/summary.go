package restore

import (
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// summarize computes every summary of p from its members and deployment checks (RESTORE §2.5).
func (p *Plan) summarize(mappingSupplied bool) {
	p.IdentitySummary = identitySummary(p.Members, mappingSupplied)
	p.SnapshotSummary = snapshotSummary(p.Members)
	p.VerificationSummary = verificationSummary(p.Members, len(p.DeploymentVerificationChecks))
	p.ReadinessSummary = readinessSummary(p.Members)
	p.OperationSummary = operationSummary(len(p.Members), p.VerificationSummary.TotalChecks)
	p.OrderingSummary = orderingSummary(p.Members)
}

func identitySummary(members []Member, mappingSupplied bool) IdentitySummary {
	s := IdentitySummary{MappingSupplied: mappingSupplied}
	for i := range members {
		if members[i].IdentityMode == plan.IdentityFixed {
			s.FixedMembers++
		} else {
			s.RelocatableMembers++
		}
		if members[i].SourceCanister == members[i].TargetCanister {
			s.InPlaceMembers++
		} else {
			s.RemappedMembers++
		}
	}
	if mappingSupplied {
		s.MappedMembers = len(members)
	}
	s.AllSourcesMapped = mappingSupplied && s.MappedMembers == len(members)
	return s
}

func snapshotSummary(members []Member) SnapshotSummary {
	var s SnapshotSummary
	for i := range members {
		snap := &members[i].SourceSnapshot
		if snap.ModuleHash != nil {
			s.MembersWithModuleHash++
		}
		if snap.CodeVersion != nil {
			s.MembersWithCodeVersion++
		}
		if snap.Checksum != nil {
			s.MembersWithChecksum++
		}
	}
	n := len(members)
	s.AllMembersHaveModuleHash = s.MembersWithModuleHash == n
	s.AllMembersHaveCodeVersion = s.MembersWithCodeVersion == n
	s.AllMembersHaveChecksum = s.MembersWithChecksum == n
	return s
}

func verificationSummary(members []Member, deploymentChecks int) VerificationSummary {
	s := VerificationSummary{VerificationRequired: true, DeploymentChecks: deploymentChecks}
	for i := range members {
		n := len(members[i].VerificationChecks)
		s.MemberChecks += n
		if n > 0 {
			s.MembersWithChecks++
		}
	}
	s.AllMembersHaveChecks = s.MembersWithChecks == len(members)
	s.TotalChecks = s.DeploymentChecks + s.MemberChecks
	return s
}

// readinessSummary lists the reasons a plan cannot be restored, in the reference's order.
func readinessSummary(members []Member) ReadinessSummary {
	reasons := []string{}
	if slices.ContainsFunc(members, func(m Member) bool { return m.SourceSnapshot.Checksum == nil }) {
		reasons = append(reasons, ReasonMissingSnapshotChecksum)
	}
	if slices.ContainsFunc(members, func(m Member) bool { return len(m.VerificationChecks) == 0 }) {
		reasons = append(reasons, ReasonMissingVerificationChecks)
	}
	return ReadinessSummary{Ready: len(reasons) == 0, Reasons: reasons}
}

func operationSummary(n, totalChecks int) OperationSummary {
	return OperationSummary{PlannedCanisterStops: n, PlannedCanisterStarts: n, PlannedSnapshotUploads: n,
		PlannedSnapshotLoads: n, PlannedVerificationChecks: totalChecks, PlannedOperations: 4*n + totalChecks}
}

func orderingSummary(members []Member) OrderingSummary {
	s := OrderingSummary{OrderedMembers: len(members)}
	for i := range members {
		if members[i].OrderingDependency != nil {
			s.ParentEdges++
		}
	}
	s.DependencyFreeMembers = s.OrderedMembers - s.ParentEdges
	return s
}
