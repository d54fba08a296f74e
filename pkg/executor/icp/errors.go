package icp

import (
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/executor"
)

// Configuration errors returned by New.
var (
	// ErrInvalidConfig is a Config field that cannot be used.
	ErrInvalidConfig = errors.New("invalid icp configuration")
	// ErrNetworkConflict is a Config with both a network (-n) and an environment (-e).
	ErrNetworkConflict = errors.New("icp network and environment conflict")
	// ErrRootKeyRequired is a network given by URL without a root key (-k).
	ErrRootKeyRequired = errors.New("icp network URL needs a root key")
)

// Causes of a failed call; a *CommandError unwraps to one of them (or to the context's error, or
// to a *candid.RegistryError) and to its *executor.Error.
var (
	// ErrInvalidArgument is a canister id, snapshot id or directory the executor refuses to put on
	// a command line. No command runs.
	ErrInvalidArgument = errors.New("invalid argument for icp")
	// ErrNotStarted is an icp binary that could not be started.
	ErrNotStarted = errors.New("icp could not be started")
	// ErrCommandFailed is an icp command that exited with a non-zero status.
	ErrCommandFailed = errors.New("icp command failed")
	// ErrUsage is an icp command its argument parser refused (exit status 2): a bug in this package.
	ErrUsage = errors.New("icp refused the command line")
	// ErrTimeout is an icp command killed, with its process group, at its timeout.
	ErrTimeout = errors.New("icp command timed out")
	// ErrBadOutput is output of a successful icp command that cannot be parsed.
	ErrBadOutput = errors.New("unexpected icp output")
)

// ConfigError says which Config field is wrong and why.
type ConfigError struct {
	Field  string
	Value  string
	Reason string
	Err    error // ErrInvalidConfig, ErrNetworkConflict or ErrRootKeyRequired
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("icp config %s=%q: %s", e.Field, e.Value, e.Reason)
}

// Unwrap returns the sentinel.
func (e *ConfigError) Unwrap() error { return e.Err }

// CommandError is a failed call: the command line (empty when none ran), its exit status (-1 when
// it did not exit by itself), the executor error that classifies it, and the cause.
type CommandError struct {
	Command    string
	ExitStatus int
	Exec       *executor.Error
	Cause      error
}

func (e *CommandError) Error() string { return e.Exec.Error() }

// Unwrap returns the executor error (hence executor.ErrTransient or executor.ErrPermanent) and
// the cause.
func (e *CommandError) Unwrap() []error { return []error{e.Exec, e.Cause} }

func commandError(cmd string, status int, transient bool, cause error, message string) *CommandError {
	return &CommandError{Command: cmd, ExitStatus: status, Cause: cause,
		Exec: &executor.Error{Status: "icp", Message: message, Transient: transient}}
}

// invalidArgument refuses a value before any command runs.
func invalidArgument(what, value, reason string) *CommandError {
	return commandError("", -1, false, ErrInvalidArgument, fmt.Sprintf("invalid %s %q: %s", what, value, reason))
}

// badOutput is a successful command whose output cannot be used.
func badOutput(cmd string, reason string, out []byte) *CommandError {
	return commandError(cmd, 0, false, ErrBadOutput,
		fmt.Sprintf("`%s` printed unexpected output: %s: %s", cmd, reason, snippet(out)))
}

// snippet quotes the start of some output for an error message.
func snippet(out []byte) string {
	const limit = 200
	if len(out) > limit {
		return fmt.Sprintf("%q... (%d bytes)", out[:limit], len(out))
	}
	return fmt.Sprintf("%q", out)
}
