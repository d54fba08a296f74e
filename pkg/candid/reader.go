package candid

import (
	"math"
	"unicode/utf8"
)

// Bounds on hostile input.
const (
	// maxDepth bounds the nesting of values (and so the recursion) while decoding or skipping.
	maxDepth = 64
	// baseBudget plus budgetPerByte times the input length bounds the values visited, so that a
	// vector of values taking no bytes (null, empty records) cannot make decoding run forever.
	baseBudget    = 1 << 16
	budgetPerByte = 16
	// maxPrincipalLen is the longest principal blob Candid allows.
	maxPrincipalLen = 29
)

// reader walks the input, tracking the offset for errors and the work budget.
type reader struct {
	data   []byte
	pos    int
	budget int
	depth  int
	path   []string
}

func newReader(data []byte) *reader {
	return &reader{data: data, budget: baseBudget + budgetPerByte*len(data)}
}

func (r *reader) remaining() int { return len(r.data) - r.pos }

// fail builds a DecodeError at the current offset and path.
func (r *reader) fail(sentinel error, reason string) error {
	path := ""
	for _, p := range r.path {
		if path != "" && p[0] != '[' {
			path += "."
		}
		path += p
	}
	return &DecodeError{Offset: r.pos, Path: path, Reason: reason, Err: sentinel}
}

func (r *reader) push(segment string) { r.path = append(r.path, segment) }
func (r *reader) pop()                { r.path = r.path[:len(r.path)-1] }

// enter charges one value against the budget and one level against the depth bound; leave undoes
// the depth.
func (r *reader) enter() error {
	r.budget--
	if r.budget < 0 {
		return r.fail(ErrLimit, "too many values for the input size")
	}
	r.depth++
	if r.depth > maxDepth {
		return r.fail(ErrLimit, "values nested too deeply")
	}
	return nil
}

func (r *reader) leave() { r.depth-- }

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.data) {
		return 0, r.fail(ErrMalformed, "unexpected end of input")
	}
	b := r.data[r.pos]
	r.pos++
	return b, nil
}

// bytes returns the next n bytes, failing before any allocation when fewer remain.
func (r *reader) bytes(n uint64) ([]byte, error) {
	if n > uint64(r.remaining()) {
		return nil, r.fail(ErrMalformed, "length exceeds the remaining input")
	}
	out := r.data[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return out, nil
}

// uleb reads an unsigned LEB128 number that must fit 64 bits.
func (r *reader) uleb() (uint64, error) {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift == 63 && b > 1 {
			return 0, r.fail(ErrMalformed, "LEB128 number overflows 64 bits")
		}
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v, nil
		}
	}
}

// sleb reads a signed LEB128 number that must fit 64 bits.
func (r *reader) sleb() (int64, error) {
	var v int64
	var shift uint
	for {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift == 63 && b != 0 && b != 0x7f {
			return 0, r.fail(ErrMalformed, "SLEB128 number overflows 64 bits")
		}
		v |= int64(b&0x7f) << shift
		shift += 7
		if b < 0x80 {
			if shift < 64 && b&0x40 != 0 {
				v |= -1 << shift
			}
			return v, nil
		}
	}
}

// length reads a LEB128 count or length that must not exceed the remaining input: every counted
// item takes at least one byte, so a larger count is malformed and is refused before allocating.
func (r *reader) length() (int, error) {
	n, err := r.uleb()
	if err != nil {
		return 0, err
	}
	if n > uint64(r.remaining()) {
		return 0, r.fail(ErrMalformed, "count exceeds the remaining input")
	}
	return int(n), nil
}

// skipLEB skips an arbitrary-precision (S)LEB128 number (nat, int).
func (r *reader) skipLEB() error {
	for {
		b, err := r.byte()
		if err != nil {
			return err
		}
		if b < 0x80 {
			return nil
		}
	}
}

// text reads a length-prefixed UTF-8 string.
func (r *reader) text() (string, error) {
	n, err := r.uleb()
	if err != nil {
		return "", err
	}
	raw, err := r.bytes(n)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(raw) {
		return "", r.fail(ErrMalformed, "text is not valid UTF-8")
	}
	return string(raw), nil
}

// hash32 reads a field id, which must fit 32 bits.
func (r *reader) hash32() (uint32, error) {
	v, err := r.uleb()
	if err != nil {
		return 0, err
	}
	if v > math.MaxUint32 {
		return 0, r.fail(ErrMalformed, "field id exceeds 32 bits")
	}
	return uint32(v), nil
}
