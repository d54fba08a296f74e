package sim

import (
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Configuration and state errors, returned by New, ParseLatency, InjectFault, Inspect and ReadHistory.
var (
	// ErrInvalidConfig is a Config field out of range.
	ErrInvalidConfig = errors.New("invalid sim configuration")
	// ErrInvalidLatency is a malformed --sim-latency value or an unknown call kind in it.
	ErrInvalidLatency = errors.New("invalid sim latency")
	// ErrInvalidFleet is a fleet file the simulator cannot use.
	ErrInvalidFleet = errors.New("invalid sim fleet")
	// ErrFleetMismatch is a fleet file that differs from the fleet the state directory already holds.
	ErrFleetMismatch = errors.New("state directory holds a different fleet")
	// ErrInvalidFault is a fault with an unknown call or mode, or a negative count.
	ErrInvalidFault = errors.New("invalid sim fault")
	// ErrCorruptState is a state file that cannot be decoded.
	ErrCorruptState = errors.New("corrupt sim state")
)

// Rules a call can break; a *CallError unwraps to one of them and to its executor error class.
var (
	// ErrCanisterNotFound is a canister that is not in the fleet (or a root that is not the fleet's).
	ErrCanisterNotFound = errors.New("canister not found")
	// ErrCanisterNotStopped is a snapshot of, or a load into, a running or stopping canister.
	ErrCanisterNotStopped = errors.New("canister not stopped")
	// ErrCanisterNotRunning is a mutation of a stopping or stopped canister (it takes no updates).
	ErrCanisterNotRunning = errors.New("canister not running")
	// ErrArtifactMismatch is an upload of a directory that is not an artifact the simulator wrote:
	// a file missing, or bytes other than its metadata's content produces.
	ErrArtifactMismatch = errors.New("artifact does not match its content")
	// ErrSnapshotLimit is a snapshot beyond the number a canister may hold. It is
	// executor.ErrSnapshotLimit, so that callers need not know which executor refused.
	ErrSnapshotLimit = executor.ErrSnapshotLimit
	// ErrSnapshotNotFound is a download, load or delete of a snapshot the canister does not hold.
	ErrSnapshotNotFound = errors.New("snapshot not found")
	// ErrSnapshotFilesExist is a download without resume into a directory holding snapshot files.
	ErrSnapshotFilesExist = errors.New("directory already holds snapshot files")
	// ErrProgressMismatch is a resumed download whose progress file is for another snapshot or unreadable.
	ErrProgressMismatch = errors.New("download progress does not match")
	// ErrDownloadBusy is a download into a directory another download is writing.
	ErrDownloadBusy = errors.New("download already in progress")
	// ErrStartedWhileStopping is a stop that lost to a start issued while the canister was stopping.
	ErrStartedWhileStopping = errors.New("canister started while stopping")
	// ErrInjected is a failure injected with InjectFault.
	ErrInjected = errors.New("injected fault")
	// ErrReplyLost is an injected lost reply: the call took effect but its caller hears a timeout.
	ErrReplyLost = errors.New("reply lost")
	// ErrHost is a failure of the simulator's own files (I/O), reported as transient.
	ErrHost = errors.New("sim host failure")
)

// ConfigError says which configuration field is wrong and why.
type ConfigError struct {
	Field  string
	Value  string
	Reason string
	Err    error // ErrInvalidConfig or ErrInvalidLatency
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("sim config %s=%q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns the sentinel.
func (e *ConfigError) Unwrap() error { return e.Err }

// FleetError says which fleet entry is unusable and why.
type FleetError struct {
	Index  int // -1 for the document as a whole
	Pid    string
	Reason string
}

func (e *FleetError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("sim fleet: %s", e.Reason)
	}
	return fmt.Sprintf("sim fleet entry %d (pid %q): %s", e.Index, e.Pid, e.Reason)
}

// Unwrap returns ErrInvalidFleet.
func (e *FleetError) Unwrap() error { return ErrInvalidFleet }

// FaultError says which field of a fault is invalid.
type FaultError struct {
	Field string
	Value string
}

func (e *FaultError) Error() string {
	return fmt.Sprintf("sim fault %s %q is not valid", e.Field, e.Value)
}

// Unwrap returns ErrInvalidFault.
func (e *FaultError) Unwrap() error { return ErrInvalidFault }

// StateError is a state file that cannot be read or decoded.
type StateError struct {
	Path string
	Err  error
}

func (e *StateError) Error() string { return fmt.Sprintf("sim state %s: %v", e.Path, e.Err) }

// Unwrap returns ErrCorruptState and the underlying cause.
func (e *StateError) Unwrap() []error { return []error{ErrCorruptState, e.Err} }

// ArtifactError says which file of an uploaded artifact directory does not match and why.
type ArtifactError struct {
	Dir    string
	File   string // slash-separated, relative to Dir
	Reason string
}

func (e *ArtifactError) Error() string {
	return fmt.Sprintf("artifact %s: %s: %s", e.Dir, e.File, e.Reason)
}

// Unwrap returns ErrArtifactMismatch.
func (e *ArtifactError) Unwrap() error { return ErrArtifactMismatch }

// CallError is a failed executor call. It unwraps to its *executor.Error (hence to
// executor.ErrTransient or executor.ErrPermanent) and to the rule it broke (ErrCanisterNotStopped,
// ErrInjected, context.Canceled, ...).
type CallError struct {
	Call     string
	Canister string
	Rule     error
	Exec     *executor.Error
}

func (e *CallError) Error() string { return e.Exec.Error() }

// Unwrap returns the executor error and the rule.
func (e *CallError) Unwrap() []error { return []error{e.Exec, e.Rule} }

func permanent(rec *record, rule error, format string, args ...any) error {
	return &CallError{Call: rec.call, Canister: rec.canister, Rule: rule,
		Exec: executor.Permanent("sim", "%s %s: %s", rec.call, rec.canister, fmt.Sprintf(format, args...))}
}

func transient(rec *record, rule error, format string, args ...any) error {
	return &CallError{Call: rec.call, Canister: rec.canister, Rule: rule,
		Exec: executor.Transient("sim", "%s %s: %s", rec.call, rec.canister, fmt.Sprintf(format, args...))}
}

// hostError classifies a failure of the simulator's own files as transient.
func hostError(rec *record, err error) error {
	var ce *CallError
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, ErrCorruptState) {
		return &CallError{Call: rec.call, Canister: rec.canister, Rule: err,
			Exec: executor.Permanent("sim", "%s %s: %v", rec.call, rec.canister, err)}
	}
	return &CallError{Call: rec.call, Canister: rec.canister, Rule: errors.Join(ErrHost, err),
		Exec: executor.Transient("sim", "%s %s: %v", rec.call, rec.canister, err)}
}

// interrupted reports a call whose context ended; it unwraps to ctx.Err() as well.
func interrupted(rec *record, cause error) error {
	return &CallError{Call: rec.call, Canister: rec.canister, Rule: cause,
		Exec: executor.Transient("sim", "%s %s: timed out: %v", rec.call, rec.canister, cause)}
}
