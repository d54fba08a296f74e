package admission

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/request"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/worker"
)

// HandleRestoreRequest handles one message of fb.restores.request (DESIGN §10): the same
// strictness, de-duplication and rejection rules as a backup request. Admission (layout
// integrity, manifest, every artifact re-hashed, mapping, plan, target preflight) completes
// before any operation is published; any failure rejects the run.
func (p *Admitter) HandleRestoreRequest(ctx context.Context, msg jetstream.Msg) error {
	req, err := request.DecodeRestoreRequest(msg.Data())
	if err != nil {
		return p.rejectNew(ctx, msg, request.GuessRunID(msg.Data()), runs.KindRestore, err)
	}
	if req.RunID == "" {
		req.RunID = generatedRestoreID(req, msg, p)
	}
	rec := runs.NewRestore(req.RunID, req.Backup, req.Network, req.Order, string(req.OnConflict), req.Digest(), p.Env.RFC3339())
	run, fresh, err := p.open(ctx, rec)
	var bad *request.RequestError
	switch {
	case errors.As(err, &bad):
		return p.refuseCopy(msg, req.RunID, err)
	case err != nil:
		return worker.Later(err)
	case !fresh && run.State != runs.Planning && run.State != runs.Preflight:
		return p.answerRepeat(ctx, msg, run)
	}
	return p.reply(ctx, msg, req.RunID, p.planRestore(ctx, req))
}

// planRestore admits a restore (or picks up the stored plan of an interrupted admission) and
// takes it on like a backup: locks, seed, run, first dispatch.
func (p *Admitter) planRestore(ctx context.Context, req *request.RestoreRequest) error {
	rp, err := p.Env.Store.LoadRunPlan(ctx, req.RunID, req.Order)
	if errors.Is(err, runstore.ErrNotFound) {
		rp, err = p.admitRestore(ctx, req)
	}
	if err != nil {
		return err
	}
	_, err = p.admit(ctx, req.RunID, rp)
	return err
}

// admitRestore checks the backup directory and the targets, then stores the restore's
// document and its pipeline plan (the document first: a stored restore plan implies it).
func (p *Admitter) admitRestore(ctx context.Context, req *request.RestoreRequest) (*runstore.RunPlan, error) {
	doc, bp, err := p.limits().PlanRestore(req, p.Env.BackupRoot, func(root string) string {
		return p.fleetOf(ctx, req.Backup, root)
	})
	if err != nil {
		return nil, err
	}
	if _, err := p.Env.Apply(ctx, req.RunID, runs.Plan{PlanID: bp.PlanID, Fleet: bp.Fleet, Network: bp.Network}); err != nil {
		return nil, err
	}
	if _, err := proveTargets(ctx, p.Env, &runstore.RunPlan{Plan: bp}); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(doc.Dir(), 0o755); err != nil { // prune keeps a backup a restore reads
		return nil, err
	}
	if err := p.Env.Store.SaveRestoreOnce(ctx, doc); errors.Is(err, runstore.ErrRestoreDiffers) {
		return nil, &request.RequestError{Field: "run_id", Reason: err.Error(), Err: err}
	} else if err != nil {
		return nil, err
	}
	if err := p.Env.Store.SavePlan(ctx, bp); err != nil && !errors.Is(err, runstore.ErrExists) {
		return nil, err
	}
	return p.Env.Store.LoadRunPlan(ctx, req.RunID, req.Order)
}

// fleetOf names the restored fleet: the backup run's fleet while its record is kept, else the
// source root canister.
func (p *Admitter) fleetOf(ctx context.Context, backup, sourceRoot string) string {
	if rec, err := p.Env.Store.Run(ctx, backup); err == nil && rec.Fleet != "" {
		return rec.Fleet
	}
	return sourceRoot
}

func generatedRestoreID(req *request.RestoreRequest, msg jetstream.Msg, p *Admitter) string {
	seq := uint64(0)
	if md, err := msg.Metadata(); err == nil {
		seq = md.Sequence.Stream
	}
	return fmt.Sprintf("restore-%s-%s-%d", safeRunToken(req.Backup), p.Env.Now().UTC().Format("20060102-150405"), seq)
}
