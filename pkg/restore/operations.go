package restore

import "github.com/fleetbackup/fleetbackup/pkg/checksum"

// Operations generates a plan's operations in phase order (RESTORE §3.4 with DESIGN §10's
// kinds): every upload (the fleet keeps running), every stop parent first, every load, every start
// child first, the member checks, the deployment checks, and one finalize-restore. Operations
// start ready with no timestamp; NewJournal sets their final state.
func Operations(p *Plan) []Operation {
	ops := make([]Operation, 0, 4*len(p.Members)+p.VerificationSummary.TotalChecks+1)
	add := func(op Operation) {
		op.Sequence, op.State, op.BlockingReasons = len(ops), StateReady, []string{}
		ops = append(ops, op)
	}
	for i := range p.Members {
		add(artifactOp(KindUploadSnapshot, &p.Members[i]))
	}
	for i := range p.Members {
		add(memberOp(KindStop, &p.Members[i]))
	}
	for i := range p.Members {
		add(artifactOp(KindLoadSnapshot, &p.Members[i]))
	}
	for i := len(p.Members) - 1; i >= 0; i-- {
		add(memberOp(KindStart, &p.Members[i]))
	}
	for i := range p.Members {
		m := &p.Members[i]
		for _, c := range m.VerificationChecks {
			op := memberOp(KindCheckMember, m)
			op.VerificationKind, op.ExpectedModuleHash = strp(c.Kind), clone(m.SourceSnapshot.ModuleHash)
			add(op)
		}
	}
	for _, c := range p.DeploymentVerificationChecks {
		op := p.deploymentOp(KindCheckMember, len(ops))
		op.VerificationKind = strp(c.Kind)
		add(op)
	}
	add(p.deploymentOp(KindFinalizeRestore, len(ops)))
	return ops
}

func memberOp(kind Kind, m *Member) Operation {
	return Operation{Operation: kind, MemberOrder: m.MemberOrder, SourceCanister: m.SourceCanister,
		TargetCanister: m.TargetCanister, Role: m.Role}
}

// artifactOp is an upload or load: it names the source snapshot and the verified artifact.
func artifactOp(kind Kind, m *Member) Operation {
	op := memberOp(kind, m)
	op.SnapshotID = strp(m.SourceSnapshot.SnapshotID)
	op.ArtifactPath = strp(m.SourceSnapshot.ArtifactPath)
	if m.SourceSnapshot.Checksum != nil {
		op.ArtifactChecksum = &ArtifactChecksum{Algorithm: checksum.Algorithm, Hash: *m.SourceSnapshot.Checksum}
	}
	return op
}

// deploymentOp targets the restored root member, or the live source root when the backup did
// not include it (RESTORE §3.2); its member order is its own sequence.
func (p *Plan) deploymentOp(kind Kind, sequence int) Operation {
	op := Operation{Operation: kind, MemberOrder: sequence, SourceCanister: p.SourceRootCanister,
		TargetCanister: p.SourceRootCanister, Role: RoleDeployment}
	if root := p.rootMember(); root != nil {
		op.TargetCanister = root.TargetCanister
		if kind == KindCheckMember {
			op.ExpectedModuleHash = clone(root.SourceSnapshot.ModuleHash)
		}
	}
	return op
}

// rootMember is the plan member restored from the source root, or nil.
func (p *Plan) rootMember() *Member {
	for i := range p.Members {
		if p.Members[i].SourceCanister == p.SourceRootCanister {
			return &p.Members[i]
		}
	}
	return nil
}

func strp(s string) *string { return &s }
