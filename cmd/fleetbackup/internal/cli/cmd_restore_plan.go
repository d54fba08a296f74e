package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Restore orders (DESIGN §10): the phase graph, or the plan's sequence one operation at a time.
const (
	restoreOrderParallel = "parallel"
	restoreOrderStrict   = "strict"
)

// errNotDirectory is a <backup> that names a file.
var errNotDirectory = errors.New("not a directory")

// defaultBackupRoot is where a run id is looked up without --backup-root, as `dev` writes backups.
const defaultBackupRoot = "backups"

// restorePlanFlags are `restore plan`'s settings once parsed.
type restorePlanFlags struct {
	mapping, order string
	asJSON         bool
	noVerify       bool
	backupRoot     *string
}

func addRestorePlanFlags(inv *invocation) *restorePlanFlags {
	f := &restorePlanFlags{}
	inv.fs.StringVar(&f.mapping, "mapping", "", "restore members onto other canisters: mapping JSON `FILE` (RESTORE §2.1, every member listed; - for standard input)")
	inv.fs.StringVar(&f.order, "order", restoreOrderParallel, "`ORDER` a restore would follow: parallel (phase by phase, parents and children in order within a phase) or strict (one at a time, in sequence)")
	inv.fs.BoolVar(&f.asJSON, "json", false, "print the restore plan document (restore-plan.json) on standard output instead of the table")
	inv.fs.BoolVar(&f.noVerify, "no-verify", false, "skip the layout integrity step (the request's require_verified: false): the download journal is not\ncross-checked; every artifact is still re-hashed against the manifest")
	cfg := borrowFlags(inv.fs, "backup-root")
	setUsage(inv.fs, "backup-root", "`DIR` where a <backup> given as a run id is looked up (default ./backups) (env FLEETBACKUP_BACKUP_ROOT)")
	f.backupRoot = &cfg.BackupRoot
	return f
}

func runRestorePlan(_ context.Context, inv *invocation) error {
	f := addRestorePlanFlags(inv)
	args, err := inv.parse(1, 1, "backup-root")
	if err != nil {
		return err
	}
	if f.order != restoreOrderParallel && f.order != restoreOrderStrict {
		return usagef("--order %q: want parallel or strict", f.order)
	}
	dir, err := resolveBackup(args[0], *f.backupRoot)
	if err != nil {
		return err
	}
	opts := restore.AdmitOptions{SkipLayoutIntegrity: f.noVerify}
	if f.mapping != "" {
		if opts.Mapping, err = readMapping(f.mapping, inv); err != nil {
			return err
		}
	}
	a, err := restore.Admit(dir, opts)
	if err != nil {
		return rejectRestore(inv, dir, f.asJSON, err)
	}
	if f.asJSON {
		data, err := restore.EncodePlan(a.Plan)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(inv.Stdout, "%s\n", data)
		return err
	}
	return printRestorePlan(inv.Stdout, dir, a, f)
}

// resolveBackup finds the backup directory <backup> names. A run id (no path separator) is
// looked up under the backup root when --backup-root or FLEETBACKUP_BACKUP_ROOT gives one;
// otherwise it is a directory here, or a run id under ./backups. Anything else is a path.
// No such directory is bad input (exit status 2).
func resolveBackup(arg, root string) (string, error) {
	isRunID := runs.IDPattern.MatchString(arg)
	var candidates []string
	switch {
	case isRunID && root != "":
		candidates = []string{filepath.Join(root, arg)}
	case isRunID:
		candidates = []string{arg, filepath.Join(defaultBackupRoot, arg)}
	default:
		candidates = []string{arg}
	}
	var firstErr error
	for _, dir := range candidates {
		info, err := os.Stat(dir)
		if err == nil && info.IsDir() {
			return dir, nil
		}
		if err == nil {
			err = fmt.Errorf("%s: %w", dir, errNotDirectory)
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	what := "backup directory"
	if isRunID {
		what = "backup " + arg
		if len(candidates) > 1 {
			firstErr = fmt.Errorf("no directory %s, and no run %s under ./%s (set --backup-root)", arg, arg, defaultBackupRoot)
		}
	}
	return "", &InputError{What: what, Err: firstErr}
}

// readMapping reads and strictly decodes a mapping file; an unreadable or malformed one is bad
// input. Whether it fits the backup is admission's business.
func readMapping(path string, inv *invocation) (*restore.Mapping, error) {
	data, err := readInput(path, inv.Stdin)
	if err != nil {
		return nil, &InputError{What: "--mapping " + path, Err: err}
	}
	m, err := restore.LoadMapping(data)
	if err != nil {
		return nil, &InputError{What: "--mapping " + path, Err: err}
	}
	return m, nil
}
