// Package principal validates and encodes Internet Computer principal texts.
//
// A principal text is valid when it is exactly the canonical encoding of a blob of
// at most 29 bytes: group5(lower(base32_nopad(crc32_be(blob) || blob))).
package principal

import (
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
)

// MaxBlobLen is the longest principal blob the IC allows.
const MaxBlobLen = 29

// maxTextLen bounds the text we are willing to decode: 33 bytes of base32 plus dashes.
const maxTextLen = 63

// ErrInvalid is matched (errors.Is) by every validation failure of this package.
var ErrInvalid = errors.New("invalid principal")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Error says why a principal text is not valid.
type Error struct {
	Text   string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid principal %q: %s", e.Text, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *Error) Unwrap() error { return ErrInvalid }

// Parse decodes a principal text into its blob, requiring the canonical form.
func Parse(text string) ([]byte, error) {
	if text == "" {
		return nil, &Error{Text: text, Reason: "empty"}
	}
	if len(text) > maxTextLen {
		return nil, &Error{Text: text, Reason: "too long"}
	}
	raw, err := b32.DecodeString(strings.ToUpper(strings.ReplaceAll(text, "-", "")))
	if err != nil {
		return nil, &Error{Text: text, Reason: "not base32"}
	}
	if len(raw) < 4 || len(raw) > 4+MaxBlobLen {
		return nil, &Error{Text: text, Reason: "wrong length"}
	}
	blob := raw[4:]
	if Encode(blob) != text {
		return nil, &Error{Text: text, Reason: "not canonical (checksum, case or dashes)"}
	}
	return blob, nil
}

// Valid reports whether text is a canonical principal text.
func Valid(text string) bool {
	_, err := Parse(text)
	return err == nil
}

// Encode renders a blob as its canonical principal text.
func Encode(blob []byte) string {
	buf := make([]byte, 4, 4+len(blob))
	binary.BigEndian.PutUint32(buf, crc32.ChecksumIEEE(blob))
	buf = append(buf, blob...)
	plain := strings.ToLower(b32.EncodeToString(buf))
	var out strings.Builder
	out.Grow(len(plain) + len(plain)/5)
	for i := 0; i < len(plain); i += 5 {
		if i > 0 {
			out.WriteByte('-')
		}
		out.WriteString(plain[i:min(i+5, len(plain))])
	}
	return out.String()
}

// Canonical re-prints a principal text in canonical form; it fails when text is not valid.
func Canonical(text string) (string, error) {
	blob, err := Parse(text)
	if err != nil {
		return "", err
	}
	return Encode(blob), nil
}
