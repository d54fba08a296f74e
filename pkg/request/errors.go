package request

import (
	"errors"
	"fmt"
)

// ErrBadRequest is matched by every rejection of a run request.
var ErrBadRequest = errors.New("bad run request")

// RequestError says which field of a run request is wrong and why; Err, when set, is the
// typed cause (from plan, registry, manifest), matched with errors.Is and errors.As.
type RequestError struct {
	Field  string
	Reason string
	Err    error
}

func (e *RequestError) Error() string {
	if e.Field == "" {
		return "bad run request: " + e.Reason
	}
	return fmt.Sprintf("bad run request: %s: %s", e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrBadRequest) true, and exposes the cause.
func (e *RequestError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrBadRequest}
	}
	return []error{ErrBadRequest, e.Err}
}
