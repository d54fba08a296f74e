package candid

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	entries := []RegistryEntry{
		{Pid: pidRoot, Role: "root", Record: CanisterRecord{Pid: pidRoot, Role: "root", CreatedAt: 0}},
		{Pid: pidApp, Role: "ü <app> & 🦀", Record: CanisterRecord{Pid: pidApp, Role: "other role",
			ParentPid: ptr(pidRoot), ModuleHash: Bytes{}, CreatedAt: ^uint64(0)}},
		{Pid: "aaaaa-aa", Role: "", Record: CanisterRecord{Pid: "aaaaa-aa", ParentPid: ptr(pidApp),
			ModuleHash: bytes.Repeat([]byte{0xab}, 32), CreatedAt: 1715090400}},
	}
	data, err := EncodeRegistry(entries)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRegistry(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, entries) {
		t.Fatalf("got %+v\nwant %+v", got, entries)
	}
	// JSON → Candid → JSON is the identity on the decoder's own output.
	js, err := MarshalRegistry(got)
	if err != nil {
		t.Fatal(err)
	}
	again, err := EncodeRegistryReply(js)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Fatal("re-encoding the decoded JSON changed the bytes")
	}
}

func TestEncodeAcceptsBareArrayAndHexHash(t *testing.T) {
	js := `[{"pid":"` + pidApp + `","role":"app","kind":"singleton","record":{"pid":"` + pidApp +
		`","role":"app","parent_pid":"` + pidRoot + `","module_hash":"01ab","created_at":"5"}}]`
	data, err := EncodeRegistryReply([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRegistry(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[0].Record.ModuleHash, []byte{1, 0xab}) || *got[0].Record.ParentPid != pidRoot {
		t.Fatalf("got %+v", got[0])
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := map[string]string{
		"not JSON":        `{`,
		"no Ok":           `{"Err":[]}`,
		"bad pid":         `{"Ok":[{"pid":"nope","role":"a","record":{"pid":"nope","role":"a","created_at":"1"}}]}`,
		"bad parent":      `{"Ok":[{"pid":"` + pidApp + `","role":"a","record":{"pid":"` + pidApp + `","role":"a","parent_pid":"x","created_at":"1"}}]}`,
		"bad module hash": `{"Ok":[{"pid":"` + pidApp + `","role":"a","record":{"pid":"` + pidApp + `","role":"a","module_hash":[256],"created_at":"1"}}]}`,
		"bad created_at":  `{"Ok":[{"pid":"` + pidApp + `","role":"a","record":{"pid":"` + pidApp + `","role":"a","created_at":"-1"}}]}`,
	}
	for name, js := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := EncodeRegistryReply([]byte(js)); !errors.Is(err, ErrInvalidRegistry) {
				t.Fatalf("want ErrInvalidRegistry, got %v", err)
			}
		})
	}
	if _, err := EncodeRegistryError("Teapot", "x"); !errors.Is(err, ErrInvalidRegistry) {
		t.Fatalf("unknown code: got %v", err)
	}
	if _, err := EncodeRegistry([]RegistryEntry{{Pid: pidApp, Role: "\xff", Record: CanisterRecord{Pid: pidApp}}}); !errors.Is(err, ErrInvalidRegistry) {
		t.Fatalf("invalid UTF-8: got %v", err)
	}
}

func TestEveryErrorCodeRoundTrips(t *testing.T) {
	for _, code := range ErrorCodes {
		data, err := EncodeRegistryError(code, "because "+code)
		if err != nil {
			t.Fatal(err)
		}
		var re *RegistryError
		if _, err := DecodeRegistry(data); !errors.As(err, &re) || re.Code != code || re.Message != "because "+code {
			t.Fatalf("%s: got %v", code, err)
		}
	}
}
