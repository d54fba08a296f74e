package restore

import (
	"fmt"
	"strings"
)

// noSequence marks an Error that concerns no operation.
const noSequence = -1

// Error is a restore failure. Err is the sentinel it matches (errors.Is); the other fields say
// where and keep their zero value when they do not apply (Sequence is -1 then).
type Error struct {
	Err      error
	Field    string // JSON path in the reference's notation, e.g. "members[].target_canister"
	Value    string // offending value (principal, hash, kind, state, reason)
	Source   string // source canister concerned
	Target   string // target canister concerned
	Sequence int    // operation concerned, or -1
	Attempt  int    // receipt attempt concerned
	Expected string // count and projection mismatches, out-of-order transitions: the wanted value
	Actual   string // the value found
	Reasons  []string
	Cause    error // the manifest, layout, checksum or decode error behind Err
}

// Unwrap matches the sentinel and, when there is one, the cause.
func (e *Error) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Cause}
}

func (e *Error) Error() string {
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if e.Field != "" {
		add("field %s", e.Field)
	}
	if e.Sequence >= 0 {
		add("sequence %d", e.Sequence)
	}
	if e.Attempt != 0 {
		add("attempt %d", e.Attempt)
	}
	if e.Source != "" {
		add("source %s", e.Source)
	}
	if e.Target != "" {
		add("target %s", e.Target)
	}
	if e.Value != "" {
		add("value %q", e.Value)
	}
	if e.Expected != "" || e.Actual != "" {
		add("expected %s, got %s", e.Expected, e.Actual)
	}
	if len(e.Reasons) > 0 {
		add("reasons %s", strings.Join(e.Reasons, ","))
	}
	msg := "restore: " + e.Err.Error()
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// newErr builds an error about no operation.
func newErr(sentinel error) *Error { return &Error{Err: sentinel, Sequence: noSequence} }

// fieldErr builds an error about one field.
func fieldErr(sentinel error, field string) *Error {
	e := newErr(sentinel)
	e.Field = field
	return e
}

// opErr builds an error about one operation.
func opErr(sentinel error, sequence int) *Error {
	return &Error{Err: sentinel, Sequence: sequence}
}

// fail converts a possibly nil *Error into an error without the typed-nil trap.
func fail(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// Admission steps, in the order Admit runs them (RESTORE §1.3).
const (
	StepLayoutIntegrity = "layout-integrity"
	StepManifest        = "manifest"
	StepMapping         = "mapping"
	StepPlan            = "plan"
	StepReadiness       = "readiness"
	StepArtifacts       = "artifacts"
	StepJournal         = "journal"
)

// AdmissionError says which admission step refused a backup directory. It unwraps to the step's
// error, so errors.Is matches this package's sentinels and the layout and manifest ones alike.
type AdmissionError struct {
	Step string
	Dir  string
	Err  error
}

func (e *AdmissionError) Error() string {
	return fmt.Sprintf("restore admission of %s refused at %s: %v", e.Dir, e.Step, e.Err)
}

// Unwrap returns the step's error.
func (e *AdmissionError) Unwrap() error { return e.Err }
