// Package retain enforces keep_snapshots on the canisters of a completed backup (issue 13): the
// last step of the finalize effect, after the manifest is written and before the run is marked
// completed. On every target it keeps the newest keep_snapshots snapshots fleetbackup took in
// completed backups (this run's always among them) and deletes the older ones it took; the
// rules are package snapkeep's. Every deletion is logged and recorded in snapshot-retention.json
// in the run's backup directory. Retention never fails a backup: a problem is recorded and
// logged, and the next completed run decides again. A pass repeated after a crash picks up the
// record of the pass before it.
package retain

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"

	"github.com/fleetbackup/fleetbackup/pkg/artifact"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/opworker"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
	"github.com/fleetbackup/fleetbackup/pkg/snapkeep"
)

// index remembers the manifests under the backup root between the passes of this process.
var index snapkeep.Index

// pass is one retention pass over a completed run.
type pass struct {
	j      *opworker.Job
	dir    string
	log    *slog.Logger
	report *snapkeep.Report
}

// Apply runs retention over the targets of a completed backup whose backup directory is dir;
// current are its artifact records, one per target (the snapshot this run took of each). It
// returns only the context's error (the finalize is then handed back and repeated); every other
// problem is recorded in the report and logged at warn.
func Apply(ctx context.Context, j *opworker.Job, dir string, current []artifact.Entry) error {
	keep := snapkeep.Keep(j.Run)
	p := &pass{j: j, dir: dir, log: j.Env.Logger().With("run_id", j.Run.RunID, "keep_snapshots", keep)}
	prev, err := snapkeep.ReadReport(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		p.log.Warn("snapshot retention: the record of an earlier pass is unreadable; starting afresh", "err", err)
	}
	p.report = snapkeep.Resume(prev, j.Run.RunID, keep, j.Env.Marker())
	deleter, ok := j.Env.Exec.(executor.SnapshotDeleter)
	if !ok {
		p.problem("", "the executor cannot delete snapshots: nothing deleted")
		return p.save(ctx)
	}
	if err := p.decide(ctx, current); err != nil {
		p.problem("", err.Error())
	}
	if err := p.save(ctx); err != nil {
		return err
	}
	p.deleteDecided(ctx, deleter)
	return p.save(ctx)
}

// decide lists every target's snapshots, proves which are fleetbackup's and records the
// decision on each.
func (p *pass) decide(ctx context.Context, current []artifact.Entry) error {
	targets := map[string]bool{}
	for _, e := range current {
		targets[e.CanisterID] = true
	}
	claims, skipped, err := index.Claims(p.j.Env.BackupRoot, func(c string) bool { return targets[c] })
	if err != nil {
		return err
	}
	for _, s := range skipped {
		p.log.Debug("snapshot retention: not a completed backup", "entry", s.Name, "reason", s.Reason)
	}
	prover := &snapkeep.Prover{Ledger: runstore.SnapshotLedger{Store: p.j.Env.Store}, Claims: claims}
	for _, e := range current {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// Nothing to decide (and no call) on a canister no earlier backup took a snapshot of.
		if claims.ClaimedBesides(e.CanisterID, p.j.Run.RunID) || p.report.HasPending(e.CanisterID) {
			p.decideOne(ctx, prover, e.CanisterID, e.SnapshotID)
		}
	}
	return nil
}

func (p *pass) decideOne(ctx context.Context, prover *snapkeep.Prover, canister, snapshotID string) {
	env := p.j.Env
	var inventory []executor.Snapshot
	err := env.Retry.Do(ctx, func() error {
		var err error
		inventory, err = env.Exec.ListSnapshots(ctx, canister)
		return err
	})
	if err != nil {
		p.problem(canister, "listing its snapshots: "+err.Error())
		return
	}
	p.report.Settle(canister, inventory)
	owned, err := prover.Owned(ctx, canister, inventory)
	if err != nil {
		p.problem(canister, err.Error())
		return
	}
	d := snapkeep.Decide(inventory, owned, snapshotID, p.report.KeepSnapshots)
	if d.Problem != "" {
		p.log.Warn("snapshot retention left a canister alone", "canister_id", canister, "reason", d.Problem)
	}
	p.report.Plan(canister, d)
}

// deleteDecided deletes every pending deletion, recording each outcome.
func (p *pass) deleteDecided(ctx context.Context, deleter executor.SnapshotDeleter) {
	env := p.j.Env
	for i, d := range p.report.Deletions {
		if d.State != snapkeep.StatePending || ctx.Err() != nil {
			continue
		}
		err := env.Retry.Do(ctx, func() error { return deleter.DeleteSnapshot(ctx, d.CanisterID, d.SnapshotID) })
		if ctx.Err() != nil {
			return // left pending: the repeated finalize settles or retries it
		}
		p.report.Resolve(i, err)
		log := p.log.With("canister_id", d.CanisterID, "snapshot_id", d.SnapshotID, "taken_by_backup", d.TakenBy)
		if err != nil {
			log.Warn("snapshot retention could not delete a snapshot; the next completed run tries again", "err", err)
			continue
		}
		log.Info("snapshot retention deleted a snapshot", "reason", d.Reason)
	}
}

func (p *pass) problem(canister, message string) {
	p.log.Warn("snapshot retention problem", "canister_id", canister, "problem", message)
	p.report.Problem(canister, message)
}

// save writes the report; a write that fails is logged, and only a cancelled context is
// returned.
func (p *pass) save(ctx context.Context) error {
	p.report.UpdatedAt = p.j.Env.Marker()
	if err := snapkeep.WriteReport(p.dir, p.report); err != nil {
		p.log.Warn("snapshot retention: writing its record", "err", err)
	}
	return ctx.Err()
}
