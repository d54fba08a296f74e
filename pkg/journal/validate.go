package journal

// Validate checks the whole journal (DOMAIN §4.4), first failure wins: header, sequences, each
// operation in array order (ValidateOp), each receipt against the journal (ValidateReceipt).
// restart_required is not cross-checked, as in the reference.
func (j *Journal) Validate() error {
	h := j.Header()
	if err := h.Validate(); err != nil {
		return err
	}
	pos, err := sequenceIndex(j.Operations)
	if err != nil {
		return err
	}
	for _, op := range j.Operations {
		if err := ValidateOp(op, j.PreflightAccepted); err != nil {
			return err
		}
	}
	for _, r := range j.OperationReceipts {
		var op *Operation
		if r.Sequence >= 0 && r.Sequence < len(pos) {
			op = &j.Operations[pos[r.Sequence]]
		}
		if err := ValidateReceipt(r, h, op); err != nil {
			return err
		}
	}
	return nil
}

// sequenceIndex checks that sequences are unique and cover 0..len-1 (DuplicateSequence at the
// first repeat in array order, then MissingSequence for the smallest gap) and returns, for each
// sequence, the operation's position in ops.
func sequenceIndex(ops []Operation) ([]int, error) {
	pos := make([]int, len(ops))
	for i := range pos {
		pos[i] = -1
	}
	var outside map[int]bool // sequences outside 0..len-1, only to detect their duplicates
	for i, op := range ops {
		s := op.Sequence
		if s >= 0 && s < len(ops) {
			if pos[s] >= 0 {
				return nil, seqErr(ErrDuplicateSequence, s, "backup execution journal has duplicate operation sequence %d")
			}
			pos[s] = i
			continue
		}
		if outside[s] {
			return nil, seqErr(ErrDuplicateSequence, s, "backup execution journal has duplicate operation sequence %d")
		}
		if outside == nil {
			outside = map[int]bool{}
		}
		outside[s] = true
	}
	for s, i := range pos {
		if i < 0 {
			return nil, seqErr(ErrMissingSequence, s, "backup execution journal is missing operation sequence %d")
		}
	}
	return pos, nil
}
