package snapkeep

import (
	"context"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// Ledger is fleetbackup's own record of its runs: the run store in KV, which no file under the
// backup root can forge. Missing records are ok false with a nil error; an error means the
// records could not be read, and ownership is then not decided at all.
type Ledger interface {
	// Run reads a run record.
	Run(ctx context.Context, runID string) (rec runs.Record, ok bool, err error)
	// SnapshotOf reads the snapshot id that run recorded for canister (its artifact record).
	SnapshotOf(ctx context.Context, runID, canister string) (snapshotID string, ok bool, err error)
}

// Owner says why a snapshot is fleetbackup's.
type Owner struct {
	// RunID is the backup run that took it.
	RunID string
	// Current is true for the snapshot of the run being finalized, known from its own records.
	Current bool
}

// Owned maps the ids of the snapshots of one canister that fleetbackup took to their owner.
type Owned map[string]Owner

// Prover decides which of a canister's snapshots fleetbackup took, from the claims of the
// completed backups under the backup root, each checked against the Ledger. It reads each run
// record once. It is not safe for concurrent use.
type Prover struct {
	Ledger Ledger
	Claims Claims
	// completed caches whether a run is a backup fleetbackup completed.
	completed map[string]bool
}

// Owned returns the snapshots of inventory (the canister's snapshots as the executor lists them)
// that fleetbackup took in completed backups. A snapshot is owned when a manifest claims it for
// this canister and the Ledger vouches for that claim: the run is a backup in state completed,
// and the artifact record it kept for this canister names the same snapshot id. Snapshots that
// nobody claims, or whose claims the Ledger does not back, are left out.
func (p *Prover) Owned(ctx context.Context, canister string, inventory []executor.Snapshot) (Owned, error) {
	owned := Owned{}
	for _, s := range inventory {
		for _, runID := range p.Claims[canister][s.ID] {
			ok, err := p.vouches(ctx, runID, canister, s.ID)
			if err != nil {
				return nil, err
			}
			if ok {
				owned[s.ID] = Owner{RunID: runID}
				break
			}
		}
	}
	return owned, nil
}

// vouches asks the Ledger whether run runID is a completed backup that took snapshotID of
// canister.
func (p *Prover) vouches(ctx context.Context, runID, canister, snapshotID string) (bool, error) {
	if p.Ledger == nil {
		return false, nil
	}
	done, seen := p.completed[runID]
	if !seen {
		rec, ok, err := p.Ledger.Run(ctx, runID)
		if err != nil {
			return false, fmt.Errorf("reading run %s to prove its snapshots: %w", runID, err)
		}
		done = ok && rec.RunID == runID && rec.Kind == runs.KindBackup && rec.State == runs.Completed
		if p.completed == nil {
			p.completed = map[string]bool{}
		}
		p.completed[runID] = done
	}
	if !done {
		return false, nil
	}
	recorded, ok, err := p.Ledger.SnapshotOf(ctx, runID, canister)
	if err != nil {
		return false, fmt.Errorf("reading run %s's artifact record of %s: %w", runID, canister, err)
	}
	return ok && recorded == snapshotID, nil
}
