package manifest

import (
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/checksum"
	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// nonEmpty applies DOMAIN §0's rule: something is left after trimming whitespace.
func nonEmpty(field, value string) *Error {
	if strings.TrimSpace(value) == "" {
		e := newErr(ErrEmptyField)
		e.Field = field
		return e
	}
	return nil
}

func optionalNonEmpty(field string, value *string) *Error {
	if value == nil {
		return nil
	}
	return nonEmpty(field, *value)
}

// validPrincipal requires a non-empty, canonical principal text.
func validPrincipal(field, value string) *Error {
	if e := nonEmpty(field, value); e != nil {
		return e
	}
	if !principal.Valid(value) {
		e := newErr(ErrInvalidPrincipal)
		e.Field, e.Value = field, value
		return e
	}
	return nil
}

func optionalPrincipal(field string, value *string) *Error {
	if value == nil {
		return nil
	}
	return validPrincipal(field, *value)
}

// validHash requires 64 ASCII hex digits (upper case accepted).
func validHash(field, value string) *Error {
	if e := nonEmpty(field, value); e != nil {
		return e
	}
	if !checksum.ValidHex(value) {
		e := newErr(ErrInvalidHash)
		e.Field = field
		return e
	}
	return nil
}

func optionalHash(field string, value *string) *Error {
	if value == nil {
		return nil
	}
	return validHash(field, *value)
}

// algorithm requires a non-empty algorithm name equal to sha256.
func algorithm(field, value string) *Error {
	if e := nonEmpty(field, value); e != nil {
		return e
	}
	if value != HashAlgorithm {
		e := newErr(ErrUnsupportedHashAlgorithm)
		e.Field, e.Value = field, value
		return e
	}
	return nil
}

// fail converts a possibly nil *Error into an error without the typed-nil trap.
func fail(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}
