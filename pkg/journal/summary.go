package journal

// NextReady returns a copy of the next operation (DOMAIN §4.5): among ready, pending and failed
// operations the one with the smallest sequence, or nil. Blocked, completed and skipped
// operations are never next, so a pending or failed operation holds the line until resolved.
func (j *Journal) NextReady() *Operation {
	i := j.nextIndex()
	if i < 0 {
		return nil
	}
	op := cloneOp(j.Operations[i])
	return &op
}

func (j *Journal) nextIndex() int {
	best := -1
	for i, op := range j.Operations {
		if op.State != StateReady && op.State != StatePending && op.State != StateFailed {
			continue
		}
		if best < 0 || op.Sequence < j.Operations[best].Sequence {
			best = i
		}
	}
	return best
}

// Summary is the resume summary of DOMAIN §4.8. Its restart_required is the journal's stored
// flag, as the reference reports it.
func (j *Journal) Summary() ResumeSummary {
	s := CountOps(j.Operations).Summary(j.Header(), j.NextReady())
	s.RestartRequired = j.RestartRequired
	return s
}
