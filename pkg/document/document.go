// Package document encodes, decodes and durably writes the JSON documents of a backup directory.
//
// Encoding follows the reference runner byte for byte: two-space indentation, HTML characters
// not escaped, no trailing newline. Writes go through a temp file, fsync, rename and an fsync of
// the directory, so a crash leaves either the old document or the new one, never a torn one.
package document

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// MaxSize bounds every document we read (64 MiB): larger inputs are rejected, not loaded.
const MaxSize = 64 << 20

// ErrTooLarge is returned for inputs over MaxSize.
var ErrTooLarge = errors.New("document too large")

// Validator is implemented by documents that check their own rules.
type Validator interface {
	Validate() error
}

// Marshal renders v as pretty JSON without HTML escaping and without a trailing newline.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Unmarshal decodes data into v (unknown fields ignored, as the reference reads), then
// validates v when it is a Validator.
func Unmarshal(data []byte, v any) error {
	if len(data) > MaxSize {
		return fmt.Errorf("%w: %d bytes (limit %d)", ErrTooLarge, len(data), MaxSize)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	if val, ok := v.(Validator); ok {
		return val.Validate()
	}
	return nil
}

// ReadAllLimited reads r up to MaxSize bytes, failing with ErrTooLarge beyond it.
func ReadAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxSize)
	}
	return data, nil
}

// Read reads, decodes and validates the document at path.
func Read(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := ReadAllLimited(f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if err := Unmarshal(data, v); err != nil {
		return fmt.Errorf("decoding %s: %w", path, err)
	}
	return nil
}

// Write validates v (when it is a Validator), then writes it durably to path.
// An invalid document leaves the file system untouched.
func Write(path string, v any) error {
	if val, ok := v.(Validator); ok {
		if err := val.Validate(); err != nil {
			return err
		}
	}
	data, err := Marshal(v)
	if err != nil {
		return err
	}
	return WriteFileDurable(path, data)
}

// WriteFileDurable writes data to path through a temp file beside it (`<name>.tmp-<random>`,
// unique, so that two writers of one document never share a temp file), fsyncing the file and
// its directory.
func WriteFileDurable(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := writeSynced(dir, filepath.Base(path), data)
	if err != nil {
		if tmp != "" {
			os.Remove(tmp)
		}
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(dir)
}

func writeSynced(dir, name string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, name+".tmp-*")
	if err != nil {
		return "", err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return f.Name(), err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return f.Name(), err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return f.Name(), err
	}
	return f.Name(), f.Close()
}

// SyncDir fsyncs a directory so that renames into it survive a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
