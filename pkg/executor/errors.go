package executor

import (
	"errors"
	"fmt"
)

// Error classes. Every error an executor returns matches exactly one with errors.Is.
var (
	// ErrTransient marks failures worth retrying: timeouts, network, rate limits, a busy replica.
	ErrTransient = errors.New("transient executor error")
	// ErrPermanent marks failures a retry cannot fix: not a controller, not found, invalid argument.
	ErrPermanent = errors.New("permanent executor error")
)

// ErrSnapshotLimit marks a create refused because the canister already holds as many snapshots
// as it may (the IC's "has reached the maximum number of snapshots allowed"). It is not a class:
// such an error is also ErrPermanent. A create at the limit can still replace one of the
// canister's snapshots (SnapshotReplacer).
var ErrSnapshotLimit = errors.New("snapshot limit reached")

// Error is a failed host call: Status names the failing layer (for example "icp" or "sim"),
// Message says what happened without backtrace noise.
type Error struct {
	Status    string
	Message   string
	Transient bool
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Status, e.Message) }

// Unwrap classifies the error as ErrTransient or ErrPermanent.
func (e *Error) Unwrap() error {
	if e.Transient {
		return ErrTransient
	}
	return ErrPermanent
}

// Transient builds a retryable error.
func Transient(status, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...), Transient: true}
}

// Permanent builds an error that must not be retried.
func Permanent(status, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// IsTransient reports whether err is worth retrying. Errors that are not executor errors
// (context cancellation, I/O) are treated as transient only when they say so.
func IsTransient(err error) bool { return errors.Is(err, ErrTransient) }
