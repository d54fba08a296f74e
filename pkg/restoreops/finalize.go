package restoreops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
)

// Files a restore writes under `<backup-root>/<backup>/restores/<run_id>/` (DESIGN §10).
const (
	PlanFile    = restore.PlanFile
	JournalFile = restore.JournalFile
)

// Finalize is the finalize-restore effect: it exports the restore's plan and apply journal, then
// (Finish) completes the run. Both steps can be repeated after a crash.
type Finalize struct{}

// Execute writes restore-plan.json and restore-apply-journal.json, the journal as it stands once
// this operation's receipt is recorded.
func (Finalize) Execute(ctx context.Context, j *opworker.Job) (journal.Receipt, error) {
	r := j.Receipt()
	r.UpdatedAt = j.Env.MarkerPtr()
	cur, err := j.Env.Store.Run(ctx, j.Run.RunID)
	if err != nil {
		return r, err
	}
	if cur.State.Terminal() {
		return r, fmt.Errorf("run %s is %s: no restore journal written", j.Run.RunID, cur.State)
	}
	// Every upload is done: staging copies left by killed attempts go (a live attempt removes
	// its own).
	if err := os.RemoveAll(StagingDir(j.Plan.Restore)); err != nil {
		return r, err
	}
	self := selfOutcome{seq: j.Rec.Op.Sequence, at: *r.UpdatedAt, completed: true}
	return r, Export(ctx, j, &self)
}

// Finish marks the run completed, with exact counts, naming the exported journal.
func (Finalize) Finish(ctx context.Context, j *opworker.Job) error {
	counts, err := j.Env.Store.Recount(ctx, j.Run.RunID)
	if err != nil {
		return err
	}
	dir := Dir(j.Plan.Restore, j.Run.RunID)
	return j.Env.CompleteRun(ctx, j.Run.RunID, *counts, filepath.Join(dir, JournalFile), dir)
}

// StagingDir holds the private copies uploads are made from, one per attempt.
func StagingDir(doc *restore.RunDocument) string { return doc.StagingDir() }

// Dir is where a restore run's documents are written.
func Dir(doc *restore.RunDocument, runID string) string { return doc.Dir() }

// selfOutcome stands for the outcome of the operation exporting the journal, not yet recorded:
// finalize's completion, or the failure that stops a restore for the operator.
type selfOutcome struct {
	seq       int
	at        string
	completed bool
	reason    string
}

// exportForAttention writes the restore's documents when err, a load's or a check's permanent
// failure after the loads began, is about to stop the run for the operator (DESIGN §10: "written
// whenever the run stops for attention"). It returns err; a failed export is only logged.
func exportForAttention(ctx context.Context, j *opworker.Job, err error) error {
	if err == nil || !j.Run.LoadsBegun || executor.IsTransient(err) || ctx.Err() != nil {
		return err
	}
	self := selfOutcome{seq: j.Rec.Op.Sequence, at: j.Env.Marker(), reason: err.Error()}
	if xerr := Export(ctx, j, &self); xerr != nil {
		j.Env.Logger().Warn("exporting the restore journal for the operator", "run_id", j.Run.RunID, "err", xerr)
	}
	return err
}

// Export writes the restore's plan and its apply journal as the operation records hold it now
// (self, when set, counted as completed), each with the durable write of DESIGN §7.
func Export(ctx context.Context, j *opworker.Job, self *selfOutcome) error {
	doc := j.Plan.Restore
	if doc == nil {
		return fmt.Errorf("run %s is not a restore", j.Run.RunID)
	}
	recs, err := j.Env.Store.LoadOps(ctx, j.Run.RunID, len(j.Plan.Plan.Phases))
	if err != nil {
		return err
	}
	hist := histories(recs[restore.PreflightPhases:], self)
	jr, err := doc.Journal.WithHistory(hist)
	if err != nil {
		return fmt.Errorf("assembling the restore journal: %w", err)
	}
	planData, err := restore.EncodePlan(doc.Plan)
	if err != nil {
		return err
	}
	journalData, err := restore.EncodeJournal(jr)
	if err != nil {
		return err
	}
	dir := Dir(doc, j.Run.RunID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := document.WriteFileDurable(filepath.Join(dir, PlanFile), planData); err != nil {
		return err
	}
	return document.WriteFileDurable(filepath.Join(dir, JournalFile), journalData)
}
