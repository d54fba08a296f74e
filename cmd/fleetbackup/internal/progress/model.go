package progress

import (
	"slices"
	"time"

	"github.com/fleetbackup/fleetbackup/pkg/journal"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
	"github.com/fleetbackup/fleetbackup/pkg/runs"
	"github.com/fleetbackup/fleetbackup/pkg/runstore"
)

// Target is what is known of one canister of the run.
type Target struct {
	CanisterID string
	Role       string // "" until the plan is known, or when the registry names none
	Depth      int    // below the shallowest target
	Steps      [numSteps]journal.State
	Attempts   [numSteps]int
	Reason     string // why the last failed step failed
	SnapshotID string
	Checksum   string
	Bytes      int64 // downloaded bytes measured on disk; -1 when not measured
	TotalBytes int64 // the snapshot's size when known, else 0
	bytesFinal bool  // Bytes measured after the download completed
}

// Model is what is known of a run: its record, its plan, every operation and every target.
type Model struct {
	RunID   string
	Run     *runs.Record
	Plan    *plan.Plan
	Targets []*Target // plan order once the plan is known, else order of first sight
	Started time.Time // when following began
	byID    map[string]*Target
	ops     map[int]journal.Operation
}

// NewModel starts an empty model of a run.
func NewModel(runID string) *Model {
	return &Model{RunID: runID, Started: time.Now(), byID: map[string]*Target{}, ops: map[int]journal.Operation{}}
}

// ChangeKind says what a Change is about.
type ChangeKind int

// Change kinds.
const (
	ChangeRun ChangeKind = iota // the run moved to another state
	ChangeOp                    // an operation moved to another state
)

// Change is one event worth a line of output.
type Change struct {
	Kind    ChangeKind
	Run     runs.Record       // ChangeRun: the new record
	Op      journal.Operation // ChangeOp: the operation in its new state
	Target  *Target           // ChangeOp on a targeted operation
	Attempt int               // ChangeOp: the attempt it is on
	At      time.Time
}

// Target returns the target of a canister, creating it on first sight.
func (m *Model) Target(id string) *Target {
	if t, ok := m.byID[id]; ok {
		return t
	}
	t := &Target{CanisterID: id, Bytes: -1}
	m.byID[id] = t
	m.Targets = append(m.Targets, t)
	return t
}

// SetPlan orders the targets as the plan does and gives them their roles and depths.
func (m *Model) SetPlan(p *plan.Plan) {
	if p == nil || m.Plan != nil {
		return
	}
	m.Plan = p
	top := -1
	for _, t := range p.Targets {
		if top < 0 || int(t.Depth) < top {
			top = int(t.Depth)
		}
	}
	ordered := make([]*Target, 0, len(p.Targets))
	for _, pt := range p.Targets {
		t := m.Target(pt.CanisterID)
		if pt.Role != nil {
			t.Role = *pt.Role
		}
		t.Depth = int(pt.Depth) - top
		ordered = append(ordered, t)
	}
	for _, t := range m.Targets {
		if !slices.Contains(ordered, t) {
			ordered = append(ordered, t)
		}
	}
	m.Targets = ordered
}

// ApplyRun records a new version of the run record.
func (m *Model) ApplyRun(r runs.Record) []Change {
	prev := m.Run
	m.Run = &r
	if prev != nil && prev.State == r.State {
		return nil
	}
	return []Change{{Kind: ChangeRun, Run: r, At: time.Now()}}
}

// ApplyOp records a new version of an operation record.
func (m *Model) ApplyOp(o runstore.OpRecord) []Change {
	op := o.Op
	prev, seen := m.ops[op.Sequence]
	m.ops[op.Sequence] = op
	var t *Target
	if op.TargetCanisterID != nil {
		t = m.Target(*op.TargetCanisterID)
		if step, ok := stepOf(op.Kind); ok {
			t.Steps[step] = op.State
			t.Attempts[step] = o.Attempts
			if op.State == journal.StateFailed && len(op.BlockingReasons) > 0 {
				t.Reason = op.BlockingReasons[0]
			}
		}
		t.noteReceipts(o.Receipts)
		t.noteProgress(op.Kind, o.Progress)
	}
	if seen && prev.State == op.State {
		return nil
	}
	if !worthALine(op.State, o.Attempts) {
		return nil
	}
	return []Change{{Kind: ChangeOp, Op: op, Target: t, Attempt: o.Attempts, At: time.Now()}}
}

// worthALine: finished operations, failures, and retries; not the ordinary start of an attempt.
func worthALine(s journal.State, attempts int) bool {
	switch s {
	case journal.StateCompleted, journal.StateSkipped, journal.StateFailed:
		return true
	case journal.StatePending:
		return attempts > 1
	}
	return false
}

// noteReceipts keeps what the target's latest receipts produced: its snapshot id and checksum.
func (t *Target) noteReceipts(receipts []runstore.StoredReceipt) {
	for _, r := range receipts {
		if r.SnapshotID != nil {
			t.SnapshotID = *r.SnapshotID
		}
		if r.Checksum != nil {
			t.Checksum = *r.Checksum
		}
	}
}
