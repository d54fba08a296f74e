package journal

import (
	"cmp"
	"slices"
)

// Assemble builds the whole journal document from per-operation records, as the pipeline's
// finalizer exports `backup-execution-journal.json`: header h, ops sorted by sequence (in any
// order on input), receipts in the order given (the order they were recorded),
// restart_required recomputed from the operation states. The result is validated; inputs are
// copied, never aliased, and nil slices become empty ones.
func Assemble(h Header, ops []Operation, receipts []Receipt) (*Journal, error) {
	j := &Journal{Operations: make([]Operation, len(ops)), OperationReceipts: make([]Receipt, len(receipts))}
	j.setHeader(h)
	for i, op := range ops {
		j.Operations[i] = cloneOp(op)
	}
	slices.SortStableFunc(j.Operations, func(a, b Operation) int { return cmp.Compare(a.Sequence, b.Sequence) })
	for i, r := range receipts {
		j.OperationReceipts[i] = cloneReceipt(r)
	}
	j.RecomputeRestartRequired()
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return j, nil
}

func cloneReceipt(r Receipt) Receipt {
	for _, p := range []**string{&r.PreflightID, &r.TargetCanisterID, &r.UpdatedAt, &r.SnapshotID,
		&r.ArtifactPath, &r.Checksum, &r.FailureReason} {
		*p = clonePtr(*p)
	}
	return r
}
