package restore

import (
	"testing"
)

// readyJournal is fixture A's journal after a full artifact validation: 11 ready operations.
func readyJournal(t *testing.T) (*Plan, *Journal) {
	t.Helper()
	dir, p := artifactPlan(t, nil)
	v, err := ValidateArtifacts(dir, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	j, err := NewJournal(p, v)
	if err != nil {
		t.Fatal(err)
	}
	return p, j
}

// attempt is a successful executor report at the given time.
func attempt(at string) Attempt {
	return Attempt{At: at, Status: "0",
		Command: Command{Program: "icp", Args: []string{"canister", "status"}, Note: "test command"},
		Stdout:  CaptureOutput([]byte("ok"), OutputLimit), Stderr: CaptureOutput(nil, OutputLimit)}
}

// completeThrough completes operations 0..last in order under gate, uploads with an id.
func completeThrough(t *testing.T, j *Journal, last int, gate Gate) {
	t.Helper()
	for seq := 0; seq <= last; seq++ {
		mustDo(t, j.claim(seq, gate))
		if j.find(seq).Operation == KindUploadSnapshot {
			mustDo(t, j.CompleteUpload(seq, attempt(at1), "target-snap-"+j.find(seq).TargetCanister, gate))
		} else {
			mustDo(t, j.Complete(seq, attempt(at1), gate))
		}
	}
}

// claim claims any kind, recording an empty inventory for uploads.
func (j *Journal) claim(seq int, gate Gate) error {
	if j.find(seq).Operation == KindUploadSnapshot {
		return j.ClaimUpload(seq, at1, []string{}, gate)
	}
	return j.Claim(seq, at1, gate)
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
