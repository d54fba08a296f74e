package registry

import (
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// Sentinels, one per DOMAIN variant. Every error of this package matches exactly one of them
// with errors.Is; the typed errors below carry the details.
var (
	// ErrInvalidShape is InvalidRegistryJsonShape: the top level is neither an array nor {"Ok": [...]}.
	ErrInvalidShape = errors.New(`registry JSON must be an array or {"Ok": [...]}`)
	// ErrJSON is the reference's Json variant: the input is not JSON the reference would accept.
	ErrJSON = errors.New("malformed registry JSON")
	// ErrTooLarge is document.ErrTooLarge: the input exceeds document.MaxSize.
	ErrTooLarge = document.ErrTooLarge
	// ErrEmptyField is EmptyField: a required text is empty after trimming whitespace.
	ErrEmptyField = errors.New("empty field")
	// ErrUnknownSelector is UnknownSelector: no registry entry matches the selector.
	ErrUnknownSelector = errors.New("unknown selector")
	// ErrAmbiguousSelector is AmbiguousSelector: several entries have the selector as role.
	ErrAmbiguousSelector = errors.New("ambiguous selector")
	// ErrCanisterNotInRegistry is CanisterNotInRegistry: the selected canister is not an entry.
	ErrCanisterNotInRegistry = errors.New("canister not in registry")
	// ErrInvalidPrincipal says a pid or parent_pid cannot be hashed because it is not a principal.
	ErrInvalidPrincipal = errors.New("registry entry is not a valid principal")
)

// ShapeError is ErrInvalidShape, saying what the top level was instead.
type ShapeError struct {
	Found string
}

func (e *ShapeError) Error() string { return fmt.Sprintf("%v: found %s", ErrInvalidShape, e.Found) }

// Unwrap returns ErrInvalidShape.
func (e *ShapeError) Unwrap() error { return ErrInvalidShape }

// JSONError is ErrJSON with the byte offset where the input went wrong and the cause, which
// may be a *json.SyntaxError.
type JSONError struct {
	Offset int64
	Err    error
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("%v at byte %d: %v", ErrJSON, e.Offset, e.Err)
}

// Unwrap returns ErrJSON and the cause.
func (e *JSONError) Unwrap() []error { return []error{ErrJSON, e.Err} }

// SizeError is ErrTooLarge with the input's size and the limit.
type SizeError struct {
	Size, Limit int
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("registry JSON: %v: %d bytes (limit %d)", ErrTooLarge, e.Size, e.Limit)
}

// Unwrap returns ErrTooLarge.
func (e *SizeError) Unwrap() error { return ErrTooLarge }

// FieldError is ErrEmptyField naming the field.
type FieldError struct {
	Field string
}

func (e *FieldError) Error() string { return fmt.Sprintf("field %s must not be empty", e.Field) }

// Unwrap returns ErrEmptyField.
func (e *FieldError) Unwrap() error { return ErrEmptyField }

// UnknownSelectorError is ErrUnknownSelector naming the selector.
type UnknownSelectorError struct {
	Selector string
}

func (e *UnknownSelectorError) Error() string {
	return fmt.Sprintf("selector %q matches no registry entry", e.Selector)
}

// Unwrap returns ErrUnknownSelector.
func (e *UnknownSelectorError) Unwrap() error { return ErrUnknownSelector }

// AmbiguousSelectorError is ErrAmbiguousSelector with the matching pids in registry order.
type AmbiguousSelectorError struct {
	Selector string
	Matches  []string
}

func (e *AmbiguousSelectorError) Error() string {
	return fmt.Sprintf("selector %q matches %d canisters: %v", e.Selector, len(e.Matches), e.Matches)
}

// Unwrap returns ErrAmbiguousSelector.
func (e *AmbiguousSelectorError) Unwrap() error { return ErrAmbiguousSelector }

// NotInRegistryError is ErrCanisterNotInRegistry naming the canister.
type NotInRegistryError struct {
	CanisterID string
}

func (e *NotInRegistryError) Error() string {
	return fmt.Sprintf("registry does not contain the requested canister %s", e.CanisterID)
}

// Unwrap returns ErrCanisterNotInRegistry.
func (e *NotInRegistryError) Unwrap() error { return ErrCanisterNotInRegistry }

// PrincipalError is ErrInvalidPrincipal: entry Index's Field ("pid" or "parent_pid") holds
// Value, which is not a principal text. Err is the principal package's reason.
type PrincipalError struct {
	Index int
	Field string
	Value string
	Err   error
}

func (e *PrincipalError) Error() string {
	return fmt.Sprintf("registry entry %s is not a valid principal (entry %d, %s): %v",
		e.Value, e.Index, e.Field, e.Err)
}

// Unwrap returns ErrInvalidPrincipal and the principal package's error.
func (e *PrincipalError) Unwrap() []error { return []error{ErrInvalidPrincipal, e.Err} }
