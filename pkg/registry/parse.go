package registry

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strconv"
)

// object is a decoded JSON object; keys match exactly (case matters), the last duplicate wins.
type object = map[string]any

// Parse reads registry JSON (DOMAIN §1.1): a bare array of entries or {"Ok": [...]}.
// Elements that are not objects or lack a string pid are skipped silently; order and duplicates
// are kept. It accepts exactly the JSON the reference accepts: inputs over document.MaxSize,
// invalid UTF-8, nesting deeper than 127, lone surrogate escapes and numbers beyond float64
// are JSON errors. An entry array of more than DefaultMaxEntries elements is refused
// (ErrTooManyEntries) before it is decoded. It is ParseLimited with the default Limits.
func Parse(data []byte) ([]Entry, error) {
	return ParseLimited(data, Limits{})
}

// ParseLimited is Parse within lim: an input over lim.MaxBytes is a *SizeError (ErrTooLarge),
// an entry array of more than lim.MaxEntries elements an *EntriesError (ErrTooManyEntries).
func ParseLimited(data []byte, lim Limits) ([]Entry, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, &SizeError{Size: len(data), Limit: lim.MaxBytes}
	}
	if err := checkJSON(data); err != nil {
		return nil, err
	}
	if entriesOver(data, lim.MaxEntries) {
		return nil, &EntriesError{Limit: lim.MaxEntries}
	}
	// checkJSON proved data is one valid value, so decoding cannot fail; numbers stay tokens
	// (json.Number) so that byte arrays can tell 1 from 1.0 as serde_json does.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, &JSONError{Offset: dec.InputOffset(), Err: err}
	}
	items, err := entryArray(top)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(items))
	for _, item := range items {
		if entry, ok := decodeEntry(item); ok {
			entries = append(entries, entry)
		}
	}
	return entries, nil
}

// entryArray returns the elements of the entry array, unwrapping {"Ok": [...]}.
func entryArray(top any) ([]any, error) {
	switch v := top.(type) {
	case []any:
		return v, nil
	case object:
		if items, ok := v["Ok"].([]any); ok {
			return items, nil
		}
		return nil, &ShapeError{Found: `an object without an "Ok" array`}
	case string:
		return nil, &ShapeError{Found: "a string"}
	case nil:
		return nil, &ShapeError{Found: "null"}
	case bool:
		return nil, &ShapeError{Found: "a boolean"}
	default:
		return nil, &ShapeError{Found: "a number"}
	}
}

// decodeEntry reads one element; ok is false when the element is to be skipped.
func decodeEntry(item any) (Entry, bool) {
	fields, _ := item.(object)
	pid, ok := fields["pid"].(string)
	if !ok {
		return Entry{}, false
	}
	record, _ := fields["record"].(object)
	kind, hasKind := fields["kind"]
	if !hasKind {
		kind = record["kind"]
	}
	return Entry{
		Pid:        pid,
		Role:       asString(fields["role"]),
		Kind:       asString(kind),
		ParentPid:  parentPid(record["parent_pid"]),
		ModuleHash: moduleHash(record["module_hash"]),
		CreatedAt:  createdAt(record["created_at"]),
	}, true
}

// createdAt reads record.created_at: decimal text (the Candid reply's JSON rendering of a
// nat64) or an integer token, kept as written when it is a nat64; anything else is null, so
// that every kept value encodes back to Candid.
func createdAt(v any) *string {
	var text string
	switch t := v.(type) {
	case string:
		text = t
	case json.Number:
		text = string(t)
	default:
		return nil
	}
	if _, err := strconv.ParseUint(text, 10, 64); err != nil {
		return nil
	}
	return &text
}

// parentPid reads record.parent_pid: a string, or an optional in array form ([] or [pid]).
func parentPid(v any) *string {
	if items, ok := v.([]any); ok {
		if len(items) == 0 {
			return nil
		}
		return asString(items[0])
	}
	return asString(v)
}

// moduleHash reads record.module_hash: a string kept verbatim, or an array of bytes rendered
// as lower-case hex. Anything else, including an array with a non-byte item, is null.
func moduleHash(v any) *string {
	items, ok := v.([]any)
	if !ok {
		return asString(v)
	}
	raw := make([]byte, 0, len(items))
	for _, item := range items {
		b, ok := asByte(item)
		if !ok {
			return nil
		}
		raw = append(raw, b)
	}
	text := hex.EncodeToString(raw)
	return &text
}

// asByte accepts an integer token 0..255. Like serde_json's as_u64, "1.0", "1e0" and "-0"
// are not integers.
func asByte(v any) (byte, bool) {
	n, ok := v.(json.Number)
	if !ok || len(n) == 0 || len(n) > 3 || n[0] < '0' || n[0] > '9' {
		return 0, false
	}
	b, err := strconv.ParseUint(string(n), 10, 8)
	return byte(b), err == nil
}

// asString returns v when it is a string; anything else (absent, null, other types) is nil.
func asString(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}
