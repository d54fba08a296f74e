package plan

// OperationIndex finds a plan's operations by kind and target canister.
type OperationIndex struct {
	byKind   map[OperationKind]map[string]int
	finalize int
}

// IndexOperations indexes p's phases (O(N), once per plan).
func IndexOperations(p *Plan) OperationIndex {
	idx := OperationIndex{byKind: map[OperationKind]map[string]int{}, finalize: -1}
	for seq, ph := range p.Phases {
		if ph.Kind.IsFinal() {
			idx.finalize = seq
			continue
		}
		if ph.TargetCanisterID == nil {
			continue
		}
		m := idx.byKind[ph.Kind]
		if m == nil {
			m = map[string]int{}
			idx.byKind[ph.Kind] = m
		}
		m[*ph.TargetCanisterID] = seq
	}
	return idx
}

// Find returns the sequence of the operation of kind on target.
func (idx OperationIndex) Find(kind OperationKind, target string) (int, bool) {
	seq, ok := idx.byKind[kind][target]
	return seq, ok
}

// Finalize returns the sequence of the finalize-manifest operation, or -1 when there is none.
func (idx OperationIndex) Finalize() int { return idx.finalize }
