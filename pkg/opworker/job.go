package opworker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/runenv"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Job is one claimed operation and what executing it needs.
type Job struct {
	Env  *runenv.Env
	Run  runs.Record
	Plan *runstore.RunPlan
	Rec  runstore.OpRecord
	// From is the operation's journal state before the claim.
	From journal.State
	// FinalCounts, set by a finishing effect, are the exact counts computed from every
	// operation record.
	FinalCounts *journal.Counts
	w           *Worker
	// took is how long the effect ran, once it ran on the message path (ran); containment's
	// jobs run none.
	took time.Duration
	ran  bool
	// known is the operation's record as this job last read or wrote it (its claim, its own
	// updates), so that the job's next write costs no read while nobody else wrote it.
	known   runstore.OpEntry
	knownMu sync.Mutex
	// recordAt stamps the receipt Record writes (Unix nanoseconds), the same on every try;
	// recordDone says a Record of this job succeeded (a later one is refused).
	recordAt   int64
	recordDone bool
}

// remember keeps e as the job's last known version of its operation's record.
func (j *Job) remember(e runstore.OpEntry) {
	j.knownMu.Lock()
	defer j.knownMu.Unlock()
	if e.Revision > j.known.Revision {
		j.known = e
	}
}

// updateOwnRecord changes the job's operation record by compare-and-swap from its last known
// version (kvstore.UpdateFrom: no read while nobody else wrote it) and remembers the result.
func (j *Job) updateOwnRecord(ctx context.Context, change func(*runstore.OpRecord) error) error {
	j.knownMu.Lock()
	known := j.known
	j.knownMu.Unlock()
	known.Key = runstore.OpKey(j.Run.RunID, j.Rec.Op.Sequence)
	e, err := j.Env.Store.Ops.UpdateFrom(ctx, known, change)
	if err == nil {
		j.remember(e)
	}
	return err
}

// Attempt is the claim's attempt number (1 for the first).
func (j *Job) Attempt() int { return j.Rec.Claim.Attempt }

// Target is the canister the plan names for the operation. The operation record in KV must
// name the same one: nothing is derived from KV alone.
func (j *Job) Target() (string, error) {
	seq, phases := j.Rec.Op.Sequence, j.Plan.Plan.Phases
	if seq < 0 || seq >= len(phases) || phases[seq].TargetCanisterID == nil ||
		*phases[seq].TargetCanisterID != deref(j.Rec.Op.TargetCanisterID) {
		return "", executor.Permanent("operation", "%s: target %q is not the plan's", j.Rec.Op.OperationID, deref(j.Rec.Op.TargetCanisterID))
	}
	return *phases[seq].TargetCanisterID, nil
}

// Receipt is a completed receipt of the operation, stamped now.
func (j *Job) Receipt() journal.Receipt {
	return j.Run.Journal.CompletedReceipt(j.Rec.Op, j.Env.MarkerPtr())
}

// UpdateOwn changes the operation record while this job still holds its claim; ErrLostClaim
// when it no longer does.
func (j *Job) UpdateOwn(ctx context.Context, change func(*runstore.OpRecord)) error {
	attempt := j.Attempt()
	return j.updateOwnRecord(ctx, func(o *runstore.OpRecord) error {
		if !j.w.holds(o, attempt) {
			return ErrLostClaim
		}
		change(o)
		return nil
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func lastFailure(rec runstore.OpRecord) error {
	for i := len(rec.Receipts) - 1; i >= 0; i-- {
		if r := rec.Receipts[i].FailureReason; r != nil {
			return fmt.Errorf("%s failed: %s", rec.Op.OperationID, *r)
		}
	}
	return fmt.Errorf("%s failed", rec.Op.OperationID)
}

// SetProgress records how far the job's transfer got (bytes so far, expected total or 0) on
// its operation record while this job holds its claim; `watch` shows it from any machine.
func (j *Job) SetProgress(ctx context.Context, bytes, total int64) error {
	return j.UpdateOwn(ctx, func(o *runstore.OpRecord) {
		o.Progress = &runstore.Progress{Bytes: bytes, Total: total}
	})
}
