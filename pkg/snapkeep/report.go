package snapkeep

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/executor"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
)

// ReportFile is the retention record in a completed run's backup directory.
const ReportFile = "snapshot-retention.json"

// ReportVersion is the version of the retention record.
const ReportVersion = 1

// Deletion states.
const (
	StatePending = "pending" // decided; the deletion is not confirmed yet
	StateDeleted = "deleted" // the snapshot is gone
	StateFailed  = "failed"  // the delete call failed; the next completed run decides again
)

// Report is the retention record of one completed backup (snapshot-retention.json): the
// keep_snapshots applied, every snapshot deleted or meant to be, and the canisters retention
// could not decide about. Passes of one run (a finalizer that crashed and repeats) add to it.
type Report struct {
	RetentionVersion int        `json:"retention_version"`
	BackupID         string     `json:"backup_id"`
	KeepSnapshots    int        `json:"keep_snapshots"`
	UpdatedAt        string     `json:"updated_at"`
	Deletions        []Deletion `json:"deletions"`
	Problems         []Problem  `json:"problems"`
}

// Deletion is one snapshot retention deletes.
type Deletion struct {
	CanisterID   string `json:"canister_id"`
	SnapshotID   string `json:"snapshot_id"`
	TakenAtNanos uint64 `json:"taken_at_timestamp"`
	// TakenBy is the completed backup run that took the snapshot.
	TakenBy string  `json:"taken_by_backup"`
	Reason  string  `json:"reason"`
	State   string  `json:"state"`
	Error   *string `json:"error"`
}

// Problem is a canister (or, with no canister id, the whole run) retention left alone, and why.
type Problem struct {
	CanisterID string `json:"canister_id"`
	Message    string `json:"message"`
}

// Resume starts a retention pass of run backupID: the deletions an earlier pass of the same run
// recorded (prev, nil when none) are kept, its problems dropped (this pass finds its own).
func Resume(prev *Report, backupID string, keep int, now string) *Report {
	r := &Report{RetentionVersion: ReportVersion, BackupID: backupID, KeepSnapshots: keep, UpdatedAt: now,
		Deletions: []Deletion{}, Problems: []Problem{}}
	if prev != nil && prev.BackupID == backupID {
		r.Deletions = append(r.Deletions, prev.Deletions...)
	}
	return r
}

// Plan records a decision on canister: every snapshot it deletes becomes a pending deletion
// (one recorded already, and not deleted, becomes pending again), and a problem is noted.
func (r *Report) Plan(canister string, d Decision) {
	if d.Problem != "" {
		r.Problem(canister, d.Problem)
	}
	for _, doomed := range d.Delete {
		del := Deletion{CanisterID: canister, SnapshotID: doomed.Snapshot.ID, TakenAtNanos: doomed.Snapshot.TakenAtNanos,
			TakenBy: doomed.Owner.RunID, State: StatePending, Reason: fmt.Sprintf(
				"beyond keep_snapshots %d: fleetbackup keeps its newer snapshots %v of this canister", r.KeepSnapshots, d.Kept)}
		i := r.find(canister, doomed.Snapshot.ID)
		switch {
		case i < 0:
			r.Deletions = append(r.Deletions, del)
		case r.Deletions[i].State != StateDeleted:
			r.Deletions[i] = del
		}
	}
}

// Settle marks the pending deletions on canister whose snapshot is no longer in its inventory
// as deleted: an earlier pass deleted them and stopped before it could record it.
func (r *Report) Settle(canister string, inventory []executor.Snapshot) {
	for i, d := range r.Deletions {
		gone := !slices.ContainsFunc(inventory, func(s executor.Snapshot) bool { return s.ID == d.SnapshotID })
		if d.CanisterID == canister && d.State == StatePending && gone {
			r.Deletions[i].State = StateDeleted
		}
	}
}

// HasPending reports whether a deletion on canister is still pending (an earlier pass stopped
// before it could record the outcome).
func (r *Report) HasPending(canister string) bool {
	return slices.ContainsFunc(r.Deletions, func(d Deletion) bool { return d.CanisterID == canister && d.State == StatePending })
}

// Resolve records the outcome of deletion i: deleted, or failed with err.
func (r *Report) Resolve(i int, err error) {
	r.Deletions[i].State, r.Deletions[i].Error = StateDeleted, nil
	if err != nil {
		msg := err.Error()
		r.Deletions[i].State, r.Deletions[i].Error = StateFailed, &msg
	}
}

// Problem notes that canister ("" for the whole run) was left alone, and why.
func (r *Report) Problem(canister, message string) {
	r.Problems = append(r.Problems, Problem{CanisterID: canister, Message: message})
}

func (r *Report) find(canister, snapshotID string) int {
	return slices.IndexFunc(r.Deletions, func(d Deletion) bool {
		return d.CanisterID == canister && d.SnapshotID == snapshotID
	})
}

// Validate checks the record's rules.
func (r *Report) Validate() error {
	switch {
	case r.RetentionVersion != ReportVersion:
		return fmt.Errorf("retention_version %d is not %d", r.RetentionVersion, ReportVersion)
	case !runs.IDPattern.MatchString(r.BackupID):
		return fmt.Errorf("backup_id %q is not a run id", r.BackupID)
	case r.KeepSnapshots < 1:
		return fmt.Errorf("keep_snapshots %d is not at least 1", r.KeepSnapshots)
	case r.Deletions == nil || r.Problems == nil:
		return errors.New("deletions and problems must be lists")
	}
	for i, d := range r.Deletions {
		states := []string{StatePending, StateDeleted, StateFailed}
		switch {
		case d.CanisterID == "" || d.SnapshotID == "" || d.TakenBy == "" || d.Reason == "":
			return fmt.Errorf("deletion %d lacks its canister, snapshot, taking backup or reason", i)
		case !slices.Contains(states, d.State):
			return fmt.Errorf("deletion %d: unknown state %q", i, d.State)
		case (d.State == StateFailed) != (d.Error != nil):
			return fmt.Errorf("deletion %d: an error goes with state failed, and only with it", i)
		}
	}
	return nil
}

// ReadReport reads and validates dir's retention record; an error matching fs.ErrNotExist when
// there is none.
func ReadReport(dir string) (*Report, error) {
	var r Report
	if err := document.Read(filepath.Join(dir, ReportFile), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// WriteReport validates r and writes it durably to dir/snapshot-retention.json.
func WriteReport(dir string, r *Report) error {
	return document.Write(filepath.Join(dir, ReportFile), r)
}
