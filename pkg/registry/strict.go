package registry

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"unicode/utf8"
)

// maxNesting is the deepest array/object nesting serde_json (the reference's parser) accepts:
// it starts with a budget of 128 and fails when the budget reaches zero.
const maxNesting = 127

var (
	errUTF8      = errors.New("invalid UTF-8")
	errNesting   = errors.New("nesting deeper than 127 levels")
	errSurrogate = errors.New("lone surrogate in \\u escape")
	errNumber    = errors.New("number out of range")
)

// checkJSON accepts exactly what serde_json's from_str accepts: valid UTF-8 holding one JSON
// value, with the extra limits Go's decoder does not apply.
func checkJSON(data []byte) error {
	if !utf8.Valid(data) {
		return &JSONError{Offset: int64(firstInvalidUTF8(data)), Err: errUTF8}
	}
	if !json.Valid(data) {
		var raw json.RawMessage
		err := json.Unmarshal(data, &raw)
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return &JSONError{Offset: syntax.Offset, Err: err}
		}
		return &JSONError{Err: err}
	}
	return checkTokens(data)
}

// checkTokens walks syntactically valid JSON for nesting depth, surrogates and number range.
func checkTokens(data []byte) error {
	depth := 0
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '{' || c == '[':
			depth++
			if depth > maxNesting {
				return &JSONError{Offset: int64(i), Err: errNesting}
			}
			i++
		case c == '}' || c == ']':
			depth--
			i++
		case c == '"':
			end, err := checkString(data, i)
			if err != nil {
				return err
			}
			i = end
		case c == '-' || (c >= '0' && c <= '9'):
			end := numberEnd(data, i)
			if err := checkNumber(data[i:end]); err != nil {
				return &JSONError{Offset: int64(i), Err: err}
			}
			i = end
		default:
			i++
		}
	}
	return nil
}

// checkString returns the offset after the string starting at data[start] (a quote), failing
// on a \u escape that is half of a surrogate pair without its other half.
func checkString(data []byte, start int) (int, error) {
	for i := start + 1; i < len(data); {
		switch data[i] {
		case '"':
			return i + 1, nil
		case '\\':
			if data[i+1] != 'u' {
				i += 2
				continue
			}
			n, err := checkEscape(data, i)
			if err != nil {
				return 0, &JSONError{Offset: int64(i), Err: err}
			}
			i += n
		default:
			i++
		}
	}
	return len(data), nil
}

// checkEscape checks the \u escape at data[i] and returns its length (6, or 12 for a pair).
func checkEscape(data []byte, i int) (int, error) {
	r := hex4(data[i+2 : i+6])
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, errSurrogate
	case r >= 0xD800 && r <= 0xDBFF:
		if i+12 > len(data) || data[i+6] != '\\' || data[i+7] != 'u' {
			return 0, errSurrogate
		}
		if low := hex4(data[i+8 : i+12]); low < 0xDC00 || low > 0xDFFF {
			return 0, errSurrogate
		}
		return 12, nil
	default:
		return 6, nil
	}
}

// hex4 decodes four hex digits (already validated by json.Valid, except after a high surrogate).
func hex4(digits []byte) int {
	n, err := strconv.ParseUint(string(digits), 16, 16)
	if err != nil {
		return -1
	}
	return int(n)
}

// numberEnd returns the offset after the number token starting at data[start].
func numberEnd(data []byte, start int) int {
	i := start
	for i < len(data) {
		switch c := data[i]; {
		case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			i++
		default:
			return i
		}
	}
	return i
}

// checkNumber fails like serde_json on numbers whose float value is infinite. Short integers
// cannot overflow and skip the float parse.
func checkNumber(token []byte) error {
	if len(token) < 16 && !hasFloatPart(token) {
		return nil
	}
	f, _ := strconv.ParseFloat(string(token), 64)
	if math.IsInf(f, 0) {
		return errNumber
	}
	return nil
}

// hasFloatPart reports whether a number token has a fraction or an exponent.
func hasFloatPart(token []byte) bool {
	for _, c := range token {
		if c == '.' || c == 'e' || c == 'E' {
			return true
		}
	}
	return false
}

// firstInvalidUTF8 returns the offset of the first byte that is not valid UTF-8.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}
