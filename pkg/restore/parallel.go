package restore

import (
	"strconv"
)

// phase ranks operations: every operation of an earlier phase completes before a later phase's
// operation may start.
func phase(op *Operation) int {
	switch op.Operation {
	case KindUploadSnapshot:
		return 0
	case KindStop:
		return 1
	case KindLoadSnapshot:
		return 2
	case KindStart:
		return 3
	case KindCheckMember:
		if op.Role == RoleDeployment {
			return 5
		}
		return 4
	}
	return 6
}

// ParallelOrder is `order: parallel` (DESIGN §10): uploads at once; stops after every upload,
// parent before child; loads after every stop, parent before child; starts after every load,
// children before their parent; member checks after every start; deployment checks after every
// member check; finalize last. While an operation is failed, nothing new starts: in-flight
// operations may still complete or fail, and the failed one may be retried.
type ParallelOrder struct {
	after [][]int // per sequence: operations of its own phase that must complete first
}

// NewParallelOrder builds the phase graph of a journal from its plan, after checking that the
// journal's operations are the plan's.
func NewParallelOrder(p *Plan, j *Journal) (*ParallelOrder, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := JournalMatchesPlan(p, j); err != nil {
		return nil, err
	}
	parent := make([]int, len(p.Members))
	index := make(map[string]int, len(p.Members))
	for i := range p.Members {
		index[p.Members[i].SourceCanister] = i
	}
	for i := range p.Members {
		parent[i] = -1
		if d := p.Members[i].OrderingDependency; d != nil {
			parent[i] = index[d.SourceCanister]
		}
	}
	bySeq := make(map[[2]int]int, len(j.Operations)) // (phase, member) → sequence
	for i := range j.Operations {
		bySeq[[2]int{phase(&j.Operations[i]), j.Operations[i].MemberOrder}] = j.Operations[i].Sequence
	}
	g := &ParallelOrder{after: make([][]int, len(j.Operations))}
	for i := range j.Operations {
		op := &j.Operations[i]
		m, ph := op.MemberOrder, phase(op)
		switch op.Operation {
		case KindStop, KindLoadSnapshot:
			if parent[m] >= 0 {
				g.after[op.Sequence] = append(g.after[op.Sequence], bySeq[[2]int{ph, parent[m]}])
			}
		case KindStart:
			for child := range p.Members {
				if parent[child] == m {
					g.after[op.Sequence] = append(g.after[op.Sequence], bySeq[[2]int{ph, child}])
				}
			}
		}
	}
	return g, nil
}

// Allow implements Gate.
func (g *ParallelOrder) Allow(j *Journal, sequence int) error {
	op := j.find(sequence)
	if op == nil {
		return opErr(ErrOperationNotFound, sequence)
	}
	if op.State != StateReady {
		return nil // pending lands, failed retries: both were admitted when first claimed
	}
	for i := range j.Operations {
		other := &j.Operations[i]
		if other.State == StateFailed {
			return outOfOrder(sequence, other.Sequence)
		}
		if phase(other) < phase(op) && other.State != StateCompleted {
			return outOfOrder(sequence, other.Sequence)
		}
	}
	for _, dep := range g.after[sequence] {
		if d := j.find(dep); d == nil || d.State != StateCompleted {
			return outOfOrder(sequence, dep)
		}
	}
	return nil
}

// Eligible implements Gate: every ready operation Allow admits.
func (g *ParallelOrder) Eligible(j *Journal) []int {
	out := []int{}
	for i := range j.Operations {
		if op := &j.Operations[i]; op.State == StateReady && g.Allow(j, op.Sequence) == nil {
			out = append(out, op.Sequence)
		}
	}
	return out
}

// JournalMatchesPlan checks that a journal's operations are exactly those the plan generates: same
// backup, count, and per sequence the same kind, member, source, target and role.
func JournalMatchesPlan(p *Plan, j *Journal) error {
	if p == nil || j == nil || p.BackupID != j.BackupID {
		return fieldErr(ErrProjectionMismatch, "backup_id")
	}
	want := Operations(p)
	if len(want) != len(j.Operations) {
		e := fieldErr(ErrProjectionMismatch, "operation_count")
		e.Expected, e.Actual = strconv.Itoa(len(want)), strconv.Itoa(len(j.Operations))
		return e
	}
	for i := range want {
		w, got := &want[i], j.find(i)
		if got == nil || got.Operation != w.Operation || got.MemberOrder != w.MemberOrder ||
			got.SourceCanister != w.SourceCanister || got.TargetCanister != w.TargetCanister || got.Role != w.Role {
			e := fieldErr(ErrProjectionMismatch, "operations")
			e.Sequence = i
			return e
		}
	}
	return nil
}
