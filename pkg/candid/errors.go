package candid

import (
	"errors"
	"fmt"
)

// Sentinels matched with errors.Is; every error of this package unwraps to exactly one.
var (
	// ErrMalformed is input that is not valid Candid: bad magic, truncated data, LEB128 overflow,
	// a bad type table, invalid UTF-8 text, trailing bytes.
	ErrMalformed = errors.New("malformed candid")
	// ErrTypeMismatch is valid Candid whose type is not (a subtype of) the registry reply type.
	ErrTypeMismatch = errors.New("candid type mismatch")
	// ErrLimit is input that exceeds a decoding bound: nesting depth or work on empty values.
	ErrLimit = errors.New("candid decoding limit exceeded")
	// ErrRegistryRejected is a well-formed reply whose variant is Err: the root refused the query.
	ErrRegistryRejected = errors.New("registry query rejected by the root canister")
	// ErrInvalidRegistry is registry JSON the encoder cannot render as Candid.
	ErrInvalidRegistry = errors.New("invalid registry for candid encoding")
)

// DecodeError says what is wrong with the input and where: the byte offset and the path of the
// value being read (for example "Ok[2].record.parent_pid").
type DecodeError struct {
	Offset int
	Path   string
	Reason string
	Err    error // ErrMalformed, ErrTypeMismatch or ErrLimit
}

func (e *DecodeError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("candid at byte %d: %s", e.Offset, e.Reason)
	}
	return fmt.Sprintf("candid at byte %d (%s): %s", e.Offset, e.Path, e.Reason)
}

// Unwrap returns the sentinel.
func (e *DecodeError) Unwrap() error { return e.Err }

// RegistryError is the Err variant of the registry reply: the root's error code (a variant name
// such as "NotFound", or "#<hash>" for a code this package does not know) and message.
type RegistryError struct {
	Code    string
	Message string
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("registry query rejected by the root canister: %s: %s", e.Code, e.Message)
}

// Unwrap returns ErrRegistryRejected.
func (e *RegistryError) Unwrap() error { return ErrRegistryRejected }

// EncodeError says which registry entry (or field) the encoder cannot render.
type EncodeError struct {
	Index  int // -1 for the document as a whole
	Field  string
	Reason string
}

func (e *EncodeError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("candid encode: %s", e.Reason)
	}
	return fmt.Sprintf("candid encode: entry %d field %s: %s", e.Index, e.Field, e.Reason)
}

// Unwrap returns ErrInvalidRegistry.
func (e *EncodeError) Unwrap() error { return ErrInvalidRegistry }
