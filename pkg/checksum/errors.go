package checksum

import (
	"errors"
	"fmt"
)

// ErrUnsupportedAlgorithm is matched when a checksum names an algorithm other than sha256
// (DOMAIN §6 UnsupportedAlgorithm).
var ErrUnsupportedAlgorithm = errors.New("unsupported checksum algorithm")

// ErrMismatch is matched when a recomputed checksum differs from the expected one
// (DOMAIN §6 ChecksumMismatch).
var ErrMismatch = errors.New("checksum mismatch")

// ErrFileChanged is matched when a file was truncated (or its storage failed) while it was being
// hashed from a memory mapping: its bytes could not all be read, so it has no checksum.
var ErrFileChanged = errors.New("file changed while it was being hashed")

// UnsupportedAlgorithmError names the algorithm that was asked for.
type UnsupportedAlgorithmError struct {
	Algorithm string
}

// Error names the algorithm asked for.
func (e *UnsupportedAlgorithmError) Error() string {
	return fmt.Sprintf("unsupported checksum algorithm %q (want %q)", e.Algorithm, Algorithm)
}

// Unwrap makes errors.Is(err, ErrUnsupportedAlgorithm) true.
func (e *UnsupportedAlgorithmError) Unwrap() error { return ErrUnsupportedAlgorithm }

// MismatchError carries both checksums of a failed Verify.
type MismatchError struct {
	Expected string
	Actual   string
}

// Error shows both checksums.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("checksum mismatch: expected %s, actual %s", e.Expected, e.Actual)
}

// Unwrap makes errors.Is(err, ErrMismatch) true.
func (e *MismatchError) Unwrap() error { return ErrMismatch }
