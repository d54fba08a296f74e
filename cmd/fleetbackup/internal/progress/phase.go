// Package progress follows a run (a backup or a restore) in the journal (KV) and shows it:
// progress bars on a terminal, one line per change otherwise, or the run records as JSON lines.
//
// A Model holds what is known of the run (its record, its plan, each operation's state, each
// target's snapshot, checksum and downloaded bytes); Follow feeds it from two KV watches and hands
// each change to a Sink.
package progress

import "github.com/fleetbackup/fleetbackup/pkg/plan"

// Phase groups the plan's operations by kind, in the order a run goes through them.
type Phase int

// Phases of a run: a backup goes through preflight, stop, snapshot, start, download, verify
// and finalize; a restore through preflight, upload, stop, load, start, check and finalize.
const (
	PhasePreflight Phase = iota
	PhaseStop
	PhaseSnapshot
	PhaseStart
	PhaseDownload
	PhaseVerify
	PhaseFinalize
	PhaseUpload
	PhaseLoad
	PhaseCheck
	numPhases
)

var phaseNames = [numPhases]string{"preflight", "stop", "snapshot", "start", "download", "verify", "finalize",
	"upload", "load", "check"}

// backupPhases and restorePhases are the phases of each kind of run, in order.
var (
	backupPhases  = []Phase{PhasePreflight, PhaseStop, PhaseSnapshot, PhaseStart, PhaseDownload, PhaseVerify, PhaseFinalize}
	restorePhases = []Phase{PhasePreflight, PhaseUpload, PhaseStop, PhaseLoad, PhaseStart, PhaseCheck, PhaseFinalize}
)

// String is the phase's name as progress output shows it.
func (p Phase) String() string {
	if p < 0 || p >= numPhases {
		return "unknown"
	}
	return phaseNames[p]
}

// PhaseOf maps an operation kind to its phase.
func PhaseOf(kind plan.OperationKind) Phase {
	switch kind {
	case plan.KindStop:
		return PhaseStop
	case plan.KindCreateSnapshot:
		return PhaseSnapshot
	case plan.KindStart:
		return PhaseStart
	case plan.KindDownloadSnapshot:
		return PhaseDownload
	case plan.KindVerifyArtifact:
		return PhaseVerify
	case plan.KindFinalizeManifest, plan.KindFinalizeRestore:
		return PhaseFinalize
	case plan.KindUploadSnapshot:
		return PhaseUpload
	case plan.KindLoadSnapshot:
		return PhaseLoad
	case plan.KindCheckMember:
		return PhaseCheck
	}
	return PhasePreflight
}

// Step is one of the five operations a run performs on each target.
type Step int

// Steps of a target: a backup's stop, snapshot, start, download and verify; a restore's upload,
// stop, load, start and check.
const (
	StepStop Step = iota
	StepSnapshot
	StepStart
	StepDownload
	StepVerify
	StepUpload
	StepLoad
	StepCheck
	numSteps
)

// backupSteps and restoreSteps are the steps of each kind of run, in the order they happen
// to a target.
var (
	backupSteps  = []Step{StepStop, StepSnapshot, StepStart, StepDownload, StepVerify}
	restoreSteps = []Step{StepUpload, StepStop, StepLoad, StepStart, StepCheck}
)

// stepOf maps a targeted operation kind to its step.
func stepOf(kind plan.OperationKind) (Step, bool) {
	switch PhaseOf(kind) {
	case PhaseUpload:
		return StepUpload, true
	case PhaseLoad:
		return StepLoad, true
	case PhaseCheck:
		return StepCheck, true
	case PhaseStop:
		return StepStop, true
	case PhaseSnapshot:
		return StepSnapshot, true
	case PhaseStart:
		return StepStart, true
	case PhaseDownload:
		return StepDownload, true
	case PhaseVerify:
		return StepVerify, true
	}
	return 0, false
}

// Tally counts a phase's operations by state.
type Tally struct {
	Total   int
	Done    int // completed or skipped
	Pending int // claimed by a worker, running
	Failed  int
}
