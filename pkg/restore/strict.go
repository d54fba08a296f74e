package restore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/fleetbackup/fleetbackup/pkg/document"
)

// decodeStrict decodes data into v the way the reference reads its 0.108 restore documents:
// every field of every object is required (nullable ones may be null, the others may not),
// unknown fields are rejected, and keys match exactly. Failures are ErrDecode errors.
func decodeStrict(data []byte, v any) error {
	if len(data) > document.MaxSize {
		return &Error{Err: ErrDecode, Sequence: noSequence, Cause: document.ErrTooLarge}
	}
	if err := requireShape(json.RawMessage(data), reflect.TypeOf(v).Elem(), ""); err != nil {
		return &Error{Err: ErrDecode, Sequence: noSequence, Cause: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &Error{Err: ErrDecode, Sequence: noSequence, Cause: err}
	}
	return nil
}

// requireShape walks raw alongside t: objects must carry exactly t's JSON fields, arrays are
// checked element-wise, and null is accepted only where t is a pointer.
func requireShape(raw json.RawMessage, t reflect.Type, path string) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if t.Kind() == reflect.Pointer {
			return nil
		}
		return fmt.Errorf("%s: null where a value is required", pathOrRoot(path))
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return requireObject(raw, t, path)
	case reflect.Slice:
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return fmt.Errorf("%s: %w", pathOrRoot(path), err)
		}
		for i, item := range items {
			if err := requireShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// requireObject checks one object against struct type t.
func requireObject(raw json.RawMessage, t reflect.Type, path string) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("%s: %w", pathOrRoot(path), err)
	}
	known := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		known[name] = true
		value, ok := fields[name]
		if !ok {
			return fmt.Errorf("%s: missing field %q", pathOrRoot(path), name)
		}
		if err := requireShape(value, f.Type, joinPath(path, name)); err != nil {
			return err
		}
	}
	for name := range fields {
		if !known[name] {
			return fmt.Errorf("%s: unknown field %q", pathOrRoot(path), name)
		}
	}
	return nil
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func pathOrRoot(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

// encodeStrict renders v like every backup document (pkg/document) and checks that the result
// reads back strictly, which catches a nil list that would be written as null.
func encodeStrict(v any) ([]byte, error) {
	data, err := document.Marshal(v)
	if err != nil {
		return nil, err
	}
	if err := requireShape(data, reflect.TypeOf(v).Elem(), ""); err != nil {
		return nil, &Error{Err: ErrDecode, Sequence: noSequence, Cause: err}
	}
	return data, nil
}
