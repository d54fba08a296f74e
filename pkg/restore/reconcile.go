package restore

import "slices"

// Failure reasons the domain names (RESTORE §5.4).
const (
	// ReasonMissingUploadedSnapshotID: an upload reported success without a snapshot id.
	ReasonMissingUploadedSnapshotID = "missing-uploaded-snapshot-id"
	// ReasonVerificationEvidenceMismatch: a check found the target not running or with another
	// module hash.
	ReasonVerificationEvidenceMismatch = "verification-evidence-mismatch"
)

// UploadReconciliation is what an upload claimed earlier should do after a lost reply or a
// takeover, decided from the target's inventory against the baseline recorded at the claim.
type UploadReconciliation struct {
	// Adopt is true when exactly one new snapshot appeared: it is the upload's result.
	Adopt bool
	// SnapshotID is the adopted id when Adopt.
	SnapshotID string
}

// ReconcileUpload compares the target's snapshot inventory now with the baseline recorded before
// the upload (RESTORE §5.4): a baseline id that vanished is an error (something else deletes
// snapshots); no new id means the upload never happened and may be issued again; exactly one new
// id is adopted instead of uploading twice; several are ambiguous and need an operator.
func ReconcileUpload(sequence int, baseline, inventory []string) (UploadReconciliation, error) {
	for _, id := range baseline {
		if !slices.Contains(inventory, id) {
			e := opErr(ErrSnapshotInventoryLostBaseline, sequence)
			e.Value = id
			return UploadReconciliation{}, e
		}
	}
	var fresh []string
	for _, id := range inventory {
		if !slices.Contains(baseline, id) && !slices.Contains(fresh, id) {
			fresh = append(fresh, id)
		}
	}
	switch len(fresh) {
	case 0:
		return UploadReconciliation{}, nil
	case 1:
		return UploadReconciliation{Adopt: true, SnapshotID: fresh[0]}, nil
	}
	e := opErr(ErrUploadedSnapshotIdentityAmbiguous, sequence)
	e.Reasons = fresh
	return UploadReconciliation{}, e
}
