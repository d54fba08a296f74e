package restore

import (
	"github.com/fleetbackup/fleetbackup/pkg/layout"
	"github.com/fleetbackup/fleetbackup/pkg/plan"
)

// AdmitOptions are a restore request's admission choices. The zero value is the strict default.
type AdmitOptions struct {
	// Mapping restores members onto other canisters; nil restores every member in place.
	Mapping *Mapping
	// SkipLayoutIntegrity skips the layout integrity check (request `require_verified: false`).
	// Artifacts are still re-hashed against the manifest.
	SkipLayoutIntegrity bool
	// AllowNotReady admits a plan that is not restore-ready; its journal is then blocked.
	AllowNotReady bool
	// MaxTargets bounds the members a backup may have to be restored (the planner's
	// --max-targets); zero or negative means plan.DefaultMaxTargets.
	MaxTargets int
}

// Admission is an admitted restore: everything the pipeline needs before its first operation.
type Admission struct {
	Plan      *Plan
	Journal   *Journal
	Integrity *layout.IntegrityReport // nil when SkipLayoutIntegrity
	Artifacts *ArtifactValidation
}

// Admit checks the backup directory dir in the order of RESTORE §1.3 and builds the restore's plan
// and journal; nothing outside dir is read and nothing is written. The steps: the target count
// (a manifest with more members than opts.MaxTargets is refused before anything else is read or
// hashed); layout integrity (manifest, download journal and every artifact's recomputed
// checksum agree); the manifest read and validated; the mapping; the plan (built and
// validated); the readiness gate; every artifact checked against the manifest (re-hashed unless
// integrity just did); the journal. The first failure is an *AdmissionError naming its step.
func Admit(dir string, opts AdmitOptions) (*Admission, error) {
	a := &Admission{}
	reject := func(step string, err error) (*Admission, error) {
		return nil, &AdmissionError{Step: step, Dir: dir, Err: err}
	}
	// A manifest that does not read is refused below, by layout integrity or as the manifest.
	m, readErr := layout.ReadManifest(dir)
	if readErr == nil {
		if err := plan.CheckTargetCount("the backup", len(m.Fleet.Members), opts.MaxTargets); err != nil {
			return reject(StepTargets, err)
		}
	}
	var err error
	if !opts.SkipLayoutIntegrity {
		if a.Integrity, err = layout.LayoutIntegrity(dir); err != nil {
			return reject(StepLayoutIntegrity, err)
		}
	}
	if readErr != nil {
		return reject(StepManifest, readErr)
	}
	if opts.Mapping != nil {
		if err := ValidateMapping(opts.Mapping, m); err != nil {
			return reject(StepMapping, err)
		}
	}
	if a.Plan, err = BuildPlan(m, opts.Mapping); err != nil {
		return reject(StepPlan, err)
	}
	if !a.Plan.ReadinessSummary.Ready && !opts.AllowNotReady {
		e := newErr(ErrNotReady)
		e.Value, e.Reasons = a.Plan.BackupID, append([]string{}, a.Plan.ReadinessSummary.Reasons...)
		return reject(StepReadiness, e)
	}
	if a.Artifacts, err = ValidateArtifacts(dir, a.Plan, a.Integrity); err != nil {
		return reject(StepArtifacts, err)
	}
	if a.Journal, err = NewJournal(a.Plan, a.Artifacts); err != nil {
		return reject(StepJournal, err)
	}
	return a, nil
}
