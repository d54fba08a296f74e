package candid

import (
	"bytes"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// writer accumulates a Candid message.
type writer struct {
	buf bytes.Buffer
}

func (w *writer) raw(b []byte) { w.buf.Write(b) }

func (w *writer) uleb(v uint64) {
	for v >= 0x80 {
		w.buf.WriteByte(byte(v) | 0x80)
		v >>= 7
	}
	w.buf.WriteByte(byte(v))
}

func (w *writer) sleb(values ...int64) {
	for _, v := range values {
		for {
			b := byte(v & 0x7f)
			v >>= 7
			if (v == 0 && b&0x40 == 0) || (v == -1 && b&0x40 != 0) {
				w.buf.WriteByte(b)
				break
			}
			w.buf.WriteByte(b | 0x80)
		}
	}
}

// fields writes a record or variant type whose names are already in hash order; a name missing
// from types has type null.
func (w *writer) fields(op int64, names []string, types map[string]int64) {
	w.sleb(op)
	w.uleb(uint64(len(names)))
	for _, name := range names {
		w.uleb(uint64(Hash(name)))
		t, ok := types[name]
		if !ok {
			t = opNull
		}
		w.sleb(t)
	}
}

func (w *writer) text(s string) {
	w.uleb(uint64(len(s)))
	w.buf.WriteString(s)
}

func (w *writer) present(ok bool) {
	if ok {
		w.buf.WriteByte(1)
	} else {
		w.buf.WriteByte(0)
	}
}

// principal writes a transparent principal from its text.
func (w *writer) principal(i int, field, text string) error {
	blob, err := principal.Parse(text)
	if err != nil {
		return &EncodeError{Index: i, Field: field, Reason: err.Error()}
	}
	w.buf.WriteByte(1)
	w.uleb(uint64(len(blob)))
	w.raw(blob)
	return nil
}
