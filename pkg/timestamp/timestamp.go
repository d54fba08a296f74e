// Package timestamp produces and parses the `unix:<seconds>` markers used in plans, journals and receipts.
package timestamp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Prefix starts every marker.
const Prefix = "unix:"

// ErrInvalid is matched by every parse failure.
var ErrInvalid = errors.New("invalid timestamp marker")

// Marker renders t as `unix:<seconds>`.
func Marker(t time.Time) string {
	return Prefix + strconv.FormatInt(t.Unix(), 10)
}

// FromSeconds renders a number of seconds as a marker.
func FromSeconds(s uint64) string {
	return Prefix + strconv.FormatUint(s, 10)
}

// Parse reads a marker's seconds. Like the reference (Rust) parser it accepts a leading '+'.
func Parse(marker string) (uint64, error) {
	rest, ok := strings.CutPrefix(marker, Prefix)
	if !ok {
		return 0, fmt.Errorf("%w: %q lacks the %q prefix", ErrInvalid, marker, Prefix)
	}
	rest = strings.TrimPrefix(rest, "+")
	if rest == "" || rest[0] == '+' || rest[0] == '-' {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, marker)
	}
	n, err := strconv.ParseUint(rest, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrInvalid, marker)
	}
	return n, nil
}
