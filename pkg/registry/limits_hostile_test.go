package registry_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/fleetbackup/fleetbackup/pkg/document"
	"github.com/fleetbackup/fleetbackup/pkg/registry"
)

// entriesJSON is a bare array of n minimal entries, or {"Ok": [...]} when wrapped.
func entriesJSON(n int, wrapped bool) []byte {
	var b bytes.Buffer
	if wrapped {
		b.WriteString(`{"Ok": `)
	}
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`{"pid": "aaaaa-aa", "record": {"module_hash": [1, 2, 3], "parent_pid": []}}`)
	}
	b.WriteByte(']')
	if wrapped {
		b.WriteByte('}')
	}
	return b.Bytes()
}

func TestParseLimits(t *testing.T) {
	small := registry.Limits{MaxEntries: 3, MaxBytes: 4096}
	tests := []struct {
		name    string
		data    []byte
		lim     registry.Limits
		entries int
		err     error
	}{
		{"at the entry limit", entriesJSON(3, false), small, 3, nil},
		{"over the entry limit", entriesJSON(4, false), small, 0, registry.ErrTooManyEntries},
		{"wrapped, at the limit", entriesJSON(3, true), small, 3, nil},
		{"wrapped, over the limit", entriesJSON(4, true), small, 0, registry.ErrTooManyEntries},
		{"skipped elements count", []byte(`[1, "x", null, {"pid": "aaaaa-aa"}]`), small, 0, registry.ErrTooManyEntries},
		{"nested arrays do not count", []byte(`[{"pid": "p", "record": {"module_hash": [1,2,3,4,5,6,7,8,9]}}]`), small, 1, nil},
		{"strings with brackets do not count", []byte(`[{"pid": "[[,,]]\"[", "role": "a,b,c,d"}]`), small, 1, nil},
		{"every member array of the object counts", []byte(`{"Ok": [], "x": [1, 2, 3, 4]}`), small, 0, registry.ErrTooManyEntries},
		{"escaped Ok counts", []byte(`{"\u004fk": [1, 2, 3, 4]}`), small, 0, registry.ErrTooManyEntries},
		{"over MaxBytes", entriesJSON(100, false), small, 0, registry.ErrTooLarge},
		{"defaults: document.MaxSize", make([]byte, document.MaxSize+1), registry.Limits{}, 0, registry.ErrTooLarge},
		{"defaults: 100,000 entries", []byte("[" + strings.Repeat("0,", registry.DefaultMaxEntries) + "0]"), registry.Limits{}, 0, registry.ErrTooManyEntries},
		{"defaults: exactly 100,000", []byte("[" + strings.Repeat("0,", registry.DefaultMaxEntries-1) + "0]"), registry.Limits{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := registry.ParseLimited(tt.data, tt.lim)
			if tt.err == nil {
				if err != nil || len(entries) != tt.entries {
					t.Fatalf("= %d entries, %v; want %d", len(entries), err, tt.entries)
				}
				return
			}
			if !errors.Is(err, tt.err) || entries != nil || !strings.Contains(err.Error(), "limit") {
				t.Fatalf("err = %v, want %v naming the limit", err, tt.err)
			}
		})
	}
}

// A registry of a million entries is refused by Parse without being decoded: a handful of
// allocations, where decoding would make millions.
func TestMillionEntriesAreNotDecoded(t *testing.T) {
	data := []byte("[" + strings.Repeat(`{"pid":"a"},`, 1_000_000) + `{"pid":"a"}]`)
	var err error
	allocs := testing.AllocsPerRun(1, func() { _, err = registry.Parse(data) })
	var ee *registry.EntriesError
	if !errors.As(err, &ee) || ee.Limit != registry.DefaultMaxEntries {
		t.Fatalf("err = %v, want an EntriesError at the default limit", err)
	}
	if allocs > 100 {
		t.Fatalf("%v allocations to refuse the registry: it was decoded", allocs)
	}
}

// FuzzParseLimited: ParseLimited refuses exactly the inputs whose entry array (every member
// array of a top-level object) has more elements than the limit, counted here with
// encoding/json's tokenizer; what it accepts has at most that many entries.
func FuzzParseLimited(f *testing.F) {
	for _, seed := range []string{`[]`, `[1,2,3]`, `{"Ok":[{"pid":"a"},{"pid":"b"}]}`, `{"Ok":[], "x":[1,2]}`,
		`[{"pid":"a","record":{"module_hash":[1,2,3]}}, "x"]`, `[[1,2],[3]]`, `[true,false,null,-1.5e3,"\"]"]`} {
		f.Add([]byte(seed), uint8(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		lim := registry.Limits{MaxEntries: int(limit) + 1}
		entries, err := registry.ParseLimited(data, lim)
		if err == nil && len(entries) > lim.MaxEntries {
			t.Fatalf("%d entries accepted over a limit of %d", len(entries), lim.MaxEntries)
		}
		if errors.Is(err, registry.ErrJSON) || errors.Is(err, registry.ErrTooLarge) {
			return
		}
		n := referenceCount(data)
		if over := errors.Is(err, registry.ErrTooManyEntries); over != (n > lim.MaxEntries) {
			t.Fatalf("%d elements, limit %d: err = %v", n, lim.MaxEntries, err)
		}
	})
}

// referenceCount counts the elements of a top-level array, or of every array member of a
// top-level object, with encoding/json's tokenizer.
func referenceCount(data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	var open []json.Delim
	n := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		d, isDelim := tok.(json.Delim)
		closing := isDelim && (d == ']' || d == '}')
		inEntries := len(open) == 1 && open[0] == '[' || len(open) == 2 && open[0] == '{' && open[1] == '['
		if inEntries && !closing {
			n++
		}
		switch {
		case closing:
			open = open[:len(open)-1]
		case isDelim:
			open = append(open, d)
		}
	}
}
