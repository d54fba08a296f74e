package registry

import (
	"errors"
	"fmt"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// DefaultMaxEntries bounds the entry array Parse accepts: ten times the largest fleet the
// benchmarks run (10,000), and about 60 MB of decoding. Without it a registry of
// document.MaxSize bytes could hold 5.6 million minimal entries (`{"pid":"a"},`), which cost
// 3.4 GB and 18 s to decode.
const DefaultMaxEntries = 100_000

// ErrTooManyEntries: the entry array has more elements than Limits.MaxEntries.
var ErrTooManyEntries = errors.New("registry has too many entries")

// Limits bounds what ParseLimited accepts; a zero or negative field takes its default.
type Limits struct {
	// MaxBytes bounds the input; default document.MaxSize (64 MiB).
	MaxBytes int
	// MaxEntries bounds the elements of the entry array, counted before anything is decoded
	// (elements that Parse would skip count too: they cost as much to decode); default
	// DefaultMaxEntries.
	MaxEntries int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = document.MaxSize
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	return l
}

// EntriesError is ErrTooManyEntries with the limit.
type EntriesError struct {
	Limit int
}

func (e *EntriesError) Error() string {
	return fmt.Sprintf("%v: more than %d (the limit; a larger fleet needs a larger registry.Limits.MaxEntries)", ErrTooManyEntries, e.Limit)
}

// Unwrap returns ErrTooManyEntries.
func (e *EntriesError) Unwrap() error { return ErrTooManyEntries }

// entriesOver reports whether valid JSON data has more than limit entry candidates: elements of
// a top-level array, or of any array that is a member of a top-level object (the key "Ok" may be
// spelled with escapes, so every member array counts). It allocates nothing and stops as soon as
// the limit is passed.
func entriesOver(data []byte, limit int) bool {
	var outer [2]byte // the containers at depths 1 and 2
	depth, count := 0, 0
	for i := 0; i < len(data); {
		c := data[i]
		inEntries := depth == 1 && outer[0] == '[' || depth == 2 && outer[0] == '{' && outer[1] == '['
		if inEntries && c != ']' && c != ',' && c > ' ' {
			if count++; count > limit {
				return true
			}
		}
		switch {
		case c == '{' || c == '[':
			if depth < len(outer) {
				outer[depth] = c
			}
			depth++
			i++
		case c == '}' || c == ']':
			depth--
			i++
		case c == '"':
			i = stringEnd(data, i)
		case c == '-' || c >= '0' && c <= '9':
			i = numberEnd(data, i)
		case c == 't' || c == 'n':
			i += len("true")
		case c == 'f':
			i += len("false")
		default:
			i++
		}
	}
	return false
}

// stringEnd returns the offset after the string starting at data[start] (a quote).
func stringEnd(data []byte, start int) int {
	for i := start + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}
