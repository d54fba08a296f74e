package sim

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// Decoders of the record fields of a registry entry, lenient where DOMAIN §1.1 is.

// moduleHash reads a module hash given as hex text or as an array of bytes.
func moduleHash(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		b, err := hex.DecodeString(text)
		if err != nil {
			return nil, errText("module_hash text is not hex")
		}
		return b, nil
	}
	var ints []int
	if err := json.Unmarshal(raw, &ints); err != nil {
		return nil, errText("module_hash must be null, hex text or an array of bytes")
	}
	b := make([]byte, len(ints))
	for i, v := range ints {
		if v < 0 || v > 255 {
			return nil, errText("module_hash byte out of range")
		}
		b[i] = byte(v)
	}
	return b, nil
}

func parentPid(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || len(list) > 1 {
		return "", errText("parent_pid must be null, a principal or [principal]")
	}
	if len(list) == 0 {
		return "", nil
	}
	return list[0], nil
}

func createdAt(raw json.RawMessage) (uint64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var text string
	if json.Unmarshal(raw, &text) != nil {
		text = string(raw)
	}
	n, err := strconv.ParseUint(text, 10, 64)
	if err != nil {
		return 0, errText("created_at must be a decimal nat64")
	}
	return n, nil
}

type errText string

func (e errText) Error() string { return string(e) }
