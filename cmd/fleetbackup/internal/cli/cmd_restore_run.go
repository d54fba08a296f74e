package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fleetbackup/fleetbackup/cmd/fleetbackup/internal/progress"
	"github.com/fleetbackup/fleetbackup/pkg/client"
	"github.com/fleetbackup/fleetbackup/pkg/dispatch"
	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// restoreRunCommand is `restore run`, dispatched by runRestore; its own help and usage line.
func restoreRunCommand() *command {
	return &command{
		Name:    "restore run",
		Args:    "<backup>",
		Summary: "restore a fleet from a backup on the pipeline, and follow the restore to its end",
		About: `Restore run publishes a restore request (<prefix>.restores.request) and follows the run like
watch does. <backup> is the run id of a completed backup under the installation's backup root
(the planner's --backup-root), not a path. The planner admits it exactly as ` + "`restore plan`" + ` does
(layout integrity, manifest, every artifact re-hashed, --mapping, plan), checks that every target's
status can be read, locks the canisters, and runs the phases: upload every snapshot while the
fleet keeps running, stop parents first, load, start children first, check each member (running,
module hash as backed up), finalize (restore-plan.json and restore-apply-journal.json under
<backup-root>/<backup>/restores/<run_id>/). Uploaded snapshots are deleted once their member's
check passed, unless --keep-uploaded-snapshots.

Before the first load, a failure restarts whatever the restore stopped. Once a load has begun the
fleet may be mixed, so a failure stops the restore for the operator (attention required) instead:
` + "`fleetbackup retry <run_id>`" + ` continues it forward, ` + "`fleetbackup abort --force <run_id>`" + ` ends it
and starts the canisters as they are.

A request without --run-id gets a generated one, printed first. The same request published again
follows the existing run. Exit status: 0 when the restore completed; 1 when it failed, was
aborted, or was rejected at admission (the reason is printed); 2 for bad usage or input (a bad
--order or --on-conflict, an unreadable or malformed --mapping, a <backup> that is not a run id).`,
		Example: `fleetbackup restore run nightly-2026-11-26
fleetbackup restore run nightly-2026-11-26 --mapping mapping.json --order strict --run-id restore-nightly-1`,
		Run: runRestoreRun,
	}
}

// restoreRunFlags are `restore run`'s request settings once parsed.
type restoreRunFlags struct {
	mapping, order, runID, network, onConflict string
	keep, noVerify, detach                     bool
}

func addRestoreRunFlags(inv *invocation) *restoreRunFlags {
	f := &restoreRunFlags{}
	fs := inv.fs
	fs.StringVar(&f.mapping, "mapping", "", "restore members onto other canisters: mapping JSON `FILE` (RESTORE §2.1, every member listed; - for standard input)")
	fs.StringVar(&f.order, "order", restoreOrderParallel, "`ORDER`: parallel (phase by phase, parents and children in order within a phase) or strict (one operation at a time, in sequence)")
	fs.StringVar(&f.runID, "run-id", "", "run `ID` of the restore (default: generated, restore-<backup>-<time>-<random>)")
	fs.StringVar(&f.network, "network", "", "`NETWORK` to restore onto (default: the backup's)")
	fs.StringVar(&f.onConflict, "on-conflict", string(request.OnConflictReject), "`POLICY` when another run holds one of the canisters: reject, or wait in state queued")
	fs.BoolVar(&f.keep, "keep-uploaded-snapshots", false, "keep the snapshots uploaded to the targets (default: deleted once their member's check passed)")
	fs.BoolVar(&f.noVerify, "no-verify", false, "skip the layout integrity step at admission (require_verified: false); every artifact is still re-hashed")
	fs.BoolVar(&f.detach, "detach", false, "publish the request, print the run id and return without following")
	return f
}

func runRestoreRun(ctx context.Context, inv *invocation) error {
	f := addRestoreRunFlags(inv)
	ff := addFollowFlags(inv.fs)
	setUsage(inv.fs, "backup-root", "the installation's backup root `DIR` (env FLEETBACKUP_BACKUP_ROOT); not needed: the planner looks <backup> up under its own")
	args, err := inv.parse(1, 1, followEnv...)
	if err != nil {
		return err
	}
	req, err := f.request(args[0], inv)
	if err != nil {
		return err
	}
	c, err := connect(ctx, ff.cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	body, err := jsonMarshal(req)
	if err != nil {
		return err
	}
	sub := submission{kind: "restore", runID: req.RunID, digest: req.Digest(), body: body,
		subject: c.store.Names.RestoreRequestSubject(), publish: client.SubmitRestore}
	if err := submitOnce(ctx, inv, c.store, sub, *ff.asJSON || f.detach); err != nil {
		return err
	}
	if f.detach {
		fmt.Fprintln(inv.Stdout, req.RunID)
		return nil
	}
	m, err := follow(ctx, inv, c.store, req.RunID, ff, nil)
	if err != nil {
		return err
	}
	return restoreOutcome(m)
}

// request builds the restore request and decodes it as the planner will: the same checks and
// defaults, hence the same digest.
func (f *restoreRunFlags) request(backup string, inv *invocation) (*request.RestoreRequest, error) {
	if err := checkBackupID(backup); err != nil {
		return nil, err
	}
	if f.order != restoreOrderParallel && f.order != restoreOrderStrict {
		return nil, usagef("--order %q: want parallel or strict", f.order)
	}
	if c := request.OnConflict(f.onConflict); c != request.OnConflictReject && c != request.OnConflictWait {
		return nil, usagef("--on-conflict %q: want reject or wait", f.onConflict)
	}
	req := request.RestoreRequest{RunID: f.runID, Backup: backup, Network: f.network, Order: dispatch.Order(f.order),
		RequireVerified: !f.noVerify, KeepUploadedSnapshots: f.keep, OnConflict: request.OnConflict(f.onConflict)}
	if req.RunID == "" {
		req.RunID = newRunID("restore", backup)
	}
	if f.mapping != "" {
		m, err := readMapping(f.mapping, inv)
		if err != nil {
			return nil, err
		}
		req.Mapping = m
	}
	data, err := jsonMarshal(&req)
	if err != nil {
		return nil, &InputError{What: "restore request", Err: err}
	}
	return request.DecodeRestoreRequest(data)
}

// checkBackupID refuses a <backup> that is not a run id: the planner looks backups up under its
// own backup root, so a path would name nothing there.
func checkBackupID(backup string) error {
	if runs.IDPattern.MatchString(backup) {
		return nil
	}
	err := fmt.Errorf("want the run id of a backup (%s)", runs.IDPattern)
	if strings.ContainsRune(backup, filepath.Separator) || strings.ContainsRune(backup, '/') {
		err = errors.New("a restore names its backup by run id, which the planner looks up under its own backup root; not by path")
		if info, serr := os.Stat(backup); serr == nil && info.IsDir() {
			err = fmt.Errorf("%w (this directory's run id is %s)", err, filepath.Base(filepath.Clean(backup)))
		}
	}
	return &InputError{What: fmt.Sprintf("backup %q", backup), Err: err}
}

// restoreOutcome is `restore run`'s result: nil once the restore completed, a FailedError (exit
// 1) naming the reason otherwise; a rejection at admission included.
func restoreOutcome(m *progress.Model) error {
	if r := m.Run; r != nil && r.State == runs.Rejected {
		reason := "rejected"
		if r.Error != nil {
			reason = *r.Error
		}
		return &FailedError{Say: fmt.Sprintf("restore %s was rejected: %s", r.RunID, reason)}
	}
	return runOutcome(m, runs.Completed, false)
}
