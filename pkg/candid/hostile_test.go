package candid

import (
	"errors"
	"runtime"
	"testing"
)

// okEmptyHeader is the registry type table of the vectors (with its argument list), ready for values.
var okEmptyHeader = header

func TestHostileInput(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"bad magic", []byte("DIDM\x00\x00"), ErrMalformed},
		{"magic only", []byte("DIDL"), ErrMalformed},
		{"no arguments", message(nil, nil), ErrTypeMismatch},
		{"huge type count", cat([]byte("DIDL"), uleb(1<<62)), ErrMalformed},
		{"LEB128 overflow", cat([]byte("DIDL"), repeat([]byte{0xff}, 11), []byte{0}), ErrMalformed},
		{"primitive in type table", message([][]byte{sleb(opNat)}, []int64{0}), ErrMalformed},
		{"future opcode", message([][]byte{sleb(-30)}, []int64{0}), ErrMalformed},
		{"reference out of range", message([][]byte{tVec(5)}, []int64{0}), ErrMalformed},
		{"argument out of range", message(nil, []int64{3}), ErrMalformed},
		{"unknown primitive", message(nil, []int64{-40}), ErrMalformed},
		{"fields not ascending", message([][]byte{cat(sleb(opRecord), uleb(2), uleb(5), sleb(opNull), uleb(5), sleb(opNull))}, []int64{0}), ErrMalformed},
		{"field id over 32 bits", message([][]byte{cat(sleb(opRecord), uleb(1), uleb(1<<33), sleb(opNull))}, []int64{0}), ErrMalformed},
		{"service method not a func", message([][]byte{cat(sleb(opService), uleb(1), vText("m"), sleb(opNat))}, []int64{0}), ErrMalformed},
		{"bad func annotation", message([][]byte{cat(sleb(opFunc), uleb(0), uleb(0), uleb(1), []byte{9})}, []int64{0}), ErrMalformed},
		{"reply not a variant", message(nil, []int64{opText}, vText("x")), ErrTypeMismatch},
		{"variant index out of range", cat(okEmptyHeader, uleb(7)), ErrMalformed},
		{"Ok with huge vector length", cat(okEmptyHeader, uleb(0), uleb(1<<60)), ErrMalformed},
		{"trailing bytes", cat(okEmptyHeader, uleb(0), uleb(0), []byte{0}), ErrMalformed},
		{"opaque principal", cat(okEmptyHeader, uleb(0), uleb(1), []byte{0}), ErrMalformed},
		{"principal over 29 bytes", cat(okEmptyHeader, uleb(0), uleb(1), []byte{1}, uleb(30), make([]byte, 30)), ErrMalformed},
		{"huge text length", afterReply(nil, []int64{opText}, uleb(1<<50)), ErrMalformed},
		{"invalid UTF-8 role", cat(okEmptyHeader, uleb(0), uleb(1), vPrin(pidApp), vText("\xff")), ErrMalformed},
		{"opt flag 2", cat(okEmptyHeader, uleb(0), uleb(1), vPrin(pidApp), vText("a"), vPrin(pidApp), vText("a"), vNat64(1), []byte{2}), ErrMalformed},
		{"value of type empty", afterReply(nil, []int64{opEmpty}), ErrMalformed},
		{"bool value 2", afterReply(nil, []int64{opBool}, []byte{2}), ErrMalformed},
		{"opaque func", afterReply([][]byte{cat(sleb(opFunc), uleb(0), uleb(0), uleb(0))}, []int64{2}, []byte{0}), ErrMalformed},
		{"vector of nulls beyond the budget", afterReply([][]byte{tVec(opNull)}, []int64{2}, uleb(1<<62)), ErrLimit},
		{"recursive record", afterReply([][]byte{tRec(fieldType{"self", 2})}, []int64{2}), ErrLimit},
		{"missing pid", canisterWithout("pid"), ErrTypeMismatch},
		{"missing created_at", canisterWithout("created_at"), ErrTypeMismatch},
		{"pid of type text", message([][]byte{
			tVar(fieldType{"Ok", 1}), tVec(2), tRec(fieldType{"pid", opText})}, []int64{0}, uleb(0), uleb(1), vText("x")), ErrTypeMismatch},
		{"Ok not a vector", message([][]byte{tVar(fieldType{"Ok", opText})}, []int64{0}, uleb(0), vText("x")), ErrTypeMismatch},
		{"unknown reply alternative", message([][]byte{tVar(fieldType{"Maybe", opNull})}, []int64{0}, uleb(0)), ErrTypeMismatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeRegistryReply(c.data)
			if err == nil {
				t.Fatalf("decoded %s", got)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want *DecodeError, got %T %v", err, err)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("want %v, got %v", c.want, err)
			}
		})
	}
}

