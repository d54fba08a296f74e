package planning

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// PlanRestore is Limits.PlanRestore with the default limits.
func PlanRestore(req *request.RestoreRequest, backupRoot string, fleet func(sourceRoot string) string) (*restore.RunDocument, *plan.Plan, error) {
	return Limits{}.PlanRestore(req, backupRoot, fleet)
}

// PlanRestore admits a restore request against the backup directory `<backupRoot>/<backup>`
// (restore.Admit: target count within l.MaxTargets, layout integrity, manifest, every artifact
// re-hashed, mapping, plan, readiness) and builds the run's document and pipeline plan; fleet
// names the fleet of a source root. It touches no canister. Everything wrong is a
// *request.RequestError.
func (l Limits) PlanRestore(req *request.RestoreRequest, backupRoot string, fleet func(sourceRoot string) string) (*restore.RunDocument, *plan.Plan, error) {
	if backupRoot == "" {
		return nil, nil, &request.RequestError{Field: "backup",
			Reason: "this planner has no backup root (--backup-root): it cannot read backups to restore"}
	}
	dir := filepath.Join(backupRoot, req.Backup)
	if _, err := os.Stat(dir); err != nil {
		return nil, nil, &request.RequestError{Field: "backup", Reason: fmt.Sprintf("no backup %s under the backup root", req.Backup), Err: err}
	}
	adm, err := restore.Admit(dir, restore.AdmitOptions{Mapping: req.Mapping, SkipLayoutIntegrity: !req.RequireVerified,
		MaxTargets: l.MaxTargets})
	if err != nil {
		return nil, nil, &request.RequestError{Field: "backup", Reason: err.Error(), Err: err}
	}
	network := req.Network
	if network == "" {
		network = adm.Plan.SourceEnvironment
	}
	in := restore.PipelineInput{RunID: req.RunID, Fleet: fleet(adm.Plan.SourceRootCanister), Network: network}
	bp, err := restore.PipelinePlan(in, adm.Plan, adm.Journal)
	if err != nil {
		return nil, nil, &request.RequestError{Field: "backup", Reason: err.Error(), Err: err}
	}
	doc := &restore.RunDocument{RunID: req.RunID, BackupID: req.Backup, BackupDir: dir,
		KeepUploadedSnapshots: req.KeepUploadedSnapshots, Plan: adm.Plan, Journal: adm.Journal}
	return doc, bp, nil
}

// ProveTargets is a restore's preflight (DESIGN §10): every target exists and its status can be
// read by this identity. Transient errors are retried under retry; a target that still cannot
// be read is a *request.RequestError, unless ctx ended.
func ProveTargets(ctx context.Context, exec executor.Executor, retry executor.RetryPolicy, bp *plan.Plan) error {
	for _, t := range bp.Targets {
		err := retry.Do(ctx, func() error {
			_, err := exec.Status(ctx, t.CanisterID)
			return err
		})
		if err != nil && ctx.Err() == nil && !executor.IsTransient(err) {
			return &request.RequestError{Field: "backup",
				Reason: fmt.Sprintf("target preflight: the status of canister %s cannot be read: %v", t.CanisterID, err), Err: err}
		}
		if err != nil {
			return fmt.Errorf("target preflight of %s: %w", t.CanisterID, err)
		}
	}
	return nil
}
