package candid

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"

	"github.com/fleetbackup/fleetbackup/pkg/principal"
)

// Test-side construction of arbitrary Candid messages, for types the registry encoder never writes.

type fieldType struct {
	name string
	typ  int64
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func uleb(v uint64) []byte { w := &writer{}; w.uleb(v); return w.buf.Bytes() }

func sleb(v ...int64) []byte { w := &writer{}; w.sleb(v...); return w.buf.Bytes() }

// message builds DIDL + table + argument types + values.
func message(table [][]byte, args []int64, values ...[]byte) []byte {
	return cat([]byte("DIDL"), uleb(uint64(len(table))), cat(table...), uleb(uint64(len(args))), sleb(args...), cat(values...))
}

func tOpt(x int64) []byte { return sleb(opOpt, x) }
func tVec(x int64) []byte { return sleb(opVec, x) }

// tFields builds a record or variant type, sorting the fields by hash.
func tFields(op int64, fields ...fieldType) []byte {
	slices.SortFunc(fields, func(a, b fieldType) int { return int(int64(Hash(a.name)) - int64(Hash(b.name))) })
	out := cat(sleb(op), uleb(uint64(len(fields))))
	for _, f := range fields {
		out = cat(out, uleb(uint64(Hash(f.name))), sleb(f.typ))
	}
	return out
}

func tRec(fields ...fieldType) []byte { return tFields(opRecord, fields...) }
func tVar(fields ...fieldType) []byte { return tFields(opVariant, fields...) }

// vRec concatenates field values in hash order.
func vRec(values map[string][]byte) []byte {
	names := make([]string, 0, len(values))
	for n := range values {
		names = append(names, n)
	}
	names = byHash(names...)
	var out []byte
	for _, n := range names {
		out = cat(out, values[n])
	}
	return out
}

// vAlt is the index of alternative name among names, as a variant value prefix.
func vAlt(name string, names ...string) []byte {
	return uleb(uint64(slices.Index(byHash(names...), name)))
}

func vPrin(text string) []byte {
	blob, err := principal.Parse(text)
	if err != nil {
		panic(err)
	}
	return cat([]byte{1}, uleb(uint64(len(blob))), blob)
}

func vText(s string) []byte       { return cat(uleb(uint64(len(s))), []byte(s)) }
func vNat64(n uint64) []byte      { return binary.LittleEndian.AppendUint64(nil, n) }
func vFloat64(f float64) []byte   { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f)) }
func vBlob(b ...byte) []byte      { return cat(uleb(uint64(len(b))), b) }
func vSome(v []byte) []byte       { return cat([]byte{1}, v) }
func vNone() []byte               { return []byte{0} }
func vVec(items ...[]byte) []byte { return cat(uleb(uint64(len(items))), cat(items...)) }

const (
	pidRoot = "r7inp-6aaaa-aaaaa-aaabq-cai"
	pidApp  = "renrk-eyaaa-aaaaa-aaada-cai"
)
