package candid

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
)

func ptr(s string) *string { return &s }

// A newer root sends more record fields (of every kind of type), a reply variant with one more
// alternative, its types in another table order, and one more argument: the reader skips what it
// does not know.
func TestNewerRootExtraFieldsSkipped(t *testing.T) {
	table := [][]byte{
		tVar(fieldType{"Ok", 10}, fieldType{"Err", 11}, fieldType{"Pending", opNull}), // 0: reply
		tVec(opNat8),      // 1: blob
		tOpt(1),           // 2: opt blob
		tOpt(opPrincipal), // 3
		tVec(opFloat64),   // 4
		tRec(fieldType{"id", opPrincipal}, fieldType{"weights", 4}), // 5: subnet
		tVar(fieldType{"A", opNull}, fieldType{"B", opText}),        // 6: flags
		tRec(fieldType{"pid", opPrincipal}, fieldType{"role", opText}, fieldType{"parent_pid", 3},
			fieldType{"module_hash", 2}, fieldType{"created_at", opNat64}, fieldType{"kind", opText},
			fieldType{"subnet", 5}, fieldType{"flags", 6}, fieldType{"big", opNat}, fieldType{"neg", opInt},
			fieldType{"ok", opBool}, fieldType{"f", opFloat32}, fieldType{"r", opReserved}, fieldType{"n", opNull},
			fieldType{"n16", opInt16}, fieldType{"n32", opNat32}), // 7: canister record
		cat(sleb(opFunc), uleb(1), sleb(opText), uleb(1), sleb(opNat), uleb(1), []byte{1}), // 8: func
		cat(sleb(opService), uleb(1), vText("get"), sleb(8)),                               // 9: service
		tVec(12), // 10: entries
		tRec(fieldType{"code", 13}, fieldType{"message", opText}), // 11
		tRec(fieldType{"pid", opPrincipal}, fieldType{"role", opText}, fieldType{"record", 7},
			fieldType{"callback", 8}, fieldType{"svc", 9}), // 12: entry
		tVar(fieldType{"NotFound", opNull}, fieldType{"Teapot", opNull}), // 13
	}
	canister := func(pid, role string, parent, hash []byte, created uint64) []byte {
		return vRec(map[string][]byte{
			"pid": vPrin(pid), "role": vText(role), "parent_pid": parent, "module_hash": hash,
			"created_at": vNat64(created), "kind": vText("singleton"),
			"subnet": vRec(map[string][]byte{"id": vPrin(pidRoot), "weights": vVec(vFloat64(1.5), vFloat64(2.5))}),
			"flags":  cat(vAlt("B", "A", "B"), vText("x")), "big": uleb(1 << 40), "neg": sleb(-5),
			"ok": {1}, "f": {0, 0, 0x80, 0x3f}, "r": nil, "n": nil, "n16": {1, 2}, "n32": {1, 2, 3, 4},
		})
	}
	entry := func(pid, role string, rec []byte) []byte {
		return vRec(map[string][]byte{
			"pid": vPrin(pid), "role": vText(role), "record": rec,
			"callback": cat([]byte{1}, []byte{1}, uleb(3), []byte{9, 9, 9}, vText("get")),
			"svc":      cat([]byte{1}, uleb(2), []byte{7, 7}),
		})
	}
	data := message(table, []int64{0, opBool},
		vAlt("Ok", "Ok", "Err", "Pending"),
		vVec(
			entry(pidRoot, "root", canister(pidRoot, "root", vNone(), vNone(), 7)),
			entry(pidApp, "app", canister(pidApp, "app", vSome(vPrin(pidRoot)), vSome(vBlob(1, 2, 3)), 1<<40)),
		),
		[]byte{1}, // the extra bool argument
	)
	got, err := DecodeRegistry(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []RegistryEntry{
		{Pid: pidRoot, Role: "root", Record: CanisterRecord{Pid: pidRoot, Role: "root", CreatedAt: 7}},
		{Pid: pidApp, Role: "app", Record: CanisterRecord{Pid: pidApp, Role: "app", ParentPid: ptr(pidRoot),
			ModuleHash: Bytes{1, 2, 3}, CreatedAt: 1 << 40}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

// canisterOnly builds an Ok reply with one entry whose canister record has the given field types
// and values (pid, role and created_at are added).
func canisterOnly(extraTypes [][]byte, fields []fieldType, values map[string][]byte) []byte {
	fields = append(fields, fieldType{"pid", opPrincipal}, fieldType{"role", opText}, fieldType{"created_at", opNat64})
	values["pid"], values["role"], values["created_at"] = vPrin(pidApp), vText("app"), vNat64(1)
	n := int64(len(extraTypes))
	table := append(extraTypes,
		tRec(fields...), // n
		tRec(fieldType{"pid", opPrincipal}, fieldType{"role", opText}, fieldType{"record", n}), // n+1
		tVec(n+1), // n+2
		tVar(fieldType{"Ok", n + 2}, fieldType{"Err", opNull}), // n+3
	)
	entry := vRec(map[string][]byte{"pid": vPrin(pidApp), "role": vText("app"), "record": vRec(values)})
	return message(table, []int64{n + 3}, vAlt("Ok", "Ok", "Err"), vVec(entry))
}

// Candid's opt rules: a missing opt field is null; null, reserved and an opt of another type read
// as null; a non-opt value of the right type reads as present.
func TestOptFieldRules(t *testing.T) {
	cases := []struct {
		name       string
		types      [][]byte
		fields     []fieldType
		values     map[string][]byte
		wantParent *string
		wantHash   Bytes
	}{
		{name: "missing opt fields", values: map[string][]byte{}},
		{name: "bare principal and bare blob", types: [][]byte{tVec(opNat8)},
			fields:     []fieldType{{"parent_pid", opPrincipal}, {"module_hash", 0}},
			values:     map[string][]byte{"parent_pid": vPrin(pidRoot), "module_hash": vBlob(9)},
			wantParent: ptr(pidRoot), wantHash: Bytes{9}},
		{name: "null and reserved types", fields: []fieldType{{"parent_pid", opNull}, {"module_hash", opReserved}},
			values: map[string][]byte{"parent_pid": nil, "module_hash": nil}},
		{name: "opt of another type reads as null", types: [][]byte{tOpt(opText), tOpt(opNat64)},
			fields: []fieldType{{"parent_pid", 0}, {"module_hash", 1}},
			values: map[string][]byte{"parent_pid": vSome(vText("x")), "module_hash": vSome(vNat64(3))}},
		{name: "bare value of another type reads as null", types: [][]byte{tVec(opText)},
			fields: []fieldType{{"parent_pid", opText}, {"module_hash", 0}},
			values: map[string][]byte{"parent_pid": vText("x"), "module_hash": vVec(vText("a"))}},
		{name: "present but empty blob", types: [][]byte{tVec(opNat8), tOpt(0)},
			fields: []fieldType{{"module_hash", 1}}, values: map[string][]byte{"module_hash": vSome(vBlob())},
			wantHash: Bytes{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := DecodeRegistry(canisterOnly(c.types, c.fields, c.values))
			if err != nil {
				t.Fatal(err)
			}
			rec := got[0].Record
			if !reflect.DeepEqual(rec.ParentPid, c.wantParent) || !reflect.DeepEqual(rec.ModuleHash, c.wantHash) {
				t.Fatalf("got parent %v hash %#v, want %v %#v", rec.ParentPid, rec.ModuleHash, c.wantParent, c.wantHash)
			}
		})
	}
}

func TestEmptyBlobRendersAsEmptyArray(t *testing.T) {
	data := canisterOnly([][]byte{tVec(opNat8), tOpt(0)}, []fieldType{{"module_hash", 1}},
		map[string][]byte{"module_hash": vSome(vBlob())})
	got, err := DecodeRegistryReply(data)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Ok":[{"pid":"` + pidApp + `","role":"app","record":{"pid":"` + pidApp +
		`","role":"app","parent_pid":null,"module_hash":[],"created_at":"1"}}]}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestUnknownErrorCodeKeptAsHash(t *testing.T) {
	table := [][]byte{
		tVar(fieldType{"Ok", opNull}, fieldType{"Err", 1}),
		tRec(fieldType{"code", 2}, fieldType{"message", opText}),
		tVar(fieldType{"Brewing", opText}),
	}
	data := message(table, []int64{0}, vAlt("Err", "Ok", "Err"),
		vRec(map[string][]byte{"code": cat(uleb(0), vText("tea")), "message": vText("later")}))
	_, err := DecodeRegistry(data)
	var re *RegistryError
	if !errors.As(err, &re) || re.Code != "#"+strconv.FormatUint(uint64(Hash("Brewing")), 10) || re.Message != "later" {
		t.Fatalf("got %v", err)
	}
}
