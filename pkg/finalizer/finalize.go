// Package finalizer holds the finalize-manifest effect: every verified artifact promoted, the
// plan and both journals exported from KV, the manifest written last of the backup's documents
// (DESIGN §7), snapshot retention on the backed-up canisters (packages seal and retain: its
// record, snapshot-retention.json, is not part of the backup), and the run completed. Every
// step can be repeated after a crash.
package finalizer

import (
	"context"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/finalizer/seal"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/restoreops"
)

// Effects are the finalizer's effects by kind.
func Effects() opworker.Effects {
	return opworker.Effects{}.Register(plan.KindFinalizeManifest, effect{}).
		Register(plan.KindFinalizeRestore, restoreops.Finalize{})
}

type effect struct{}

// Execute writes the backup directory, then applies snapshot retention to its canisters (which
// records its problems and never fails the backup).
func (effect) Execute(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	dir := j.Env.RunDir(j.Plan.Plan.RunID)
	entries, err := promoteAll(ctx, j, dir)
	if err != nil {
		return r, err
	}
	jr, err := exportJournal(ctx, j, r)
	if err != nil {
		return r, err
	}
	return r, seal.Backup(ctx, j, dir, jr, entries)
}

// Finish marks the run completed, with exact counts and where its backup lives. A finalize
// already done (a finalizer that crashed before marking the run) counts from the records.
func (effect) Finish(ctx context.Context, j *opworker.Job) error {
	if j.FinalCounts == nil {
		c, err := j.Env.Store.Recount(ctx, j.Run.RunID)
		if err != nil {
			return err
		}
		j.FinalCounts = c
	}
	dir := j.Env.RunDir(j.Run.RunID)
	return j.Env.CompleteRun(ctx, j.Run.RunID, *j.FinalCounts, filepath.Join(dir, layout.ManifestFile), dir)
}
