// Package finalizer holds the finalize-manifest effect: every verified artifact promoted, the
// plan and both journals exported from KV, the manifest written last (DESIGN §7), and the run
// completed. Every step can be repeated after a crash.
package finalizer

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
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

// Execute writes the backup directory.
func (effect) Execute(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	p := j.Plan.Plan
	dir := j.Env.RunDir(p.RunID)
	entries, err := promoteAll(ctx, j, dir)
	if err != nil {
		return r, err
	}
	jr, err := exportJournal(ctx, j, r)
	if err != nil {
		return r, err
	}
	dl, err := artifact.Assemble(artifact.Header{BackupID: p.RunID,
		DiscoveryTopologyHash: &p.TopologyHashBeforeQuiesce, PreSnapshotTopologyHash: &p.TopologyHashBeforeQuiesce}, entries)
	if err != nil {
		return r, err
	}
	name, version := j.Env.Tool()
	m, err := manifest.Build(p, dl, j.Env.Marker(), manifest.ToolMetadata{Name: name, Version: version})
	if err != nil {
		return r, fmt.Errorf("building manifest: %w", err)
	}
	if err := stillRunning(ctx, j); err != nil {
		return r, err
	}
	return r, writeBackupDir(dir, p, jr, dl, m)
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

// stillRunning refuses to write a manifest for a run aborted while it was being finalized.
func stillRunning(ctx context.Context, j *opworker.Job) error {
	cur, err := j.Env.Store.Run(ctx, j.Run.RunID)
	if err != nil {
		return err
	}
	if cur.State.Terminal() {
		return fmt.Errorf("run %s is %s: no manifest written", j.Run.RunID, cur.State)
	}
	return nil
}

func writeBackupDir(dir string, p *plan.Plan, jr *journal.Journal, dl *artifact.Journal, m *manifest.Manifest) error {
	if err := layout.WritePlan(dir, p); err != nil {
		return err
	}
	if err := layout.WriteJournal(dir, jr); err != nil {
		return err
	}
	if err := layout.WriteDownloadJournal(dir, dl); err != nil {
		return err
	}
	return layout.WriteManifest(dir, m)
}
