package restoreops

import (
	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/restore"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// histories turns the restore operations' records into the journal's history; self, when set,
// is the operation whose outcome is being decided now.
func histories(recs []runstore.OpRecord, self *selfOutcome) []restore.History {
	out := make([]restore.History, len(recs))
	for i, rec := range recs {
		h := restore.History{State: restore.State(rec.Op.State), At: rec.Op.StateUpdatedAt}
		if rec.BaselineRecorded {
			ids := append([]string{}, rec.SnapshotsBefore...)
			h.SnapshotIDsBefore = &ids
		}
		for _, r := range rec.Receipts {
			h.Attempts = append(h.Attempts, attemptOf(rec.Op, r))
		}
		if self != nil && rec.Op.Sequence == self.seq {
			h.State, h.At = restore.StateFailed, &self.at
			if self.completed {
				h.State = restore.StateCompleted
			}
			h.Attempts = append(h.Attempts, restore.HistoryAttempt{Completed: self.completed, At: self.at,
				Reason: self.reason, Command: commandOf(rec.Op)})
		}
		out[i] = h
	}
	return out
}

func attemptOf(op journal.Operation, r runstore.StoredReceipt) restore.HistoryAttempt {
	a := restore.HistoryAttempt{Completed: r.Outcome == journal.OutcomeCompleted, Command: commandOf(op)}
	if r.UpdatedAt != nil {
		a.At = *r.UpdatedAt
	}
	if r.FailureReason != nil {
		a.Reason = *r.FailureReason
	}
	if r.SnapshotID != nil && restore.Kind(op.Kind) == restore.KindUploadSnapshot {
		a.UploadedSnapshotID = *r.SnapshotID
	}
	return a
}

// commandOf describes the executor call that stands for an operation's command: fleetbackup's
// workers call the executor (sim or icp), whose own command lines are in the workers' logs.
func commandOf(op journal.Operation) restore.Command {
	target := "fleet"
	if op.TargetCanisterID != nil {
		target = *op.TargetCanisterID
	}
	kind := restore.Kind(op.Kind)
	mutates := kind != restore.KindCheckMember && kind != restore.KindFinalizeRestore
	return restore.Command{Program: "fleetbackup", Args: []string{string(op.Kind), target}, Mutates: mutates,
		RequiresStoppedCanister: kind == restore.KindLoadSnapshot,
		Note:                    "executor call made by a fleetbackup worker (operation " + op.OperationID + ")"}
}
