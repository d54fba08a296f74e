package pipeline

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/manifest"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// finalize promotes every verified artifact, exports the plan and both journals from KV, and
// writes the manifest last (DESIGN §7). Every step can be repeated after a crash.
func (w *OpWorker) finalize(ctx context.Context, j *job, r journal.Receipt) (journal.Receipt, error) {
	p := j.rp.plan
	dir := w.runDir(p.RunID)
	entries, err := w.promoteAll(ctx, j, dir)
	if err != nil {
		return r, err
	}
	jr, err := w.exportJournal(ctx, j, r)
	if err != nil {
		return r, err
	}
	dl, err := artifact.Assemble(artifact.Header{BackupID: p.RunID,
		DiscoveryTopologyHash: &p.TopologyHashBeforeQuiesce, PreSnapshotTopologyHash: &p.TopologyHashBeforeQuiesce}, entries)
	if err != nil {
		return r, err
	}
	m, err := manifest.Build(p, dl, w.Env.marker(), manifest.ToolMetadata{Name: w.Env.toolName(), Version: w.Env.toolVersion()})
	if err != nil {
		return r, fmt.Errorf("building manifest: %w", err)
	}
	if err := w.stillRunning(ctx, p.RunID); err != nil {
		return r, err
	}
	return r, writeBackupDir(dir, j, jr, dl, m)
}

// stillRunning refuses to write a manifest for a run aborted while it was being finalized.
func (w *OpWorker) stillRunning(ctx context.Context, runID string) error {
	cur, err := w.Env.Store.Runs.Get(ctx, runID)
	if err != nil {
		return err
	}
	if cur.Value.State != RunRunning {
		return executor.Permanent("finalize", "run %s is %s: no manifest written", runID, cur.Value.State)
	}
	return nil
}

func writeBackupDir(dir string, j *job, jr *journal.Journal, dl *artifact.Journal, m *manifest.Manifest) error {
	if err := layout.WritePlan(dir, j.rp.plan); err != nil {
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

// exportJournal reads every operation record once (O(N)) and assembles the execution journal
// as it will stand once this finalize receipt is recorded.
func (w *OpWorker) exportJournal(ctx context.Context, j *job, r journal.Receipt) (*journal.Journal, error) {
	n := len(j.rp.plan.Phases)
	ops := make([]journal.Operation, 0, n)
	var stored []StoredReceipt
	for seq := range n {
		rec, err := w.Env.Store.Ops.Get(ctx, OpKey(j.run.RunID, seq))
		if err != nil {
			return nil, err
		}
		if seq == j.rec.Op.Sequence {
			rec.Value.Op = j.rec.Op
			if err := journal.RecordOp(&rec.Value.Op, r, j.run.Journal); err != nil {
				return nil, err
			}
			rec.Value.Receipts = append(rec.Value.Receipts, StoredReceipt{Receipt: r, RecordedAtNanos: w.Env.now().UnixNano()})
		}
		ops = append(ops, rec.Value.Op)
		stored = append(stored, rec.Value.Receipts...)
	}
	slices.SortStableFunc(stored, func(a, b StoredReceipt) int { return cmpInt64(a.RecordedAtNanos, b.RecordedAtNanos) })
	receipts := make([]journal.Receipt, len(stored))
	for i, s := range stored {
		receipts[i] = s.Receipt
	}
	j.finalCounts = journal.CountOps(ops)
	return journal.Assemble(j.run.Journal, ops, receipts)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// completeRunFromRecords completes a run whose finalize operation is already done, counting
// its operations from their records (a finalizer that crashed before marking the run).
func (w *OpWorker) completeRunFromRecords(ctx context.Context, run RunRecord, rp *runPlan) error {
	var c journal.Counts
	for seq := range rp.plan.Phases {
		rec, err := w.Env.Store.Ops.Get(ctx, OpKey(run.RunID, seq))
		if err != nil {
			return err
		}
		c.Add(rec.Value.Op.Kind, rec.Value.Op.State)
	}
	return w.completeRun(ctx, &job{run: run, rp: rp, finalCounts: c})
}

// completeRun marks the run completed, with exact counts and where its backup lives.
func (w *OpWorker) completeRun(ctx context.Context, j *job) error {
	dir := w.runDir(j.run.RunID)
	_, err := w.Env.applyIfAllowed(ctx, j.run.RunID, runs.Complete{Counts: j.finalCounts,
		ManifestPath: filepath.Join(dir, layout.ManifestFile), BackupDir: dir})
	return err
}
