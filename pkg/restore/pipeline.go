package restore

import (
	"fmt"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// PreflightPhases is the number of validate phases in front of a restore's operations in its
// pipeline plan: journal sequence s is pipeline sequence s + PreflightPhases.
const PreflightPhases = 4

// RunDocument is what a restore run stores beside its pipeline plan: the admitted restore plan
// and journal (operation states at admission), the backup directory they came from, and the
// request's options. It is written once, at admission, and never changed.
type RunDocument struct {
	RunID                 string   `json:"run_id"`
	BackupID              string   `json:"backup_id"`
	BackupDir             string   `json:"backup_dir"`
	KeepUploadedSnapshots bool     `json:"keep_uploaded_snapshots"`
	Plan                  *Plan    `json:"plan"`
	Journal               *Journal `json:"journal"`
}

// RestoresDir is the directory of a backup under which each restore from it keeps its files.
const RestoresDir = layout.RestoresDir

// Dir is `<backup dir>/restores/<run_id>`: the restore's documents and its staging copies.
func (d *RunDocument) Dir() string { return filepath.Join(d.BackupDir, RestoresDir, d.RunID) }

// StagingDir is where the restore's uploads stage their private copies of artifacts.
func (d *RunDocument) StagingDir() string { return layout.RestoreStagingDir(d.BackupDir, d.RunID) }

// Operation returns the restore operation behind pipeline sequence seq.
func (d *RunDocument) Operation(seq int) (*Operation, error) {
	i := seq - PreflightPhases
	if i < 0 || i >= len(d.Journal.Operations) {
		return nil, fmt.Errorf("restore run %s has no operation at pipeline sequence %d", d.RunID, seq)
	}
	return &d.Journal.Operations[i], nil
}

// UploadOf returns the pipeline sequence of the upload of the member whose load (or any other
// member operation) is at pipeline sequence seq: uploads come first, one per member, in member
// order, so the upload of member order m is m.
func (d *RunDocument) UploadOf(seq int) (int, error) {
	op, err := d.Operation(seq)
	if err != nil {
		return 0, err
	}
	if op.MemberOrder >= len(d.Plan.Members) || op.Role == RoleDeployment {
		return 0, fmt.Errorf("restore operation %d belongs to no member", op.Sequence)
	}
	up := &d.Journal.Operations[op.MemberOrder]
	if up.Operation != KindUploadSnapshot || up.TargetCanister != op.TargetCanister {
		return 0, fmt.Errorf("restore operation %d: no upload for member %d", op.Sequence, op.MemberOrder)
	}
	return up.Sequence + PreflightPhases, nil
}

// PipelineInput names what a restore's pipeline plan needs beyond the admitted documents.
type PipelineInput struct {
	RunID, Fleet, Network string
}

// PipelinePlan is the run plan the pipeline executes for an admitted restore: the four validate
// phases (the targets' preflight, proven at admission) followed by the journal's operations one
// to one, with the plan's targets as the run's canisters (parent before child, their parents
// the parents' targets). Deployment checks and finalize name no target: they act on the fleet,
// and the root they name may not be restored. Kinds are plan kinds of the same spelling.
func PipelinePlan(in PipelineInput, p *Plan, j *Journal) (*plan.Plan, error) {
	bp := &plan.Plan{PlanID: "plan-" + in.RunID, RunID: in.RunID, Fleet: in.Fleet, Network: in.Network,
		RootCanisterID: p.SourceRootCanister, SelectedScopeKind: plan.ScopeNonRootFleet,
		SnapshotReadAuthority: proven(), QuiescencePolicy: plan.QuiescenceCrashConsistent,
		TopologyHashBeforeQuiesce: p.TopologyHash, Targets: pipelineTargets(p)}
	for _, t := range bp.Targets {
		if t.CanisterID == bp.RootCanisterID {
			root := bp.RootCanisterID
			bp.SelectedScopeKind, bp.RootIncluded, bp.SelectedSubtreeRoot = plan.ScopeMaintenanceRoot, true, &root
		}
	}
	bp.Phases = pipelinePhases(j)
	if err := bp.Validate(); err != nil {
		return nil, fmt.Errorf("restore pipeline plan: %w", err)
	}
	return bp, nil
}

func proven() plan.SnapshotReadAuthority {
	return plan.SnapshotReadAuthority{Source: plan.ReadOperatorController, Evidence: plan.EvidenceProven}
}

func pipelineTargets(p *Plan) []plan.Target {
	depth := make(map[string]uint32, len(p.Members))
	targets := make([]plan.Target, 0, len(p.Members))
	for i := range p.Members {
		m := &p.Members[i]
		t := plan.Target{CanisterID: m.TargetCanister, Role: strp(m.Role), ParentCanisterID: clone(m.ParentTargetCanister),
			ControlAuthority: plan.ControlAuthority{
				Source: plan.ControlSource{Kind: plan.ControlOperatorController}, Evidence: plan.EvidenceProven},
			SnapshotReadAuthority: proven(), IdentityMode: m.IdentityMode,
			ExpectedModuleHash: clone(m.SourceSnapshot.ModuleHash)}
		if t.ParentCanisterID != nil {
			if d, ok := depth[*t.ParentCanisterID]; ok { // members come parent first
				t.Depth = d + 1
			}
		}
		depth[t.CanisterID] = t.Depth
		targets = append(targets, t)
	}
	return targets
}

func pipelinePhases(j *Journal) []plan.Operation {
	ops := make([]plan.Operation, 0, PreflightPhases+len(j.Operations))
	for _, v := range []struct {
		id   string
		kind plan.OperationKind
	}{{plan.OpValidateTopology, plan.KindValidateTopology}, {plan.OpValidateControl, plan.KindValidateControl},
		{plan.OpValidateSnapshotRead, plan.KindValidateSnapshotRead}, {plan.OpValidateQuiescence, plan.KindValidateQuiescence}} {
		ops = append(ops, plan.Operation{OperationID: v.id, Order: uint32(len(ops)), Kind: v.kind})
	}
	for i := range j.Operations {
		op := &j.Operations[i]
		ph := plan.Operation{OperationID: PipelineOperationID(op), Order: uint32(len(ops)), Kind: plan.OperationKind(op.Operation)}
		if op.Role != RoleDeployment && op.Operation != KindFinalizeRestore {
			ph.TargetCanisterID = strp(op.TargetCanister)
		}
		ops = append(ops, ph)
	}
	return ops
}

// PipelineOperationID names a restore operation in the pipeline: `<kind>-<target>` for the four
// member operations, `check-<sequence>-<target>` for checks (a member may have several),
// `check-deployment-<sequence>` and `finalize-restore`.
func PipelineOperationID(op *Operation) string {
	short := map[Kind]string{KindUploadSnapshot: "upload", KindStop: "stop", KindLoadSnapshot: "load", KindStart: "start"}
	switch {
	case op.Operation == KindFinalizeRestore:
		return string(KindFinalizeRestore)
	case op.Operation == KindCheckMember && op.Role == RoleDeployment:
		return fmt.Sprintf("check-deployment-%d", op.Sequence)
	case op.Operation == KindCheckMember:
		return fmt.Sprintf("check-%d-%s", op.Sequence, op.TargetCanister)
	}
	return short[op.Operation] + "-" + op.TargetCanister
}

// IsDeploymentCheck reports whether a pipeline operation id is a deployment check.
func IsDeploymentCheck(operationID string) bool {
	return len(operationID) > len("check-deployment-") && operationID[:len("check-deployment-")] == "check-deployment-"
}
