package registry

import (
	"reflect"
	"testing"
)

func TestEncodeShape(t *testing.T) {
	entries := []Entry{
		entry(root, "root", ""),
		{Pid: app, Role: ptr("app"), Kind: ptr("singleton"), ParentPid: ptr(root), ModuleHash: ptr("01ab"),
			CreatedAt: ptr("1715090401")},
	}
	got, err := Encode(entries)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"Ok":[` +
		`{"pid":"aaaaa-aa","role":"root","record":{"pid":"aaaaa-aa","role":"root","kind":null,"parent_pid":null,"module_hash":null,"created_at":null}},` +
		`{"pid":"` + app + `","role":"app","record":{"pid":"` + app + `","role":"app","kind":"singleton","parent_pid":"aaaaa-aa","module_hash":"01ab","created_at":"1715090401"}}]}`
	if string(got) != want {
		t.Fatalf("Encode =\n%s\nwant\n%s", got, want)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, entries := range [][]Entry{
		nil,
		threeEntries(),
		{
			{Pid: "", Role: ptr(""), Kind: ptr(""), ParentPid: ptr(""), ModuleHash: ptr(""), CreatedAt: ptr("0")},
			{Pid: "big", CreatedAt: ptr("18446744073709551615")},
			{Pid: "<&>\u2028\"\\", Role: ptr("r\x00\n"), ParentPid: ptr("p"), ModuleHash: ptr("\U0001F600")},
			entry(app, "", root), entry(app, "dup", root),
		},
	} {
		data, err := Encode(entries)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(data)
		if err != nil {
			t.Fatalf("Parse(Encode) = %v\n%s", err, data)
		}
		want := entries
		if want == nil {
			want = []Entry{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip = %s, want %s", show(got), show(want))
		}
	}
}
