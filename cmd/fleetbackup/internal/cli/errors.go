package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/request"
)

// Exit statuses (DESIGN §9): success, a failed run or check, bad usage or input.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// Sentinels deciding a command's exit status; match them with errors.Is.
var (
	// ErrUsage is a command line that does not parse: unknown flag or command, wrong arguments.
	// The command's help follows the message on standard error.
	ErrUsage = errors.New("bad usage")
	// ErrInput is input the command cannot use: an unreadable or malformed file, a bad request.
	ErrInput = errors.New("bad input")
	// ErrFailed is a run that did not complete or a check that found problems; the command has
	// already said why on its output.
	ErrFailed = errors.New("failed")
)

// UsageError says what is wrong with a command line.
type UsageError struct {
	Reason string
}

// Error is the reason.
func (e *UsageError) Error() string { return e.Reason }

// Unwrap returns ErrUsage.
func (e *UsageError) Unwrap() error { return ErrUsage }

func usagef(format string, args ...any) error {
	return &UsageError{Reason: fmt.Sprintf(format, args...)}
}

// InputError says which input the command could not use and why.
type InputError struct {
	What string // e.g. "--file request.json"
	Err  error
}

// Error names the input and why it is unusable.
func (e *InputError) Error() string { return fmt.Sprintf("%s: %v", e.What, e.Err) }

// Unwrap matches ErrInput and the cause.
func (e *InputError) Unwrap() []error { return []error{ErrInput, e.Err} }

// FailedError is a run or check that failed; its message was printed already unless Say is set.
type FailedError struct {
	Say string // a last line for standard error, or ""
}

// Error is the last line, or "failed".
func (e *FailedError) Error() string {
	if e.Say == "" {
		return ErrFailed.Error()
	}
	return e.Say
}

// Unwrap returns ErrFailed.
func (e *FailedError) Unwrap() error { return ErrFailed }

// exitCode maps a command's result to its exit status.
func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.Is(err, ErrUsage), errors.Is(err, ErrInput), errors.Is(err, request.ErrBadRequest):
		return ExitUsage
	}
	return ExitFailed
}
