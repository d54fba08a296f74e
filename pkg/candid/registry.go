package candid

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
)

// RegistryEntry is one entry of the registry reply's Ok vector. Its JSON is the §1.1 shape the
// root's reply renders to: {"pid", "role", "record": {"pid", "role", "parent_pid",
// "module_hash", "created_at"}}.
type RegistryEntry struct {
	Pid    string         `json:"pid"`
	Role   string         `json:"role"`
	Record CanisterRecord `json:"record"`
}

// CanisterRecord is the record inside a RegistryEntry. ParentPid is nil for the root; ModuleHash
// is nil when the canister has no module (Candid null), and renders as a JSON array of bytes.
type CanisterRecord struct {
	Pid        string  `json:"pid"`
	Role       string  `json:"role"`
	ParentPid  *string `json:"parent_pid"`
	ModuleHash Bytes   `json:"module_hash"`
	CreatedAt  uint64  `json:"created_at,string"`
}

// Bytes is a blob rendered as a JSON array of integers (null when nil). It reads back from such
// an array, from null, or from hex text.
type Bytes []byte

// MarshalJSON renders the bytes as [0,7,14,...], or null when b is nil.
func (b Bytes) MarshalJSON() ([]byte, error) {
	if b == nil {
		return []byte("null"), nil
	}
	out := make([]byte, 0, 2+4*len(b))
	out = append(out, '[')
	for i, v := range b {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendUint(out, uint64(v), 10)
	}
	return append(out, ']'), nil
}

// errBytes is the reason of a Bytes decoding failure.
var errBytes = errors.New("module_hash must be null, an array of integers 0..255 or hex text")

// UnmarshalJSON reads null, an array of integers 0..255, or hex text.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		*b = nil
		return nil
	}
	var text string
	if json.Unmarshal(data, &text) == nil {
		raw, err := hex.DecodeString(text)
		if err != nil {
			return errBytes
		}
		*b = raw
		return nil
	}
	var ints []uint8
	if err := json.Unmarshal(data, &ints); err != nil {
		return errBytes
	}
	*b = append(Bytes{}, ints...)
	return nil
}

// registryReply is the {"Ok": [...]} document.
type registryReply struct {
	Ok []RegistryEntry `json:"Ok"`
}

// MarshalRegistry renders entries as the compact registry JSON {"Ok":[...]} of DOMAIN §1.1.
func MarshalRegistry(entries []RegistryEntry) ([]byte, error) {
	if entries == nil {
		entries = []RegistryEntry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(registryReply{Ok: entries}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// DecodeRegistryReply decodes the Candid reply of canic_subnet_registry into registry JSON
// {"Ok":[...]} (module hashes as byte arrays, created_at as a decimal string, parent_pid null or
// text). An Err reply is a *RegistryError (errors.Is ErrRegistryRejected); bad input is a
// *DecodeError (ErrMalformed, ErrTypeMismatch or ErrLimit).
func DecodeRegistryReply(data []byte) ([]byte, error) {
	entries, err := DecodeRegistry(data)
	if err != nil {
		return nil, err
	}
	return MarshalRegistry(entries)
}
