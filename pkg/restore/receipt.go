package restore

import (
	"unicode/utf8"
)

// OutputLimit is how many trailing bytes of a stream a receipt keeps (RESTORE §0).
const OutputLimit = 64 * 1024

// CaptureOutput keeps the last limit bytes of data, decoded as UTF-8 with every invalid byte
// (such as a multibyte character cut at the start) replaced by U+FFFD.
func CaptureOutput(data []byte, limit int) Output {
	out := Output{OriginalBytes: len(data)}
	if limit >= 0 && len(data) > limit {
		data, out.Truncated = data[len(data)-limit:], true
	}
	if utf8.Valid(data) {
		out.Text = string(data)
		return out
	}
	runes := make([]rune, 0, len(data))
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		runes = append(runes, r) // RuneError for an invalid byte, consuming one byte
		data = data[size:]
	}
	out.Text = string(runes)
	return out
}

// Attempt is what an executor reports about one attempt of an operation.
type Attempt struct {
	At      string  // state_updated_at and receipt updated_at
	Command Command // what ran
	Status  string  // exit status label, or a synthetic label
	Stdout  Output
	Stderr  Output
}

// NextAttempt is the attempt number of the next receipt for sequence: receipts so far + 1.
func (j *Journal) NextAttempt(sequence int) int {
	n := 1
	for i := range j.OperationReceipts {
		if j.OperationReceipts[i].Sequence == sequence {
			n++
		}
	}
	return n
}

// newReceipt copies the operation's identity and artifact binding into a receipt.
func newReceipt(op *Operation, outcome string, attempt int, a Attempt) Receipt {
	cmd := a.Command
	cmd.Args = append([]string{}, cmd.Args...)
	stdout, stderr := a.Stdout, a.Stderr
	r := Receipt{Sequence: op.Sequence, Operation: op.Operation, Outcome: outcome,
		SourceCanister: op.SourceCanister, TargetCanister: op.TargetCanister, Attempt: attempt,
		UpdatedAt: strp(a.At), Command: &cmd, Status: strp(a.Status), Stdout: &stdout, Stderr: &stderr,
		SourceSnapshotID: clone(op.SnapshotID), ArtifactPath: clone(op.ArtifactPath)}
	if op.ArtifactChecksum != nil {
		c := *op.ArtifactChecksum
		r.ArtifactChecksum = &c
	}
	return r
}

// UploadedSnapshotIDForLoad is the target-side snapshot id a load must use (RESTORE §4.6): the
// first completed receipt of a completed upload of the same source, target, source snapshot,
// artifact path and checksum. A load never uses the source snapshot id.
func (j *Journal) UploadedSnapshotIDForLoad(sequence int) (string, bool) {
	load := j.find(sequence)
	if load == nil || load.Operation != KindLoadSnapshot {
		return "", false
	}
	for i := range j.OperationReceipts {
		r := &j.OperationReceipts[i]
		if r.Operation != KindUploadSnapshot || r.Outcome != OutcomeCommandCompleted ||
			r.SourceCanister != load.SourceCanister || r.TargetCanister != load.TargetCanister ||
			!equalPtr(r.SourceSnapshotID, load.SnapshotID) || !equalPtr(r.ArtifactPath, load.ArtifactPath) ||
			!equalChecksum(r.ArtifactChecksum, load.ArtifactChecksum) || !nonBlank(r.UploadedSnapshotID) {
			continue
		}
		if up := j.find(r.Sequence); up != nil && up.State == StateCompleted {
			return *r.UploadedSnapshotID, true
		}
	}
	return "", false
}

// find returns the operation with that sequence, or nil.
func (j *Journal) find(sequence int) *Operation {
	if sequence >= 0 && sequence < len(j.Operations) && j.Operations[sequence].Sequence == sequence {
		return &j.Operations[sequence]
	}
	for i := range j.Operations {
		if j.Operations[i].Sequence == sequence {
			return &j.Operations[i]
		}
	}
	return nil
}

func equalChecksum(a, b *ArtifactChecksum) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}
