// Package seal ends the finalize of a backup once every artifact is durable: it assembles the
// download journal, builds and validates the manifest, writes the backup's four documents (the
// manifest last, DESIGN §7) unless the run was aborted meanwhile, and then applies snapshot
// retention to the backed-up canisters (package retain), whose record is not part of the backup.
// Every step can be repeated after a crash.
package seal

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/finalizer/retain"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// Backup writes the backup directory dir of the job's run from its execution journal jr and its
// durable artifact records (in plan order), then applies snapshot retention. Retention returns
// only a cancelled context's error.
func Backup(ctx context.Context, j *opworker.Job, dir string, jr *journal.Journal, entries []artifact.Entry) error {
	p := j.Plan.Plan
	dl, err := artifact.Assemble(artifact.Header{BackupID: p.RunID,
		DiscoveryTopologyHash: &p.TopologyHashBeforeQuiesce, PreSnapshotTopologyHash: &p.TopologyHashBeforeQuiesce}, entries)
	if err != nil {
		return err
	}
	name, version := j.Env.Tool()
	m, err := manifest.Build(p, dl, j.Env.Marker(), manifest.ToolMetadata{Name: name, Version: version})
	if err != nil {
		return fmt.Errorf("building manifest: %w", err)
	}
	if err := stillRunning(ctx, j); err != nil {
		return err
	}
	if err := writeBackupDir(dir, p, jr, dl, m); err != nil {
		return err
	}
	return retain.Apply(ctx, j, dir, entries)
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