// afterReply builds a valid empty Ok reply (types 0 and 1) followed by more arguments, which the
// decoder must skip: types are appended to the table from index 2.
func afterReply(types [][]byte, args []int64, values ...[]byte) []byte {
	table := append([][]byte{tVar(fieldType{"Ok", 1}), tVec(opNull)}, types...)
	return message(table, append([]int64{0}, args...), append([][]byte{uleb(0), uleb(0)}, values...)...)
}

// Hostile inputs whose only fault is being too large or too deep fail with ErrLimit.
func TestLimits(t *testing.T) {
	cases := map[string][]byte{
		"vector of nulls":         afterReply([][]byte{tVec(opNull)}, []int64{2}, uleb(1<<62)),
		"vector of empty records": afterReply([][]byte{tVec(3), tRec()}, []int64{2}, uleb(1<<40)),
		"recursive record":        afterReply([][]byte{tRec(fieldType{"self", 2})}, []int64{2}),
		"deeply nested opt":       afterReply([][]byte{tOpt(2)}, []int64{2}, repeat([]byte{1}, 200)),
		"deeply nested vectors":   afterReply([][]byte{tVec(2)}, []int64{2}, repeat([]byte{1}, 200)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodeRegistry(data); !errors.Is(err, ErrLimit) {
				t.Fatalf("want ErrLimit, got %v", err)
			}
		})
	}
}

func canisterWithout(name string) []byte {
	all := map[string]int64{"pid": opPrincipal, "role": opText, "created_at": opNat64}
	values := map[string][]byte{"pid": vPrin(pidApp), "role": vText("a"), "created_at": vNat64(1)}
	delete(all, name)
	delete(values, name)
	var fields []fieldType
	for n, typ := range all {
		fields = append(fields, fieldType{n, typ})
	}
	table := [][]byte{
		tVar(fieldType{"Ok", 1}), tVec(2),
		tRec(fieldType{"pid", opPrincipal}, fieldType{"role", opText}, fieldType{"record", 3}),
		tRec(fields...),
	}
	entry := vRec(map[string][]byte{"pid": vPrin(pidApp), "role": vText("a"), "record": vRec(values)})
	return message(table, []int64{0}, uleb(0), vVec(entry))
}

func repeat(b []byte, n int) []byte {
	out := make([]byte, 0, len(b)*n)
	for range n {
		out = append(out, b...)
	}
	return out
}

// Every prefix of a valid reply is an error, never a panic or a partial success.
func TestEveryTruncationFails(t *testing.T) {
	for _, c := range loadVectors(t) {
		data := c.bytes(t)
		for n := range len(data) {
			if _, err := DecodeRegistry(data[:n]); err == nil {
				t.Fatalf("%s: prefix of %d bytes decoded", c.Name, n)
			}
		}
	}
}

// Lengths that claim far more than the input holds are refused before anything is allocated.
func TestHostileLengthsDoNotAllocate(t *testing.T) {
	inputs := [][]byte{
		cat([]byte("DIDL"), uleb(1<<62)),
		cat(okEmptyHeader, uleb(0), uleb(1<<60)),
		afterReply(nil, []int64{opText}, uleb(1<<50)),
		afterReply([][]byte{tVec(opNat8)}, []int64{2}, uleb(1<<50)),
	}
	for i, data := range inputs {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := DecodeRegistry(data)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatalf("input %d decoded", i)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
			t.Fatalf("input %d allocated %d bytes", i, grew)
		}
	}
}
